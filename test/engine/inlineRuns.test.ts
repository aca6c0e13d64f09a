import { setTimeout as sleep } from "node:timers/promises";
import { EngineProbe } from "../fixtures/engineProbe";
import { engineSandbox, inlineStack } from "../support/engine";

/**
 * `stack.up()` of an inline program resolves when the CLI exits; the program itself runs in this process and
 * may still be going: a failed run's last RPCs fail against the exited engine (`14 UNAVAILABLE: No connection
 * established`) while the next test already runs, and jest charges that test with them. The harness's stacks
 * return from an operation only once the program's run has ended.
 */
describe("inline programs of one process", () => {
    test("a failed up returns only after its program has finished", async () => {
        const sandbox = engineSandbox();
        sandbox.env.ENGINE_PROBE_BROKEN = "1";
        let finished = false;
        try {
            const stack = await inlineStack(sandbox, "inline-runs", "failed", async () => {
                new EngineProbe("probe", { value: "x" });
                // The create fails meanwhile and the engine exits; the program goes on a little longer.
                await sleep(5000);
                finished = true;
            });
            const error = String(await stack.up().then(() => "up succeeded", (e: unknown) => e));
            expect(error).toMatch(/engine probe is broken on purpose/);
            expect(finished).toBe(true);
        } finally {
            sandbox.cleanup();
        }
    });
});
