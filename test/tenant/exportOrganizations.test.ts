import type { Stack } from "@pulumi/pulumi/automation";
import { logtoM2MProgram } from "../../program";
import { exportTenant, type TenantExport } from "../../tenant/exportTenant";
import { useProviderFixture } from "../support/logtoEngine";
import { writes } from "../program/support";
import { createAppByHand } from "./support";

// Organizations made by hand, exported, and brought under a stack: organization permissions and roles adopted by
// name, organizations referenced by id, memberships taken over with the roles they hold. Against the local Logto
// (its counters) or the Logto given by LOGTO_* (through the counting proxy).
describe("export of a tenant's organizations, and the up that adopts them", () => {
    const fixture = useProviderFixture();
    let ids: { acme: string; globex: string; bot: string; sync: string; reader: string; outsider: string; foreign: string };
    let exported: TenantExport;
    let stack: Stack;
    const foreignIndicator = `https://foreign-${process.pid}-${Date.now()}.example`;

    beforeAll(async () => {
        const { client, runId } = fixture.target();
        const orders = await client.createResource({ name: `${runId} Orders API`, indicator: `https://${runId}.orders.example` });
        const readOrders = await client.createScope(orders.id, { name: "read:orders" });
        const view = await client.createOrganizationScope({ name: `${runId}-view`, description: "See the organization" });
        const pay = await client.createOrganizationScope({ name: `${runId}-pay` });
        const reader = await client.createOrganizationRole({ name: `${runId}-reader`, description: "Reads orders", type: "MachineToMachine", organizationScopeIds: [view.id], resourceScopeIds: [readOrders.id] });
        const payer = await client.createOrganizationRole({ name: `${runId}-payer`, type: "MachineToMachine", organizationScopeIds: [view.id, pay.id] });
        // A role with a permission of a resource the export leaves out (--match): the spec cannot declare it.
        const foreign = await client.createResource({ name: "Foreign API", indicator: foreignIndicator });
        const foreignScope = await client.createScope(foreign.id, { name: "read:foreign" });
        const outsider = await client.createOrganizationRole({ name: `${runId}-outsider`, type: "MachineToMachine", resourceScopeIds: [foreignScope.id] });
        const acme = await client.createOrganization({ name: `${runId} Acme` });
        const globex = await client.createOrganization({ name: `${runId} Globex` });
        const bot = await createAppByHand(fixture.target(), { name: `${runId} billing bot` });
        const sync = await createAppByHand(fixture.target(), { name: `${runId} sync` });
        await client.addOrganizationApplications(acme.id, [bot, sync]);
        await client.addOrganizationApplicationRoles(acme.id, bot, [reader.id, payer.id]);
        await client.addOrganizationApplicationRoles(acme.id, sync, [reader.id]);
        await client.addOrganizationApplications(globex.id, [bot, sync]);
        await client.addOrganizationApplicationRoles(globex.id, bot, [payer.id]);
        await client.addOrganizationApplicationRoles(globex.id, sync, [outsider.id]);
        ids = { acme: acme.id, globex: globex.id, bot, sync, reader: reader.id, outsider: outsider.id, foreign: foreign.id };
    });
    afterAll(async () => {
        await stack?.destroy().catch(() => undefined);
    });

    test("the organizations part: permissions and roles to adopt by name, organizations by id with their members; what it cannot say is a warning", async () => {
        const target = fixture.target();
        const { runId } = target;
        target.resetCounts();
        let written: Record<string, number>;
        try {
            exported = await exportTenant(target.client, { match: runId });
            written = writes(target.counts().byRoute);
        } finally {
            // Its name and indicator carry no run id (so --match leaves it out): the target's cleanup would not find it.
            await target.client.deleteResource(ids.foreign);
        }
        expect(written).toEqual({});
        const orders = `https://${runId}.orders.example`;
        expect(exported.spec.organizations).toEqual({
            permissions: [{ name: `${runId}-pay`, adopt: true }, { name: `${runId}-view`, description: "See the organization", adopt: true }],
            roles: [
                { name: `${runId}-payer`, permissions: [`${runId}-pay`, `${runId}-view`], resources: [], adopt: true },
                { name: `${runId}-reader`, description: "Reads orders", permissions: [`${runId}-view`], resources: [{ resource: orders, permissions: ["read:orders"] }], adopt: true },
            ],
            // Sorted by name: Acme, then Globex.
            list: [
                { id: ids.acme, apps: [{ app: `${runId} billing bot`, roles: [`${runId}-payer`, `${runId}-reader`] }, { app: `${runId} sync`, roles: [`${runId}-reader`] }] },
                { id: ids.globex, apps: [{ app: `${runId} billing bot`, roles: [`${runId}-payer`] }] },
            ],
        });
        expect(exported.warnings).toEqual([
            expect.stringMatching(new RegExp(`^organization role "${runId}-outsider" \\(${ids.outsider}\\) holds permissions the spec does not declare \\(read:foreign on ${foreignIndicator.replace(/\./g, "\\.")}\\)`)),
            `the membership of app ${ids.sync} in organization "${runId} Globex" (${ids.globex}): holds organization roles the spec does not declare (${runId}-outsider); left out, unmanaged`,
        ]);
        expect(exported.counts).toMatchObject({ organizationPermissions: 2, organizationRoles: 2, organizations: 2, memberships: 3 });
    });

    test("the first up adopts them: nothing created, nothing written (memberships there already are read, not added again); the second up makes no call", async () => {
        const target = fixture.target();
        stack = await fixture.stack("logto-m2m-export-orgs", "adopt", () => logtoM2MProgram());
        await stack.setConfig("logto-m2m:spec", { value: exported.yaml });
        const before = { acme: await target.client.listOrganizationApplicationRoles(ids.acme, ids.bot), sync: await target.client.listOrganizationApplicationRoles(ids.globex, ids.sync) };
        target.resetCounts();
        const result = await stack.up();
        expect(result.summary.resourceChanges).toEqual({ create: 16 });
        const w = writes(target.counts().byRoute);
        expect(w).toEqual({});
        const outputs = result.outputs.apps!.value as Record<string, { organizations: Record<string, { organizationId: string; roles: string[] }> }>;
        expect(Object.keys(outputs[`${target.runId} billing bot`]!.organizations).sort()).toEqual([ids.acme, ids.globex].sort());
        // What the tenant held is what it holds: the membership the spec left out keeps its role.
        expect((await target.client.listOrganizationApplicationRoles(ids.acme, ids.bot))?.map((r) => r.id).sort()).toEqual(before.acme?.map((r) => r.id).sort());
        expect((await target.client.listOrganizationApplicationRoles(ids.globex, ids.sync))?.map((r) => r.id)).toEqual([ids.outsider]);
        expect(before.sync?.map((r) => r.id)).toEqual([ids.outsider]);
        expect((await target.client.getOrganization(ids.acme))?.name).toBe(`${target.runId} Acme`);

        target.resetCounts();
        const second = await stack.up();
        // The second makes no call at all.
        expect(second.summary.resourceChanges).toEqual({ same: 16 });
        const counts = target.counts();
        expect({ token: counts.token, api: counts.api }).toEqual({ token: 0, api: 0 });
    });
});
