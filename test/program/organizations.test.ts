import type { OutputMap, Stack } from "@pulumi/pulumi/automation";
import { engineSandbox, inlineStack, storedState, type EngineSandbox } from "../support/engine";
import { startLogtoTarget, type LogtoTarget } from "../support/logtoTarget";
import { logtoM2MProgram } from "../../program";
import { organizationAudience, requestClientCredentialsToken, verifyStackOutputs, type VerifiableApp } from "../../component/verify";
import { clone, startShoppingApi, writes, type RunningApi } from "./support";

/**
 * Organization-level M2M through the real engine: a spec with two managed organizations and an existing one,
 * organization roles that mix organization permissions and API permissions, and apps in several of them. What
 * verify gets, what a role change costs, what refresh finds, what the example API's organization route lets
 * through, and that destroy leaves nothing (but the existing organization).
 */
describe("the M2M program with organizations", () => {
    const project = "logto-m2m-orgs";
    let target: LogtoTarget;
    let sandbox: EngineSandbox;
    let stack: Stack;
    let api: RunningApi;
    let existingOrgId: string;

    // Names of this run: organization permissions and roles are unique per tenant, so they carry the run id.
    let n: Record<"shopping" | "a" | "b" | "acme" | "globex" | "partner" | "reader" | "editor" | "invoices" | "billing", string>;
    let spec: Record<string, unknown>;

    function specWith(aInAcme: string[]): Record<string, unknown> {
        return {
            resources: [{ name: `Shopping ${target.runId}`, indicator: n.shopping, permissions: ["read:products", "read:orders", "write:orders"] }],
            apps: [{ name: n.a }, { name: n.b }],
            organizations: {
                permissions: [{ name: n.invoices, description: "Reads the customer's invoices" }, n.billing],
                roles: [
                    { name: n.reader, permissions: [n.invoices], resources: [{ resource: n.shopping, permissions: ["read:orders"] }] },
                    { name: n.editor, description: "Edits orders", permissions: [n.invoices, n.billing], resources: [{ resource: n.shopping, permissions: ["read:orders", "write:orders"] }] },
                ],
                list: [
                    { name: n.acme, description: "A customer", customData: { plan: "gold" }, apps: [{ app: n.a, roles: aInAcme }, { app: n.b, roles: [n.editor] }] },
                    { name: n.globex, apps: [{ app: n.a, roles: [n.editor] }] },
                    { name: n.partner, existing: true, apps: [{ app: n.b, roles: [n.reader] }] },
                ],
            },
        };
    }

    async function upWith(next: Record<string, unknown>, opts: { refresh?: boolean } = {}) {
        await stack.setConfig("logto-m2m:spec", { value: JSON.stringify(next) });
        return stack.up(opts);
    }
    const apps = (outputs: OutputMap) => outputs.apps!.value as Record<string, VerifiableApp & { organizations: Record<string, { organizationId: string; roles: string[]; permissions: string[]; resources: Record<string, string[]> }> }>;
    /** An up's writes by route, each id's placeholder written `:id` (the local Logto and the proxy name them apart). */
    const orgWrites = (byRoute: Record<string, number>) =>
        Object.fromEntries(Object.entries(writes(byRoute)).map(([route, count]) => [route.replace(/\/:\w+/g, "/:id"), count]));

    beforeAll(async () => {
        target = await startLogtoTarget();
        const t = target.runId;
        n = {
            shopping: `https://shopping.api/${t}`, a: `bot-a-${t}`, b: `bot-b-${t}`, acme: `Acme ${t}`, globex: `Globex ${t}`, partner: `Partner ${t}`,
            reader: `org-reader-${t}`, editor: `org-editor-${t}`, invoices: `read:invoices-${t}`, billing: `write:billing-${t}`,
        };
        spec = specWith([n.reader]);
        existingOrgId = (await target.client.createOrganization({ name: n.partner })).id;
        sandbox = engineSandbox();
        stack = await inlineStack(sandbox, project, "dev", () => logtoM2MProgram(), target.stackConfig());
        api = await startShoppingApi(target.upstreamEndpoint, n.shopping);
    });
    afterAll(async () => {
        await api?.stop();
        await stack?.destroy().catch(() => undefined);
        sandbox?.cleanup();
        await target?.close();
    });

    test("up creates the organizations, their permissions, roles and memberships; the outputs say what each app may do where", async () => {
        const result = await upWith(spec);
        // Stack, component, identity; 1 resource, 3 permissions, 2 apps; 2 organization permissions, 2 organization
        // roles, 2 organizations, the existing one's reference, 4 memberships.
        expect(result.summary.resourceChanges).toEqual({ create: 20 });
        const byName = apps(await stack.outputs());
        const orgIds = { acme: byName[n.a]!.organizations[n.acme]!.organizationId, globex: byName[n.a]!.organizations[n.globex]!.organizationId };
        expect(byName[n.a]!.organizations).toEqual({
            [n.acme]: { organizationId: orgIds.acme, roles: [n.reader], permissions: [n.invoices], resources: { [n.shopping]: ["read:orders"] } },
            [n.globex]: { organizationId: orgIds.globex, roles: [n.editor], permissions: [n.invoices, n.billing].sort(), resources: { [n.shopping]: ["read:orders", "write:orders"] } },
        });
        expect(byName[n.b]!.organizations[n.partner]).toEqual({ organizationId: existingOrgId, roles: [n.reader], permissions: [n.invoices], resources: { [n.shopping]: ["read:orders"] } });
        // In Logto: two organizations of these names, each with its members and their roles.
        const acme = await target.client.getOrganization(orgIds.acme);
        expect(acme).toMatchObject({ name: n.acme, description: "A customer", customData: { plan: "gold" } });
        expect((await target.client.listOrganizationApplicationIds(orgIds.acme)).sort()).toEqual([byName[n.a]!.appId, byName[n.b]!.appId].sort());
        expect((await target.client.listOrganizationApplicationRoles(orgIds.globex, byName[n.a]!.appId))!.map((r) => r.name)).toEqual([n.editor]);
        expect(storedState(sandbox, project, "dev")).not.toContain(byName[n.a]!.appSecret);
    });

    test("a second up changes nothing and makes no Management API call", async () => {
        target.resetCounts();
        const result = await upWith(spec);
        expect(result.summary.resourceChanges).toEqual({ same: 20 });
        expect(target.counts()).toEqual({ token: 0, api: 0, byRoute: {} });
    });

    test("verify gets every organization token, with and without the API, with the spec's audience, organization and scopes", async () => {
        const checks = await verifyStackOutputs(await stack.outputs());
        const byName = apps(await stack.outputs());
        const id = (app: string, org: string) => byName[app]!.organizations[org]!.organizationId;
        const lines = checks.filter((c) => c.organization !== undefined).map((c) => `${c.app} ${c.organization} ${c.resource} ${c.granted.join(" ")}`).sort();
        expect(lines).toEqual([
            `${n.a} ${n.acme} ${organizationAudience(id(n.a, n.acme))} ${n.invoices}`,
            `${n.a} ${n.acme} ${n.shopping} read:orders`,
            `${n.a} ${n.globex} ${organizationAudience(id(n.a, n.globex))} ${[n.invoices, n.billing].sort().join(" ")}`,
            `${n.a} ${n.globex} ${n.shopping} read:orders write:orders`,
            `${n.b} ${n.acme} ${organizationAudience(id(n.b, n.acme))} ${[n.invoices, n.billing].sort().join(" ")}`,
            `${n.b} ${n.acme} ${n.shopping} read:orders write:orders`,
            `${n.b} ${n.partner} ${organizationAudience(existingOrgId)} ${n.invoices}`,
            `${n.b} ${n.partner} ${n.shopping} read:orders`,
        ].sort());
    });

    test("the example API's organization route: 401 without a valid token, 403 for another organization or without read:orders, 200 for its own", async () => {
        const byName = apps(await stack.outputs());
        const a = byName[n.a]!;
        const acme = a.organizations[n.acme]!.organizationId;
        const globex = a.organizations[n.globex]!.organizationId;
        const get = (org: string, token?: string) => fetch(`${api.url}/organizations/${org}/orders`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
        const orgToken = (org: string, scopes: string[], resource?: string) =>
            requestClientCredentialsToken({ ...a, organizationId: org, scopes, ...(resource !== undefined ? { resource } : {}) });

        expect((await get(acme)).status).toBe(401);
        // An organization token without the API as resource is for the organization's audience, not this API's.
        expect((await get(acme, (await orgToken(acme, [n.invoices])).accessToken)).status).toBe(401);
        const forAcme = await orgToken(acme, ["read:orders"], n.shopping);
        expect(forAcme.claims).toMatchObject({ organization_id: acme, aud: n.shopping });
        const ok = await get(acme, forAcme.accessToken);
        expect(ok.status).toBe(200);
        expect(await ok.json()).toMatchObject({ organizationId: acme, client: a.appId });
        // Acme's token at Globex's orders.
        expect((await get(globex, forAcme.accessToken)).status).toBe(403);
        // A token of this API without organization (the app holds read:orders through no M2M role: no scope at all).
        const plain = await requestClientCredentialsToken({ ...a, resource: n.shopping, scopes: ["read:orders"] });
        expect((await get(acme, plain.accessToken)).status).toBe(403);
        // A token for the organization without read:orders (only write:orders requested, which a does not hold in Acme).
        const without = await orgToken(acme, ["write:orders"], n.shopping);
        expect(without.scope).toEqual([]);
        expect((await get(acme, without.accessToken)).status).toBe(403);
    });

    test("changing an app's organization roles is one in-place update of its membership: one add and one removal", async () => {
        const next = specWith([n.editor]);
        const preview = await (async () => {
            await stack.setConfig("logto-m2m:spec", { value: JSON.stringify(next) });
            return stack.preview({ diff: true });
        })();
        expect(preview.changeSummary).toEqual({ same: 19, update: 1 });
        expect(preview.stdout).toContain("organizationRoleIds");
        target.resetCounts();
        const result = await upWith(next);
        expect(result.summary.resourceChanges).toEqual({ same: 19, update: 1 });
        const counts = target.counts();
        expect(counts.api).toBe(2);
        expect(orgWrites(counts.byRoute)).toEqual({
            "POST /api/organizations/:id/applications/:id/roles": 1,
            "DELETE /api/organizations/:id/applications/:id/roles/:id": 1,
        });
        const checks = await verifyStackOutputs(await stack.outputs());
        expect(checks.find((c) => c.app === n.a && c.organization === n.acme && c.resource === n.shopping)?.granted).toEqual(["read:orders", "write:orders"]);
        spec = next;
    });

    test("refresh finds a role taken from a member and a permission taken from a role outside Pulumi; up puts them back", async () => {
        const byName = apps(await stack.outputs());
        const acme = byName[n.a]!.organizations[n.acme]!.organizationId;
        const roles = await target.client.listOrganizationRoles({ search: n.editor });
        const editor = roles.find((r) => r.name === n.editor)!;
        await target.client.removeOrganizationApplicationRole(acme, byName[n.b]!.appId, editor.id);
        const invoices = (await target.client.findOrganizationScopeByName(n.invoices))!;
        await target.client.removeOrganizationRoleScope(editor.id, invoices.id);
        await target.client.updateOrganization(acme, { description: "changed outside" });
        const refreshed = await stack.refresh();
        expect(refreshed.summary.resourceChanges).toMatchObject({ update: 3 });
        const preview = await stack.preview({ diff: true });
        expect(preview.changeSummary).toMatchObject({ update: 3 });
        expect(preview.stdout).toContain("changed outside");
        const result = await upWith(spec);
        expect(result.summary.resourceChanges).toMatchObject({ update: 3 });
        await verifyStackOutputs(await stack.outputs());
        expect((await target.client.getOrganization(acme))?.description).toBe("A customer");
    });

    test("destroy leaves nothing of the stack's organizations, roles and permissions, and keeps the existing organization", async () => {
        const byName = apps(await stack.outputs());
        const managed = [byName[n.a]!.organizations[n.acme]!.organizationId, byName[n.a]!.organizations[n.globex]!.organizationId];
        const result = await stack.destroy();
        expect(result.summary.resourceChanges).toEqual({ delete: 20 });
        for (const id of managed) expect(await target.client.getOrganization(id)).toBeUndefined();
        expect((await target.client.listOrganizationRoles({ search: target.runId })).filter((r) => r.name.includes(target.runId))).toEqual([]);
        expect((await target.client.listOrganizationScopes({ search: target.runId })).filter((s) => s.name.includes(target.runId))).toEqual([]);
        expect(await target.client.getOrganization(existingOrgId)).toMatchObject({ name: n.partner });
        expect(await target.client.listOrganizationApplicationIds(existingOrgId)).toEqual([]);
        expect(await target.client.getApplication(byName[n.b]!.appId)).toBeUndefined();
    });
});
