import type { Stack } from "@pulumi/pulumi/automation";
import { ManagementClient } from "../../client";
import { startLocalLogto, type LocalLogto } from "../../local-logto";
import { ApiResource } from "../../providers/apiResource";
import { M2MRole } from "../../providers/m2mRole";
import { engineSandbox, inlineStack, type EngineSandbox } from "../support/engine";
import { logtoStackConfig } from "../support/topology";

/**
 * The bootstrap app's secret rotated (new secret made, old one deleted, `logto:appSecret` set to the new one):
 * `pulumi refresh` and `pulumi destroy` configure the providers from the last deployment's settings, so they
 * still send the old secret. They fail saying so and what to run; with `--run-program` they use the stack config.
 * Local Logto only: rotating a shared tenant's bootstrap secret would cut off everyone else.
 */
describe("after a rotation of the bootstrap secret", () => {
    let logto: LocalLogto;
    let sandbox: EngineSandbox;
    let stack: Stack;
    let admin: ManagementClient;
    let ids: { resourceId: string; roleId: string };

    beforeAll(async () => {
        logto = await startLocalLogto({ port: 0 });
        sandbox = engineSandbox();
        admin = new ManagementClient({ endpoint: logto.endpoint, appId: logto.bootstrap.appId, appSecret: logto.bootstrap.appSecret }, { budget: "off" });
        stack = await inlineStack(sandbox, "rotation", "dev", async () => {
            const api = new ApiResource("api", { name: "rotation", indicator: "https://rotation.example" });
            const role = new M2MRole("role", { name: "rotation-role", description: "d", scopeIds: [] });
            return { resourceId: api.id, roleId: role.id };
        }, logtoStackConfig(logto));
        const { outputs } = await stack.up();
        ids = { resourceId: outputs.resourceId!.value, roleId: outputs.roleId!.value };

        // The rotation, as an operator does it in the Console: a new secret, then the old one deleted.
        const rotated = await admin.createApplicationSecret(logto.bootstrap.appId, { name: "rotated" });
        expect(await admin.deleteApplicationSecret(logto.bootstrap.appId, "Default secret")).toBe(true);
        await stack.setConfig("logto:appSecret", { value: rotated.value, secret: true });
        admin = new ManagementClient({ endpoint: logto.endpoint, appId: logto.bootstrap.appId, appSecret: rotated.value }, { budget: "off" });
        // Drift for the refresh to find.
        await admin.updateResource(ids.resourceId, { name: "renamed outside" });
    });
    afterAll(async () => {
        sandbox?.cleanup();
        await logto?.close();
    });

    test("refresh fails with 401 and says what is happening and what to run", async () => {
        const error = String(await stack.refresh().then(() => "refresh succeeded", (e: unknown) => e));
        expect(error).toMatch(/invalid_client/);
        expect(error).toMatch(/settings of the last deployment/);
        expect(error).toContain("pulumi refresh --run-program");
        expect(error).toContain("pulumi destroy --run-program");
        expect(error).not.toContain(logto.bootstrap.appSecret);
    });

    test("destroy fails the same way, and deletes nothing", async () => {
        const error = String(await stack.destroy().then(() => "destroy succeeded", (e: unknown) => e));
        expect(error).toMatch(/invalid_client/);
        expect(error).toContain("pulumi destroy --run-program");
        expect(await admin.getResource(ids.resourceId)).toBeDefined();
        expect(await admin.getRole(ids.roleId)).toBeDefined();
    });

    test("refresh --run-program uses the new secret and finds the drift; after it, plain refresh works again", async () => {
        const result = await stack.refresh({ runProgram: true });
        expect(result.summary.resourceChanges).toMatchObject({ update: 1 });
        // The run with the program stored the new settings for the next operations without it.
        await expect(stack.refresh()).resolves.toMatchObject({ summary: { result: "succeeded" } });
    });

    test("destroy --run-program deletes everything", async () => {
        const result = await stack.destroy({ runProgram: true });
        expect(result.summary.resourceChanges).toMatchObject({ delete: 3 });
        expect(await admin.getResource(ids.resourceId)).toBeUndefined();
        expect(await admin.getRole(ids.roleId)).toBeUndefined();
    });
});
