import * as pulumi from "@pulumi/pulumi";
import { ApiResource } from "../../providers/apiResource";
import { ApiScope } from "../../providers/apiScope";
import { ApplicationSecret } from "../../providers/applicationSecret";
import { applicationMarker, M2MApplication } from "../../providers/m2mApplication";
import { M2MRole } from "../../providers/m2mRole";
import { stackIdentity } from "../../providers/stackIdentity";
import { cliStackExport } from "../support/engine";
import { useProviderFixture } from "./support";

/** Taking over what already exists in Logto, and finishing what an interrupted or failed `up` left half done. */
describe("adopting existing objects", () => {
    const fixture = useProviderFixture();

    test("adopt: true takes over a resource, permission, role, app and secret by their natural keys instead of creating them", async () => {
        const { client, runId } = fixture.target();
        const indicator = `https://${runId}.adopted.example`;
        const resource = await client.createResource({ name: "made in the console", indicator });
        const scope = await client.createScope(resource.id, { name: "read:things" });
        const role = await client.createRole({ name: `${runId}-adopted-role`, description: "made in the console", type: "MachineToMachine" });
        const app = await client.createApplication({ name: `${runId} adopted app` });
        const secret = await client.createApplicationSecret(app.id, { name: "ops" });

        const stack = await fixture.stack("logto-adopt", "explicit", async () => {
            const r = new ApiResource("api", { name: `${runId} adopted`, indicator, adopt: true });
            const s = new ApiScope("read", { resourceId: r.id, name: "read:things", description: "read things", adopt: true });
            const m = new M2MRole("role", { name: `${runId}-adopted-role`, description: "now managed", scopeIds: [s.id], adopt: true });
            const a = new M2MApplication("app", { name: `${runId} adopted app`, roleIds: [m.id], adopt: true, adoptAppId: app.id });
            const x = new ApplicationSecret("ops", { applicationId: a.appId, name: "ops", adopt: true });
            return { resourceId: r.id, scopeId: s.id, roleId: m.id, appId: a.appId, appSecret: a.appSecret, secretValue: x.value };
        });
        fixture.target().resetCounts();
        const result = await stack.up();
        // Five objects and the stack's identity (made once per stack, see StackIdentity), with the stack itself.
        expect(result.summary.resourceChanges).toEqual({ create: 7 });
        expect(result.outputs.resourceId!.value).toBe(resource.id);
        expect(result.outputs.scopeId!.value).toBe(scope.id);
        expect(result.outputs.roleId!.value).toBe(role.id);
        expect(result.outputs.appId!.value).toBe(app.id);
        expect(result.outputs.secretValue!.value).toBe(secret.value);
        const counts = fixture.target().counts();
        // Only assignments are created: no object is.
        expect(Object.keys(counts.byRoute).filter((r) => r.startsWith("POST")).sort())
            .toEqual(["POST /api/applications/:id/roles", "POST /api/roles/:id/scopes"]);
        expect((await client.getResource(resource.id))?.name).toBe(`${runId} adopted`);
        expect((await client.getRole(role.id))?.description).toBe("now managed");
        expect((await client.listApplicationRoles(app.id)).map((r) => r.id)).toEqual([role.id]);

        // Adopted objects are managed like any other: destroy deletes them.
        await stack.destroy();
        expect(await client.getResource(resource.id)).toBeUndefined();
        expect(await client.getRole(role.id)).toBeUndefined();
        expect(await client.getApplication(app.id)).toBeUndefined();
    });

    test("without adopt, an existing role name fails the up with a message saying how to take it over; logto:adoptExisting does", async () => {
        const { client, runId } = fixture.target();
        const existing = await client.createRole({ name: `${runId}-taken`, description: "exists already", type: "MachineToMachine" });
        const program = async () => {
            const role = new M2MRole("role", { name: `${runId}-taken`, description: "exists already", scopeIds: [] });
            return { roleId: role.id };
        };
        const refused = await fixture.stack("logto-adopt", "refused", program);
        await expect(refused.up()).rejects.toThrow(/already exists in Logto: set adopt: true/);
        await refused.destroy();
        expect(await client.getRole(existing.id)).toBeDefined();

        const recovering = await fixture.stack("logto-adopt", "recovering", program, { "logto:adoptExisting": { value: "true" } });
        const result = await recovering.up();
        expect(result.outputs.roleId!.value).toBe(existing.id);
        await recovering.destroy();
    });

    test("adopting a role that holds the Management API's all, with permissions that leave it out, fails at preview naming scopeIds and changes nothing", async () => {
        const { client, runId } = fixture.target();
        // A stand-in for "Logto Management API access": an M2M role on `all`, held by an app outside the stack.
        const management = await client.getManagementApiResource();
        const allScopeId = management.scopes.find((s) => s.name === "all")!.id;
        const standIn = await client.createRole({ name: `${runId}-mgmt-standin`, description: "made in the console", type: "MachineToMachine" });
        await client.addRoleScopes(standIn.id, [allScopeId]);
        const outsider = await client.createApplication({ name: `${runId} outsider` });
        await client.addApplicationRoles(outsider.id, [standIn.id]);
        const resource = await client.createResource({ name: "own", indicator: `https://${runId}.standin.example` });
        const own = await client.createScope(resource.id, { name: "read:own" });

        let declare = (): unknown => new M2MRole("role", { name: `${runId}-mgmt-standin`, description: "managed now", scopeIds: [own.id], adopt: true });
        const stack = await fixture.stack("logto-adopt", "standin", async () => void declare());
        fixture.target().resetCounts();
        const refusal = /property scopeIds value .* has a problem: adopting role ".*-mgmt-standin" would remove the Management API's all from it/;
        await expect(stack.preview()).rejects.toThrow(refusal);
        await expect(stack.up()).rejects.toThrow(refusal);
        // Permissions known only at create (a permission made in the same up): create refuses it the same way.
        declare = () => {
            const scope = new ApiScope("extra", { resourceId: resource.id, name: "write:own" });
            return new M2MRole("role", { name: `${runId}-mgmt-standin`, description: "managed now", scopeIds: [own.id, scope.id], adopt: true });
        };
        await expect(stack.up()).rejects.toThrow(/adopting role ".*-mgmt-standin" would remove the Management API's all from it/);
        const counts = fixture.target().counts();
        if (counts !== undefined) expect(Object.keys(counts.byRoute).filter((r) => r.includes("/roles") && !r.startsWith("GET "))).toEqual([]);
        expect((await client.listRoleScopes(standIn.id)).map((s) => s.id)).toEqual([allScopeId]);
        expect((await client.getRole(standIn.id))?.description).toBe("made in the console");
        expect((await client.listApplicationRoles(outsider.id)).map((r) => r.id)).toEqual([standIn.id]);

        // With all among its permissions the role is taken over, and keeps it.
        declare = () => new M2MRole("role", { name: `${runId}-mgmt-standin`, description: "managed now", scopeIds: [allScopeId, own.id], adopt: true });
        await stack.up();
        expect((await client.listRoleScopes(standIn.id)).map((s) => s.id).sort()).toEqual([allScopeId, own.id].sort());
        await stack.destroy();
        await client.deleteResource(resource.id);
    });

    test("an app made by an interrupted earlier run is found by its marker, not made twice", async () => {
        const { client, runId } = fixture.target();
        // What a killed `up` leaves: the stack's identity in the state (it is created before any app), the app in
        // Logto with this resource's marker, but not in the state.
        let declareApp = false;
        const stack = await fixture.stack("logto-adopt", "interrupted", async () => {
            if (!declareApp) return { nonce: stackIdentity().nonce };
            const app = new M2MApplication("app", { name: `${runId} half made`, roleIds: [] });
            return { appId: app.appId };
        });
        const nonce = String((await stack.up()).outputs.nonce!.value);
        const orphan = await client.createApplication({ name: `${runId} half made` }, { marker: applicationMarker("logto-adopt", "interrupted", "app", nonce) });
        declareApp = true;
        fixture.target().resetCounts();
        const result = await stack.up();
        expect(result.outputs.appId!.value).toBe(orphan.id);
        const counts = fixture.target().counts();
        expect(counts.byRoute["POST /api/applications"]).toBeUndefined();
        expect((await client.listApplications()).filter((a) => a.name === `${runId} half made`)).toHaveLength(1);
        await stack.destroy();
        expect(await client.getApplication(orphan.id)).toBeUndefined();
    });

    test("a role whose permissions cannot be assigned stays in the state, and the next up finishes it without a second create", async () => {
        const { client, runId } = fixture.target();
        const resource = await client.createResource({ name: "partial", indicator: `https://${runId}.partial.example` });
        const scope = await client.createScope(resource.id, { name: "read:partial" });
        let scopeIds = [scope.id, "no-such-scope"];
        const stack = await fixture.stack("logto-adopt", "partial", async () => {
            const role = new M2MRole("role", { name: `${runId}-partial`, description: "partly made", scopeIds });
            const app = new M2MApplication("app", { name: `${runId} partial app`, roleIds: [role.id] });
            return { roleId: role.id, appId: app.appId };
        });
        await expect(stack.up()).rejects.toThrow(/role .* was created, but its permissions were not all assigned/);
        const exported = JSON.parse(await cliStackExport(fixture.sandbox(), "partial"));
        const kept = exported.deployment.resources.find((r: { type: string }) => r.type.endsWith("logto:M2MRole"));
        expect(kept?.id).toBeTruthy();
        expect(await client.getRole(kept.id)).toMatchObject({ name: `${runId}-partial` });

        scopeIds = [scope.id];
        fixture.target().resetCounts();
        const result = await stack.up();
        expect(result.outputs.roleId!.value).toBe(kept.id);
        const counts = fixture.target().counts();
        expect(counts.byRoute["POST /api/roles"]).toBeUndefined();
        expect((await client.listRoleScopes(kept.id)).map((s) => s.id)).toEqual([scope.id]);
        expect((await client.findRoleByName(`${runId}-partial`))?.id).toBe(kept.id);
        await stack.destroy();
        await client.deleteResource(resource.id);
    });

    test("an app whose role cannot be assigned stays in the state and is completed by the next up", async () => {
        const { client, runId } = fixture.target();
        let roleIds = ["no-such-role"];
        const stack = await fixture.stack("logto-adopt", "partial-app", async () => {
            const app = new M2MApplication("app", { name: `${runId} partial app`, roleIds });
            return { appId: app.appId, appSecret: pulumi.secret(app.appSecret) };
        });
        await expect(stack.up()).rejects.toThrow(/app .* was created, but its roles or secret could not be set/);
        const exported = JSON.parse(await cliStackExport(fixture.sandbox(), "partial-app"));
        const kept = exported.deployment.resources.find((r: { type: string }) => r.type.endsWith("logto:M2MApplication"));
        expect(kept?.id).toBeTruthy();

        roleIds = [];
        const result = await stack.up();
        expect(result.outputs.appId!.value).toBe(kept.id);
        // The secret, left out of the failure's state, is read by the completing update.
        expect(result.outputs.appSecret!.value).toMatch(/.{16,}/);
        expect((await client.listApplications()).filter((a) => a.name === `${runId} partial app`)).toHaveLength(1);
        await stack.destroy();
    });
});
