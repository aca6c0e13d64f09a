import * as pulumi from "@pulumi/pulumi";
import type { Stack } from "@pulumi/pulumi/automation";
import { LogtoTokenError } from "../../client";
import { ApiResource } from "../../providers/apiResource";
import { ApiScope } from "../../providers/apiScope";
import { ApplicationSecret } from "../../providers/applicationSecret";
import { M2MApplication } from "../../providers/m2mApplication";
import { M2MRole } from "../../providers/m2mRole";
import { cliStackExport, storedState } from "../support/engine";
import { callsByMethod } from "../support/logtoTarget";
import { stateBytesByResource, StepLog, useProviderFixture } from "./support";

/**
 * One stack holding one of each resource, taken through its whole life: create, no-op, in-place update, replace,
 * secret rotation, drift, out-of-band delete, destroy. The steps build on each other, like a user's stack.
 */
describe("an M2M topology through the Pulumi engine", () => {
    const fixture = useProviderFixture();
    const project = "logto-lifecycle";
    let stack: Stack;
    let runId: string;

    // What the program declares; tests change it between runs.
    let t: {
        indicator: string;
        resourceName: string;
        ttl?: number;
        scopes: Record<string, { name: string; description?: string }>;
        roleName: string;
        roleDescription: string;
        roleScopes: string[];
        appName: string;
        customData?: Record<string, unknown>;
        secretExpiresAt?: number | string;
    };
    // Set for one run: the program requests tokens with both secrets while the rotation is under way.
    let rotationProbe: { appId: string; oldSecret: string } | undefined;

    const program = async () => {
        const api = new ApiResource("api", { name: t.resourceName, indicator: t.indicator, ...(t.ttl !== undefined ? { accessTokenTtl: t.ttl } : {}) });
        const scopes = Object.fromEntries(Object.entries(t.scopes).map(([key, s]) =>
            [key, new ApiScope(`scope-${key}`, { resourceId: api.id, name: s.name, ...(s.description !== undefined ? { description: s.description } : {}) })]));
        const role = new M2MRole("role", { name: t.roleName, description: t.roleDescription, scopeIds: t.roleScopes.map((k) => scopes[k]!.id) });
        const app = new M2MApplication("app", { name: t.appName, roleIds: [role.id], ...(t.customData !== undefined ? { customData: t.customData } : {}) });
        const secret = new ApplicationSecret("secret", { applicationId: app.appId, name: "ci", ...(t.secretExpiresAt !== undefined ? { expiresAt: t.secretExpiresAt } : {}) });
        const probe = rotationProbe;
        // Runs after the new secret exists and before the engine deletes the replaced one (at the end of `up`).
        const bothValid = probe === undefined ? undefined : pulumi.all([secret.value, api.indicator]).apply(async ([newSecret, indicator]) => ({
            old: await tokenWorks(probe.appId, probe.oldSecret, indicator),
            new: await tokenWorks(probe.appId, newSecret, indicator),
        }));
        return {
            resourceId: api.id,
            scopeIds: pulumi.all(Object.fromEntries(Object.entries(scopes).map(([k, s]) => [k, s.id]))),
            roleId: role.id,
            appId: app.appId,
            appSecret: app.appSecret,
            secretValue: secret.value,
            secretName: secret.secretName,
            bothValid,
        };
    };

    async function tokenWorks(appId: string, secret: string, indicator: string): Promise<boolean> {
        try {
            await fixture.target().client.requestAppToken(appId, secret, indicator, []);
            return true;
        } catch (error) {
            // Only Logto refusing the credentials means "does not work"; any other failure fails the test.
            if (error instanceof LogtoTokenError && error.status === 401 && error.oidcError === "invalid_client") return false;
            throw error;
        }
    }

    async function grantedScopes(indicator: string, scopes: string[]): Promise<string[]> {
        const outputs = await stack.outputs();
        const grant = await fixture.target().client.requestAppToken(outputs.appId!.value, outputs.appSecret!.value, indicator, scopes);
        return [...grant.scope].sort();
    }

    beforeAll(async () => {
        runId = fixture.target().runId;
        t = {
            indicator: `https://${runId}.shop.example/api`,
            resourceName: `${runId} shop`,
            scopes: { read: { name: "read:products" }, write: { name: "write:products", description: "change products" }, admin: { name: "admin:products" } },
            roleName: `${runId}-catalog`,
            roleDescription: "reads and writes the catalog",
            roleScopes: ["read", "write"],
            appName: `${runId} catalog sync`,
            customData: { team: "catalog" },
        };
        stack = await fixture.stack(project, "dev", program);
    });

    test("up creates every object, and the app's secret gets exactly the role's permissions", async () => {
        const result = await stack.up();
        expect(result.summary.resourceChanges).toEqual({ create: 9 });
        expect(result.outputs.appSecret!.secret).toBe(true);
        expect(result.outputs.secretValue!.secret).toBe(true);
        expect(await grantedScopes(t.indicator, ["read:products", "write:products", "admin:products"])).toEqual(["read:products", "write:products"]);
        const client = fixture.target().client;
        const app = await client.getApplication(result.outputs.appId!.value);
        expect(app).toMatchObject({ name: t.appName, customData: { team: "catalog" } });
        // The named secret authenticates the app too.
        expect(await tokenWorks(result.outputs.appId!.value, result.outputs.secretValue!.value, t.indicator)).toBe(true);
    });

    test("a second up changes nothing and makes no Management API call and no token request", async () => {
        fixture.target().resetCounts();
        const result = await stack.up();
        expect(result.summary.resourceChanges).toEqual({ same: 9 });
        const counts = fixture.target().counts();
        expect(counts).toEqual({ token: 0, api: 0, byRoute: {} });
    });

    test("changed names, lifetime, description, permissions and customData are updated in place", async () => {
        t.resourceName = `${runId} shop renamed`;
        t.ttl = 600;
        t.scopes.write = { name: "write:catalog", description: "change the catalog" };
        t.roleScopes = ["read", "admin"];
        t.roleDescription = "reads the catalog, administers products";
        t.appName = `${runId} catalog sync v2`;
        t.customData = { team: "catalog", tier: 2 };
        fixture.target().resetCounts();
        const log = new StepLog();
        const result = await stack.up({ onEvent: log.onEvent });
        expect(result.summary.resourceChanges).toEqual({ update: 4, same: 5 });
        expect(log.steps.filter((s) => s.startsWith("update")).sort()).toEqual(["update api", "update app", "update role", "update scope-write"]);
        const counts = fixture.target().counts();
        // No create and no delete of any object: the role's permissions change by one add and one removal.
        expect(counts.byRoute["POST /api/roles/:id/scopes"]).toBe(1);
        expect(counts.byRoute["DELETE /api/roles/:id/scopes/:scopeId"] ?? counts.byRoute["DELETE /api/roles/:id/scopes/:id"]).toBe(1);
        expect(callsByMethod(counts).PUT).toBeUndefined();
        expect(Object.keys(counts.byRoute).filter((r) => r.startsWith("POST") && !r.includes("/scopes"))).toEqual([]);
        const client = fixture.target().client;
        const resource = await client.getResource(result.outputs.resourceId!.value);
        expect(resource).toMatchObject({ name: t.resourceName, accessTokenTtl: 600 });
        const scopes = await client.listScopes(result.outputs.resourceId!.value);
        expect(scopes.map((s) => s.name).sort()).toEqual(["admin:products", "read:products", "write:catalog"]);
        expect(await grantedScopes(t.indicator, ["read:products", "write:catalog", "admin:products"])).toEqual(["admin:products", "read:products"]);
        expect(await client.getApplication(result.outputs.appId!.value)).toMatchObject({ name: t.appName, customData: { team: "catalog", tier: 2 } });
    });

    test("a new indicator replaces the API resource, creating the new one before deleting the old", async () => {
        const before = await stack.outputs();
        t.indicator = `https://${runId}.shop.example/api/v2`;
        const log = new StepLog();
        const result = await stack.up({ onEvent: log.onEvent });
        expect(result.summary.resourceChanges).toMatchObject({ replace: 4, update: 1, same: 4 });
        expect(log.indexOf("create-replacement api")).toBeGreaterThanOrEqual(0);
        expect(log.indexOf("create-replacement api")).toBeLessThan(log.indexOf("delete-replaced api"));
        const client = fixture.target().client;
        expect(await client.getResource(before.resourceId!.value)).toBeUndefined();
        expect(result.outputs.resourceId!.value).not.toBe(before.resourceId!.value);
        expect(await grantedScopes(t.indicator, ["read:products", "admin:products", "write:catalog"])).toEqual(["admin:products", "read:products"]);
    });

    test("rotating the secret creates the new one first: both authenticate in between, then only the new one", async () => {
        const before = await stack.outputs();
        const oldSecret = before.secretValue!.value as string;
        t.secretExpiresAt = new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString().slice(0, 10);
        rotationProbe = { appId: before.appId!.value, oldSecret };
        const log = new StepLog();
        let result;
        try {
            result = await stack.up({ onEvent: log.onEvent });
        } finally {
            rotationProbe = undefined;
        }
        expect(result.summary.resourceChanges).toMatchObject({ replace: 1, same: 8 });
        expect(log.indexOf("create-replacement secret")).toBeLessThan(log.indexOf("delete-replaced secret"));
        expect(result.outputs.bothValid!.value).toEqual({ old: true, new: true });
        const newSecret = result.outputs.secretValue!.value as string;
        expect(newSecret).not.toBe(oldSecret);
        expect(result.outputs.secretName!.value).not.toBe(before.secretName!.value);
        expect(await tokenWorks(before.appId!.value, newSecret, t.indicator)).toBe(true);
        expect(await tokenWorks(before.appId!.value, oldSecret, t.indicator)).toBe(false);
        // The app's secret list keeps the Default secret and the rotated one only.
        const names = (await fixture.target().client.listApplicationSecrets(before.appId!.value)).map((s) => s.name).sort();
        expect(names).toEqual(["Default secret", result.outputs.secretName!.value].sort());
    });

    test("refresh detects changes made outside Pulumi, and the next up puts the declared state back", async () => {
        const outputs = await stack.outputs();
        const client = fixture.target().client;
        const extraRole = await client.createRole({ name: `${runId}-intruder`, description: "added outside Pulumi", type: "MachineToMachine" });
        await client.updateResource(outputs.resourceId!.value, { name: "renamed in the console" });
        await client.removeRoleScope(outputs.roleId!.value, outputs.scopeIds!.value.read);
        await client.addRoleScopes(outputs.roleId!.value, [outputs.scopeIds!.value.write]);
        await client.addApplicationRoles(outputs.appId!.value, [extraRole.id]);

        const refreshed = await stack.refresh();
        expect(refreshed.summary.resourceChanges).toMatchObject({ update: 3 });
        const preview = await stack.preview();
        expect(preview.changeSummary).toMatchObject({ update: 3 });

        const result = await stack.up();
        expect(result.summary.resourceChanges).toMatchObject({ update: 3 });
        expect((await client.getResource(outputs.resourceId!.value))?.name).toBe(t.resourceName);
        expect((await client.listRoleScopes(outputs.roleId!.value)).map((s) => s.id).sort())
            .toEqual([outputs.scopeIds!.value.read, outputs.scopeIds!.value.admin].sort());
        expect((await client.listApplicationRoles(outputs.appId!.value)).map((r) => r.id)).toEqual([outputs.roleId!.value]);
        await client.deleteRole(extraRole.id);
    });

    test("objects deleted outside Pulumi leave the state at refresh, and the next up makes them again", async () => {
        const outputs = await stack.outputs();
        const client = fixture.target().client;
        await client.deleteRole(outputs.roleId!.value);
        await client.deleteApplicationSecret(outputs.appId!.value, outputs.secretName!.value);

        const refreshed = await stack.refresh();
        // The role and the secret leave the state; the app loses the (deleted) role.
        expect(refreshed.summary.resourceChanges).toMatchObject({ delete: 2, update: 1 });

        const result = await stack.up();
        expect(result.summary.resourceChanges).toMatchObject({ create: 2, update: 1 });
        expect(result.outputs.roleId!.value).not.toBe(outputs.roleId!.value);
        expect((await client.listApplicationRoles(outputs.appId!.value)).map((r) => r.id)).toEqual([result.outputs.roleId!.value]);
        expect(await tokenWorks(outputs.appId!.value, result.outputs.secretValue!.value, t.indicator)).toBe(true);
        expect(await grantedScopes(t.indicator, ["read:products", "admin:products"])).toEqual(["admin:products", "read:products"]);
    });

    test("a Default secret deleted outside Pulumi is made again by the next up, and authenticates", async () => {
        const outputs = await stack.outputs();
        const appId = outputs.appId!.value as string;
        const client = fixture.target().client;
        expect(await client.deleteApplicationSecret(appId, "Default secret")).toBe(true);
        expect(await tokenWorks(appId, outputs.appSecret!.value, t.indicator)).toBe(false);

        const refreshed = await stack.refresh();
        expect(refreshed.summary.resourceChanges).toMatchObject({ update: 1 });
        const result = await stack.up();
        expect(result.summary.resourceChanges).toMatchObject({ update: 1 });
        const made = (await client.listApplicationSecrets(appId)).find((s) => s.name === "Default secret");
        expect(made).toBeDefined();
        expect(result.outputs.appSecret!.value).toBe(made!.value);
        expect(result.outputs.appSecret!.value).not.toBe(outputs.appSecret!.value);
        expect(await tokenWorks(appId, result.outputs.appSecret!.value, t.indicator)).toBe(true);
    });

    test("pulumi stack export and the stored state never hold a secret, the bootstrap secret or a token", async () => {
        const outputs = await stack.outputs();
        const secrets = [outputs.appSecret!.value, outputs.secretValue!.value, fixture.target().connection.appSecret];
        const texts = [await cliStackExport(fixture.sandbox(), "dev"), storedState(fixture.sandbox(), project, "dev")];
        for (const text of texts) {
            for (const secret of secrets) {
                expect(typeof secret).toBe("string");
                expect(secret.length).toBeGreaterThan(8);
                expect(text).not.toContain(secret);
            }
            // Any JWT (a Management API or app token) starts with a base64url JSON header.
            expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]+/);
            expect(text).toContain("ciphertext");
        }
    });

    test("each resource keeps a small state (printed per resource)", () => {
        const sizes = stateBytesByResource(fixture.sandbox(), project, "dev");
        console.log(`state bytes per resource (whole entry / inputs+outputs):\n${Object.entries(sizes)
            .map(([name, bytes]) => `  ${name}: ${bytes.total} / ${bytes.properties}`).join("\n")}`);
        expect(Object.keys(sizes)).toHaveLength(8); // the seven and the stack's identity
        for (const bytes of Object.values(sizes)) expect(bytes.properties).toBeLessThan(2048);
    });

    test("destroy deletes every object from Logto", async () => {
        const outputs = await stack.outputs();
        const result = await stack.destroy();
        expect(result.summary.resourceChanges).toEqual({ delete: 9 });
        const client = fixture.target().client;
        expect(await client.getResource(outputs.resourceId!.value)).toBeUndefined();
        expect(await client.getRole(outputs.roleId!.value)).toBeUndefined();
        expect(await client.getApplication(outputs.appId!.value)).toBeUndefined();
    });
});
