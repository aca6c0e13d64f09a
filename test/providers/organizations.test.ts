import { ApiResource } from "../../providers/apiResource";
import { ApiScope } from "../../providers/apiScope";
import { M2MApplication } from "../../providers/m2mApplication";
import { ExistingOrganization, existingOrganizationProvider, Organization, provider as organizationProvider } from "../../providers/organization";
import { OrganizationApplication, provider as memberProvider } from "../../providers/organizationApplication";
import { OrganizationRole } from "../../providers/organizationRole";
import { OrganizationScope, provider as scopeProvider } from "../../providers/organizationScope";
import { useProviderFixture } from "./support";

/** The organization resources on their own: checks at preview, adoption, lost creates and partial failures. */
describe("organization resources", () => {
    const fixture = useProviderFixture();

    test("bad inputs fail the preview naming the field, before any call to Logto", async () => {
        const { runId } = fixture.target();
        const stack = await fixture.stack("logto-orgs-check", "bad", async () => {
            new OrganizationRole("role", { name: `${runId}-role`, organizationScopeIds: ["a", "a"], resourceScopeIds: [".."] });
        });
        fixture.target().resetCounts();
        const error = await stack.preview().then(() => undefined, (e: unknown) => String(e));
        expect(error).toContain("organizationScopeIds[1]: the same id as organizationScopeIds[0]");
        expect(error).toContain("resourceScopeIds[0]: resourceScopeId must not be empty, \".\", \"..\"");
        expect(fixture.target().counts().api).toBe(0);
        // The other resources' checks, as the engine calls them (one preview stops at its first failing resource).
        const reasons = async (p: typeof scopeProvider, inputs: Record<string, unknown>) => ((await p.check!({}, inputs)).failures ?? []).map((f) => `${f.property}: ${f.reason}`);
        expect(await reasons(scopeProvider, { name: "read invoices" })).toEqual(["name: name must not contain whitespace (a token's scope is space-separated)"]);
        expect(await reasons(organizationProvider, { name: "x".repeat(129), marker: "m" })).toEqual([
            "name: name has at most 128 characters (Logto's limit, counted in UTF-16 code units: most emoji count 2; this one has 129)"]);
        expect(await reasons(organizationProvider, { name: "Acme", marker: "m", adopt: true })).toEqual([
            "adoptOrganizationId: adoptOrganizationId is required when adopt is true: the id of the organization to take over"]);
        expect(await reasons(memberProvider, { organizationId: "o/x", applicationId: "app", organizationRoleIds: [] })).toEqual([
            "organizationId: organizationId must be a Logto id: no whitespace, '/', '?' or '#'"]);
        expect(await reasons(existingOrganizationProvider, {})).toEqual(["organizationId: give exactly one of organizationId and name"]);
    });

    test("adopt takes over an organization permission and role by name and an organization by id; only the missing assignments are made", async () => {
        const { client, runId } = fixture.target();
        const resource = await client.createResource({ name: `${runId} orgs`, indicator: `https://${runId}.orgs.example` });
        const apiScope = await client.createScope(resource.id, { name: "read:orders" });
        const scope = await client.createOrganizationScope({ name: `read:invoices-${runId}` });
        const role = await client.createOrganizationRole({ name: `${runId}-org-role`, type: "MachineToMachine", organizationScopeIds: [scope.id] });
        const org = await client.createOrganization({ name: `${runId} Customer`, customData: { keep: "me" } });

        const stack = await fixture.stack("logto-orgs-adopt", "adopt", async () => {
            const r = new ApiResource("api", { name: `${runId} orgs`, indicator: `https://${runId}.orgs.example`, adopt: true });
            const s = new ApiScope("read", { resourceId: r.id, name: "read:orders", adopt: true });
            const os = new OrganizationScope("scope", { name: `read:invoices-${runId}`, description: "now managed", adopt: true });
            const or = new OrganizationRole("role", { name: `${runId}-org-role`, organizationScopeIds: [os.id], resourceScopeIds: [s.id], adopt: true });
            const o = new Organization("org", { name: `${runId} Customer`, customData: { keep: "me" }, adopt: true, adoptOrganizationId: org.id });
            const app = new M2MApplication("app", { name: `${runId} member`, roleIds: [] });
            new OrganizationApplication("member", { organizationId: o.id, applicationId: app.id, organizationRoleIds: [or.id] });
            return { scopeId: os.id, roleId: or.id, orgId: o.id, appId: app.id };
        });
        fixture.target().resetCounts();
        const result = await stack.up();
        expect(result.outputs.scopeId!.value).toBe(scope.id);
        expect(result.outputs.roleId!.value).toBe(role.id);
        expect(result.outputs.orgId!.value).toBe(org.id);
        const posts = Object.entries(fixture.target().counts().byRoute).filter(([r]) => r.startsWith("POST")).map(([r]) => r.replace(/\/:\w+/g, "/:id")).sort();
        // The app is new; of the organization objects only assignments are made: the API permission of the role,
        // the membership and its role. Nothing is created twice, the organization's customData is unchanged.
        expect(posts).toEqual([
            "POST /api/applications",
            "POST /api/organization-roles/:id/resource-scopes",
            "POST /api/organizations/:id/applications",
            "POST /api/organizations/:id/applications/:id/roles",
        ]);
        expect(await client.getOrganizationScope(scope.id)).toMatchObject({ description: "now managed" });
        expect((await client.listOrganizationRoleResourceScopes(role.id)).map((s) => s.id)).toEqual([apiScope.id]);
        expect(await client.getOrganization(org.id)).toMatchObject({ customData: { keep: "me" } });
        expect((await client.listOrganizationApplicationRoles(org.id, String(result.outputs.appId!.value)))!.map((r) => r.id)).toEqual([role.id]);
        await stack.destroy();
        expect(await client.getOrganization(org.id)).toBeUndefined();
        expect(await client.getOrganizationRole(role.id)).toBeUndefined();
        expect(await client.getOrganizationScope(scope.id)).toBeUndefined();
    });

    test("an existing organization is found by name or by id, an ambiguous or unknown name fails the up, and destroy keeps it", async () => {
        const { client, runId } = fixture.target();
        const org = await client.createOrganization({ name: `${runId} Existing` });
        const stack = await fixture.stack("logto-orgs-existing", "existing", async () => {
            const byName = new ExistingOrganization("by-name", { name: `${runId} Existing` });
            const byId = new ExistingOrganization("by-id", { organizationId: org.id });
            return { byName: byName.id, byId: byId.id, found: byId.foundName };
        });
        const result = await stack.up();
        expect([result.outputs.byName!.value, result.outputs.byId!.value, result.outputs.found!.value]).toEqual([org.id, org.id, `${runId} Existing`]);
        await stack.destroy();
        expect(await client.getOrganization(org.id)).toMatchObject({ name: `${runId} Existing` });

        const twin = await client.createOrganization({ name: `${runId} Existing` });
        const ambiguous = await fixture.stack("logto-orgs-existing", "ambiguous", async () => {
            new ExistingOrganization("by-name", { name: `${runId} Existing` });
            new ExistingOrganization("unknown", { name: `${runId} Nobody` });
        });
        const error = await ambiguous.up().then(() => undefined, (e: unknown) => String(e));
        expect(error).toContain(`organization name "${runId} Existing" is ambiguous: 2 organizations in Logto have that name`);
        expect(error).toContain(`unknown organization name "${runId} Nobody"`);
        await ambiguous.destroy();
        await client.deleteOrganization(twin.id);
        await client.deleteOrganization(org.id);
    });

    // Fault injection is the local Logto's.
    const locally = process.env.LOGTO_ENDPOINT ? test.skip : test;
    locally("a role change that fails halfway is recorded as far as it went, and the next up makes only the rest", async () => {
        const { client, runId, local } = fixture.target();
        const scopes = { current: [`a-${runId}`, `b-${runId}`] };
        const stack = await fixture.stack("logto-orgs-partial", "partial", async () => {
            const ids = Object.fromEntries([`a-${runId}`, `b-${runId}`, `c-${runId}`].map((n) => [n, new OrganizationScope(n, { name: n }).id]));
            const role = new OrganizationRole("role", { name: `${runId}-partial`, organizationScopeIds: scopes.current.map((n) => ids[n]!), resourceScopeIds: [] });
            return { roleId: role.id, held: role.organizationScopeIds };
        });
        const first = await stack.up();
        const roleId = String(first.outputs.roleId!.value);
        // b out, c in: the add goes through, the removal is refused on every attempt.
        scopes.current = [`a-${runId}`, `c-${runId}`];
        local!.faults.set([{ kind: "429", route: "DELETE /api/organization-roles/:id/scopes/:organizationScopeId", retryAfterSeconds: 0, count: 1000 }]);
        const error = String(await stack.up().then(() => "up succeeded", (e: unknown) => e));
        local!.faults.clear();
        expect(error).toMatch(/was updated only in part: .*failed with 429/);
        const names = async () => (await client.listOrganizationRoleScopes(roleId)).map((s) => s.name).sort();
        expect(await names()).toEqual([`a-${runId}`, `b-${runId}`, `c-${runId}`]);
        // The state holds what Logto holds, so the next up removes b and adds nothing.
        const state = (await stack.exportStack()).deployment.resources.find((r: { urn: string }) => r.urn.endsWith("::role"));
        expect((state.outputs.organizationScopeIds as string[]).length).toBe(3);
        fixture.target().resetCounts();
        await stack.up();
        const writes = Object.entries(fixture.target().counts().byRoute).filter(([r]) => !r.startsWith("GET "));
        expect(writes).toEqual([["DELETE /api/organization-roles/:id/scopes/:organizationScopeId", 1]]);
        expect(await names()).toEqual([`a-${runId}`, `c-${runId}`]);
        await stack.destroy();
    });
});
