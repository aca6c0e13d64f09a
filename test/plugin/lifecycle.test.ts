import * as pulumi from "@pulumi/pulumi";
import type { Stack } from "@pulumi/pulumi/automation";
import { storedState } from "../support/engine";
import { callsByMethod } from "../support/logtoTarget";
import { useProviderFixture } from "../support/logtoEngine";
import { resource } from "./support";

/**
 * The plugin's resources (`logto:index:*`, served by `pulumi-resource-logto` as the default provider configured
 * from the stack's `logto:*`) through the real engine: create, no-op with no Logto call, in-place update,
 * replace, drift on refresh, destroy. Against the Logto of LOGTO_* when set.
 */
describe("the plugin's resources through the engine", () => {
    const fixture = useProviderFixture();
    const project = "logto-plugin-lifecycle";
    let stack: Stack;
    let runId: string;
    let t: { indicator: string; resourceName: string; ttl: number; roleScopes: string[]; appName: string };

    const program = async () => {
        const api = resource("ApiResource", "api", { name: t.resourceName, indicator: t.indicator, accessTokenTtl: t.ttl });
        const read = resource("ApiScope", "read", { resourceId: api.id, name: "read:things", description: "Reads things" }, { deletedWith: api });
        const write = resource("ApiScope", "write", { resourceId: api.id, name: "write:things" }, { deletedWith: api });
        const scopes: Record<string, pulumi.Output<string>> = { read: read.id, write: write.id };
        const role = resource("M2MRole", "role", { name: `${runId}-role`, description: "plugin role", scopeIds: t.roleScopes.map((k) => scopes[k]!) });
        const app = resource("M2MApplication", "app", { name: t.appName, roleIds: [role.id], managedSecrets: ["ci"] });
        const secret = resource("ApplicationSecret", "secret", { applicationId: app.id, name: "ci" }, { deletedWith: app });
        return { resourceId: api.id, roleId: role.id, appId: app.out("appId"), appSecret: app.out("appSecret"), secretValue: secret.out("value"), secretName: secret.out("secretName") };
    };

    beforeAll(async () => {
        runId = fixture.target().runId;
        t = { indicator: `https://${runId}.plugin.api`, resourceName: `${runId} API`, ttl: 3600, roleScopes: ["read", "write"], appName: `${runId}-app` };
        stack = await fixture.stack(project, `life-${runId}`, program);
    });

    afterAll(async () => {
        await stack?.destroy().catch(() => undefined);
    });

    it("creates every type, and the app's secrets are Pulumi secrets in outputs and state", async () => {
        const up = await stack.up();
        expect(up.summary.resourceChanges?.create).toBe(7); // the stack and 6 resources (the default provider is not counted)
        const outputs = await stack.outputs();
        expect(outputs.appSecret!.secret).toBe(true);
        expect(outputs.secretValue!.secret).toBe(true);
        const client = fixture.target().client;
        const api = await client.getResource(outputs.resourceId!.value);
        expect(api).toMatchObject({ name: t.resourceName, indicator: t.indicator, accessTokenTtl: 3600 });
        expect((await client.listScopes(api!.id)).map((s) => s.name).sort()).toEqual(["read:things", "write:things"]);
        expect((await client.listRoleScopes(outputs.roleId!.value)).map((s) => s.name).sort()).toEqual(["read:things", "write:things"]);
        const app = await client.getApplication(outputs.appId!.value);
        expect(app?.marker).toMatch(new RegExp(`^pulumi:${project}/life-${runId}/app#[0-9a-f-]{36}$`));
        expect((await client.listApplicationRoles(app!.id)).map((r) => r.id)).toEqual([outputs.roleId!.value]);
        const grant = await client.requestAppToken(app!.id, outputs.appSecret!.value, t.indicator, ["read:things", "write:things"]);
        expect([...grant.scope].sort()).toEqual(["read:things", "write:things"]);
        expect(String(outputs.secretName!.value)).toMatch(/^ci\.[0-9a-f]{6}$/);
        const state = storedState(fixture.sandbox(), project, `life-${runId}`);
        expect(state).not.toContain(outputs.appSecret!.value);
        expect(state).not.toContain(outputs.secretValue!.value);
        expect(state).not.toContain(fixture.target().connection.appSecret);
    });

    it("a second up changes nothing and makes no call to Logto", async () => {
        fixture.target().resetCounts();
        const up = await stack.up();
        expect(up.summary.resourceChanges).toEqual({ same: 7 });
        expect(callsByMethod(fixture.target().counts())).toEqual({});
    });

    it("updates in place and replaces where the dynamic resources do", async () => {
        const before = await stack.outputs();
        t.resourceName = `${runId} API renamed`;
        t.ttl = 7200;
        t.roleScopes = ["read"];
        const up = await stack.up();
        expect(up.summary.resourceChanges).toEqual({ same: 5, update: 2 });
        const client = fixture.target().client;
        expect(await client.getResource(before.resourceId!.value)).toMatchObject({ name: t.resourceName, accessTokenTtl: 7200 });
        expect((await client.listRoleScopes(before.roleId!.value)).map((s) => s.name)).toEqual(["read:things"]);

        t.indicator = `https://${runId}.plugin-v2.api`;
        const replaced = await stack.up();
        // The resource is replaced (create first); its permissions follow it to the new resource.
        expect(replaced.summary.resourceChanges).toMatchObject({ replace: 3 });
        const after = await stack.outputs();
        expect(after.resourceId!.value).not.toBe(before.resourceId!.value);
        expect(await client.getResource(before.resourceId!.value)).toBeUndefined();
        expect(await client.getResource(after.resourceId!.value)).toMatchObject({ indicator: t.indicator });
    });

    it("refresh sees drift, and the next up puts the program's values back", async () => {
        const outputs = await stack.outputs();
        const client = fixture.target().client;
        await client.updateResource(outputs.resourceId!.value, { accessTokenTtl: 60 });
        await client.createApplicationSecret(outputs.appId!.value, { name: `${runId}-stray` });
        const refresh = await stack.refresh();
        expect(refresh.summary.resourceChanges).toMatchObject({ update: 2 });
        const preview = await stack.preview({ diff: true });
        expect(preview.changeSummary).toMatchObject({ update: 2 });
        expect(preview.stdout).toMatch(/accessTokenTtl\s*:\s*60\s*=>\s*7200/);
        expect(preview.stdout).toContain(`${runId}-stray`);
        await stack.up();
        expect(await client.getResource(outputs.resourceId!.value)).toMatchObject({ accessTokenTtl: 7200 });
        expect((await client.listApplicationSecrets(outputs.appId!.value)).map((s) => s.name)).not.toContain(`${runId}-stray`);
    });

    it("destroy removes everything it made", async () => {
        const outputs = await stack.outputs();
        await stack.destroy();
        const client = fixture.target().client;
        expect(await client.getResource(outputs.resourceId!.value)).toBeUndefined();
        expect(await client.getRole(outputs.roleId!.value)).toBeUndefined();
        expect(await client.getApplication(outputs.appId!.value)).toBeUndefined();
    });
});
