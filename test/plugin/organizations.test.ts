import type { Stack } from "@pulumi/pulumi/automation";
import { callsByMethod } from "../support/logtoTarget";
import { useProviderFixture } from "../support/logtoEngine";
import { resource } from "./support";

/**
 * The organization types through the plugin (`logto:index:Organization*`, `ExistingOrganization`) with the real
 * engine: create, a no-op up with no Logto call, an in-place change of a membership's roles, drift on refresh,
 * destroy (which leaves the existing organization in Logto). Against the Logto of LOGTO_* when set.
 */
describe("the plugin's organization resources through the engine", () => {
    const fixture = useProviderFixture();
    const project = "logto-plugin-orgs";
    let stack: Stack;
    let runId: string;
    let existingOrgId: string;
    let t: { memberRoles: string[] };

    const program = async () => {
        const read = resource("OrganizationScope", "read", { name: `read:${runId}`, description: "Reads orders" });
        const write = resource("OrganizationScope", "write", { name: `write:${runId}` });
        const viewer = resource("OrganizationRole", "viewer", { name: `${runId}-viewer`, organizationScopeIds: [read.id], resourceScopeIds: [] });
        const editor = resource("OrganizationRole", "editor", { name: `${runId}-editor`, organizationScopeIds: [read.id, write.id], resourceScopeIds: [] });
        const roles: Record<string, typeof viewer> = { viewer, editor };
        const app = resource("M2MApplication", "app", { name: `${runId}-org-app`, roleIds: [] });
        const org = resource("Organization", "acme", { name: `${runId} Acme`, description: "A customer" });
        const existing = resource("ExistingOrganization", "existing", { name: `${runId} Existing` });
        resource("OrganizationApplication", "member", { organizationId: org.id, applicationId: app.id, organizationRoleIds: t.memberRoles.map((r) => roles[r]!.id) });
        resource("OrganizationApplication", "guest", { organizationId: existing.id, applicationId: app.id, organizationRoleIds: [viewer.id] });
        return { orgId: org.id, existingId: existing.id, foundName: existing.out("foundName"), appId: app.id, viewerId: viewer.id, editorId: editor.id, readId: read.id, writeId: write.id };
    };

    beforeAll(async () => {
        runId = fixture.target().runId;
        t = { memberRoles: ["viewer"] };
        existingOrgId = (await fixture.target().client.createOrganization({ name: `${runId} Existing` })).id;
        stack = await fixture.stack(project, `orgs-${runId}`, program);
    });

    afterAll(async () => {
        await stack?.destroy().catch(() => undefined);
        await fixture.target().client.deleteOrganization(existingOrgId).catch(() => undefined);
    });

    it("creates every organization type, and the memberships hold their roles in Logto", async () => {
        const up = await stack.up();
        expect(up.summary.resourceChanges?.create).toBe(10); // the stack and 9 resources
        const o = await stack.outputs();
        const client = fixture.target().client;
        expect(o.existingId!.value).toBe(existingOrgId);
        expect(o.foundName!.value).toBe(`${runId} Existing`);
        expect(await client.getOrganization(o.orgId!.value)).toMatchObject({ name: `${runId} Acme`, description: "A customer" });
        expect((await client.getOrganization(o.orgId!.value))?.marker).toMatch(new RegExp(`^pulumi:${project}/orgs-${runId}/acme#[0-9a-f-]{36}$`));
        expect((await client.listOrganizationRoleScopes(o.editorId!.value)).map((s) => s.id).sort()).toEqual([o.readId!.value, o.writeId!.value].sort());
        expect((await client.listOrganizationApplicationRoles(o.orgId!.value, o.appId!.value))?.map((r) => r.id)).toEqual([o.viewerId!.value]);
        expect((await client.listOrganizationApplicationRoles(existingOrgId, o.appId!.value))?.map((r) => r.id)).toEqual([o.viewerId!.value]);
    });

    it("a second up changes nothing and makes no call to Logto", async () => {
        fixture.target().resetCounts();
        const up = await stack.up();
        expect(up.summary.resourceChanges).toEqual({ same: 10 });
        expect(callsByMethod(fixture.target().counts())).toEqual({});
    });

    it("changes a membership's roles in place", async () => {
        const o = await stack.outputs();
        t.memberRoles = ["editor"];
        const up = await stack.up();
        expect(up.summary.resourceChanges).toEqual({ same: 9, update: 1 });
        expect((await fixture.target().client.listOrganizationApplicationRoles(o.orgId!.value, o.appId!.value))?.map((r) => r.id)).toEqual([o.editorId!.value]);
        expect((await stack.outputs()).orgId!.value).toBe(o.orgId!.value);
    });

    it("refresh sees a role taken from a membership in Logto, and the next up gives it back", async () => {
        const o = await stack.outputs();
        const client = fixture.target().client;
        await client.removeOrganizationApplicationRole(o.orgId!.value, o.appId!.value, o.editorId!.value);
        const refresh = await stack.refresh();
        expect(refresh.summary.resourceChanges).toMatchObject({ update: 1 });
        const preview = await stack.preview({ diff: true });
        expect(preview.changeSummary).toMatchObject({ update: 1 });
        await stack.up();
        expect((await client.listOrganizationApplicationRoles(o.orgId!.value, o.appId!.value))?.map((r) => r.id)).toEqual([o.editorId!.value]);
    });

    it("destroy removes what it made and leaves the existing organization in Logto", async () => {
        const o = await stack.outputs();
        await stack.destroy();
        const client = fixture.target().client;
        expect(await client.getOrganization(o.orgId!.value)).toBeUndefined();
        expect(await client.getOrganizationRole(o.viewerId!.value)).toBeUndefined();
        expect(await client.getOrganizationScope(o.readId!.value)).toBeUndefined();
        expect(await client.getApplication(o.appId!.value)).toBeUndefined();
        expect(await client.getOrganization(existingOrgId)).toMatchObject({ name: `${runId} Existing` });
        expect(await client.listOrganizationApplicationIds(existingOrgId)).toEqual([]);
    });
});
