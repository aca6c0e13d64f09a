import type { ConfigMap, PulumiFn, Stack } from "@pulumi/pulumi/automation";
import { engineSandbox, inlineStack, type EngineSandbox } from "./engine";
import { startLogtoTarget, type LogtoTarget } from "./logtoTarget";

/** A Logto target and an engine sandbox for one test file, with stacks made on demand. */
export interface ProviderFixture {
    target(): LogtoTarget;
    sandbox(): EngineSandbox;
    stack(project: string, name: string, program: PulumiFn, extraConfig?: ConfigMap): Promise<Stack>;
}

export function useProviderFixture(): ProviderFixture {
    let target: LogtoTarget | undefined;
    let sandbox: EngineSandbox | undefined;
    beforeAll(async () => {
        target = await startLogtoTarget();
        sandbox = engineSandbox();
    });
    afterAll(async () => {
        sandbox?.cleanup();
        await target?.close();
    });
    return {
        target: () => target as LogtoTarget,
        sandbox: () => sandbox as EngineSandbox,
        stack: (project, name, program, extraConfig) =>
            inlineStack(sandbox as EngineSandbox, project, name, program, (target as LogtoTarget).stackConfig(extraConfig)),
    };
}
