import { EngineProbe } from "../fixtures/engineProbe";
import { engineSandbox, inlineStack } from "../support/engine";
import { describeEngineCycle } from "./engineCycle";

describeEngineCycle("file", async () => engineSandbox());

describe("a broken dynamic provider", () => {
    test("fails the update instead of passing silently", async () => {
        const sandbox = engineSandbox();
        sandbox.env.ENGINE_PROBE_BROKEN = "1";
        try {
            const stack = await inlineStack(sandbox, "engine-probe", "broken", async () => {
                new EngineProbe("probe", { value: "x" });
            });
            await expect(stack.up()).rejects.toThrow(/engine probe is broken on purpose/);
        } finally {
            sandbox.cleanup();
        }
    });
});
