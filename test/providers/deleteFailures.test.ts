import type { Stack } from "@pulumi/pulumi/automation";
import { ManagementClient } from "../../client";
import { startLocalLogto, type LocalLogto } from "../../local-logto";
import { M2MApplication } from "../../providers/m2mApplication";
import { M2MRole } from "../../providers/m2mRole";
import { engineSandbox, inlineStack, type EngineSandbox } from "../support/engine";
import { logtoStackConfig } from "../support/topology";

/**
 * A delete that Logto refuses (here: throttled past every retry) fails `destroy` and keeps the object in the
 * state; only "already gone" (404) counts as deleted. Local Logto only: it needs fault injection.
 */
describe("a delete Logto refuses fails the destroy and keeps the object", () => {
    let logto: LocalLogto;
    let sandbox: EngineSandbox;
    let stack: Stack;
    let client: ManagementClient;

    beforeAll(async () => {
        logto = await startLocalLogto({ port: 0 });
        sandbox = engineSandbox();
        client = new ManagementClient({ endpoint: logto.endpoint, appId: logto.bootstrap.appId, appSecret: logto.bootstrap.appSecret }, { budget: "off" });
        stack = await inlineStack(sandbox, "delete-failures", "dev", async () => {
            const role = new M2MRole("role", { name: "doomed-role", description: "d", scopeIds: [] });
            const app = new M2MApplication("app", { name: "doomed-app", roleIds: [role.id] });
            return { roleId: role.id, appId: app.appId };
        }, logtoStackConfig(logto));
    });
    afterAll(async () => {
        sandbox?.cleanup();
        await logto?.close();
    });

    const inState = async (): Promise<string[]> => ((await stack.exportStack()).deployment.resources ?? [])
        .map((r: { urn: string }) => r.urn.split("::").pop()!).filter((n: string) => n === "role" || n === "app").sort();
    // Throttled on every attempt, with Retry-After 0 so the client's retries run out quickly.
    const refuse = (route: string) => logto.faults.set([{ kind: "429", route, retryAfterSeconds: 0, count: 1000 }]);

    test.each([
        ["role", "DELETE /api/roles/:id", ["role"]],
        ["app", "DELETE /api/applications/:id", ["app", "role"]],
    ] as const)("the %s", async (what, route, kept) => {
        const { outputs } = await stack.up();
        refuse(route);
        const error = String(await stack.destroy().then(() => "destroy succeeded", (e: unknown) => e));
        logto.faults.clear();
        expect(error).toMatch(/failed with 429/);
        expect(await inState()).toEqual(kept);
        if (what === "role") expect(await client.getRole(outputs.roleId!.value)).toBeDefined();
        else expect(await client.getApplication(outputs.appId!.value)).toBeDefined();
    });

    test("once Logto takes the deletes, destroy removes both", async () => {
        const outputs = await stack.outputs();
        await stack.destroy();
        expect(await inState()).toEqual([]);
        expect(await client.getRole(outputs.roleId!.value)).toBeUndefined();
        expect(await client.getApplication(outputs.appId!.value)).toBeUndefined();
    });
});
