import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import type { AccessMatrix } from "../../access/model";
import { dispatch } from "../../command/dispatch";
import { subcommands } from "../../command/subcommands";
import { BUILT_IN_MANAGEMENT_ROLE } from "../../spec/schema";
import { startLogtoTarget, type LogtoTarget } from "../support/logtoTarget";
import { buildHandMadeTopology, type HandMadeTopology } from "../tenant/support";

// `access --live` and `access SPEC --base live` on a tenant built by hand through the Management API: the local
// Logto, or the Logto of LOGTO_ENDPOINT / LOGTO_APP_ID / LOGTO_APP_SECRET (a shared tenant: only this run's
// objects, named by its run id, are judged).
describe("logto-m2m access against a live tenant", () => {
    let target: LogtoTarget;
    let topology: HandMadeTopology;
    let dir: string;
    let env: NodeJS.ProcessEnv;

    beforeAll(async () => {
        target = await startLogtoTarget();
        topology = await buildHandMadeTopology(target);
        dir = mkdtempSync(path.join(tmpdir(), "logto-m2m-access-live-"));
        const c = target.connection;
        env = {
            LOGTO_ENDPOINT: c.endpoint,
            LOGTO_APP_ID: c.appId,
            LOGTO_APP_SECRET: c.appSecret,
            ...(c.tenantId === undefined ? {} : { LOGTO_TENANT_ID: c.tenantId }),
            ...(c.managementIndicator === undefined ? {} : { LOGTO_MANAGEMENT_INDICATOR: c.managementIndicator }),
        };
    });
    afterAll(async () => {
        if (dir) rmSync(dir, { recursive: true, force: true });
        await target?.close();
    });

    async function run(args: string[], withEnv = env) {
        const out: string[] = [];
        const err: string[] = [];
        const code = await dispatch(args, subcommands, { streams: { out: (t) => void out.push(t), progress: (t) => void err.push(t) }, env: withEnv, cwd: dir });
        return { code, out: out.join("\n"), err: err.join("\n") };
    }

    /** The spec of the hand-made topology, as a team would write it. */
    function specOfTopology(): string {
        const { runId } = target;
        return stringify({
            resources: [
                { name: `${runId} Orders API`, indicator: topology.orders.indicator, permissions: ["read:orders", "write:orders"] },
                { name: `${runId} Stock API`, indicator: topology.stock.indicator, permissions: ["read:stock"] },
            ],
            roles: [
                { name: `${runId}-orders-reader`, permissions: [{ resource: topology.orders.indicator, permissions: ["read:orders"] }] },
                { name: `${runId}-ops`, permissions: [{ resource: topology.orders.indicator, permissions: ["write:orders"] }, { resource: topology.stock.indicator, permissions: ["read:stock"] }] },
                { name: `${runId}-tenant-admin`, permissions: [{ resource: "management", permissions: ["all"] }] },
            ],
            apps: [
                { name: `${runId} storefront`, roles: [`${runId}-orders-reader`] },
                { name: `${runId} ops bot`, roles: [`${runId}-ops`, `${runId}-tenant-admin`] },
                { name: `${runId} provisioner`, roles: [BUILT_IN_MANAGEMENT_ROLE] },
            ],
        });
    }

    test("--live: the tenant's matrix, the Management API's all as full tenant control, read in 3 listings and one call per role and per app", async () => {
        const { runId } = target;
        target.resetCounts();
        const r = await run(["access", "--live", "--format", "json"]);
        expect(r.code).toBe(0);
        const matrix = JSON.parse(r.out) as AccessMatrix;
        const mine = matrix.apps.filter((a) => a.app.startsWith(runId)).map((a) => [a.app, a.id, a.holdings.map((h) => `${h.permission}@${h.resource} via ${h.via.join("+")}${h.fullTenantControl ? " FULL" : ""}`)]);
        const mgmt = matrix.managementIndicator;
        expect(mine).toEqual([
            [`${runId} ops bot`, topology.apps.opsBot, [`all@${mgmt} via ${runId}-tenant-admin FULL`, `write:orders@${topology.orders.indicator} via ${runId}-ops`, `read:stock@${topology.stock.indicator} via ${runId}-ops`].sort(byResourceThenPermission)],
            [`${runId} other stack's app`, topology.apps.otherStacks, []],
            [`${runId} provisioner`, topology.apps.provisioner, [`all@${mgmt} via ${BUILT_IN_MANAGEMENT_ROLE} FULL`]],
            [`${runId} storefront`, topology.apps.storefront, [`read:orders@${topology.orders.indicator} via ${runId}-orders-reader`]],
        ]);
        const listed = /read (\d+) objects in (\d+) calls/.exec(r.err);
        expect(listed).not.toBeNull();
        // Three listings (the roles' one call per page of 100, more when rows moved between pages: see the
        // client's listPaged), one per M2M role (its permissions), one per M2M app (its roles); no secret listing.
        const counts = target.counts().byRoute;
        expect(Object.keys(counts).filter((route) => route.includes("secrets"))).toEqual([]);
        const roleListings = counts["GET /api/roles"] ?? 0;
        expect(roleListings).toBeGreaterThanOrEqual(1);
        const perRole = counts["GET /api/roles/:id/scopes"] ?? 0;
        const perApp = counts["GET /api/applications/:id/roles"] ?? 0;
        // Organizations: three listings, two per M2M organization role, one per organization and per M2M member.
        const organizationCalls = Object.entries(counts).filter(([route]) => route.includes("/api/organization")).reduce((n, [, c]) => n + c, 0);
        expect(organizationCalls).toBeGreaterThanOrEqual(3);
        expect(target.counts().api).toBe(2 + roleListings + perRole + perApp + organizationCalls);
        expect(perApp).toBe(matrix.apps.length);
        expect(Number(listed![2])).toBe(target.counts().api);
        expect(`${r.out}${r.err}`).not.toContain(target.connection.appSecret);
    });

    test("--base live: a spec of what the tenant holds changes nothing; drift made in the console shows as access the up gives back", async () => {
        const { runId } = target;
        writeFileSync(path.join(dir, "m2m.yaml"), specOfTopology());
        const same = await run(["access", "m2m.yaml", "--base", "live"]);
        expect(same.err).not.toContain("error");
        expect(same.out).toContain("No access changes.");
        expect(same.code).toBe(0);

        // In the console: the storefront loses its role, and the ops bot gets the reader role on top.
        await target.client.removeApplicationRole(topology.apps.storefront, topology.roles.reader);
        await target.client.addApplicationRoles(topology.apps.opsBot, [topology.roles.reader]);
        const drift = await run(["access", "m2m.yaml", "--base", "live", "--format", "json"]);
        expect(drift.code).toBe(1);
        const diff = JSON.parse(drift.out) as { appsChanged: Array<{ app: string; gained: Array<{ permission: string; via: string[] }>; lost: Array<{ permission: string }>; rolesAdded: string[]; rolesRemoved: string[] }>; rolesAdded: string[]; rolesRemoved: string[] };
        expect(diff.appsChanged.map((c) => [c.app, c.gained.map((h) => `${h.permission} via ${h.via}`), c.lost.map((h) => h.permission), c.rolesAdded, c.rolesRemoved])).toEqual([
            [`${runId} ops bot`, [], ["read:orders"], [], [`${runId}-orders-reader`]],
            [`${runId} storefront`, [`read:orders via ${runId}-orders-reader`], [], [`${runId}-orders-reader`], []],
        ]);
        // The tenant's other apps and roles are not the spec's: no removal.
        expect(diff).toMatchObject({ rolesAdded: [], rolesRemoved: [] });
        const md = await run(["access", "m2m.yaml", "--base", "live", "--format", "markdown"]);
        expect(md.out).toContain(`| ${runId} storefront | ➕ gains | \`read:orders\` |`);
    });

    test("organizations: --live shows what an app may do in each organization; --base live of a spec of it changes nothing, and drift shows", async () => {
        const { client, runId } = target;
        const readOrders = await client.createOrganizationScope({ name: `${runId}-read:orders` });
        const invoices = await client.createOrganizationScope({ name: `${runId}-read:invoices` });
        const scopes = await client.listScopes(topology.orders.id);
        const reader = await client.createOrganizationRole({ name: `${runId}-org-reader`, type: "MachineToMachine", organizationScopeIds: [readOrders.id], resourceScopeIds: [scopes.find((s) => s.name === "read:orders")!.id] });
        const accountant = await client.createOrganizationRole({ name: `${runId}-accountant`, type: "MachineToMachine", organizationScopeIds: [invoices.id] });
        const acme = await client.createOrganization({ name: `${runId} Acme` });
        const globex = await client.createOrganization({ name: `${runId} Globex` });
        const bot = await client.createApplication({ name: `${runId} org bot` });
        await client.addOrganizationApplications(acme.id, [bot.id]);
        await client.addOrganizationApplicationRoles(acme.id, bot.id, [reader.id, accountant.id]);
        await client.addOrganizationApplications(globex.id, [bot.id]);
        await client.addOrganizationApplicationRoles(globex.id, bot.id, [accountant.id]);

        const live = await run(["access", "--live", "--format", "json"]);
        expect(live.code).toBe(0);
        const matrix = JSON.parse(live.out) as AccessMatrix;
        expect(matrix.apps.find((a) => a.id === bot.id)?.organizations).toEqual([
            { organization: `${runId} Acme`, roles: [`${runId}-accountant`, `${runId}-org-reader`], holdings: [
                { permission: `${runId}-read:invoices`, via: [`${runId}-accountant`] },
                { permission: `${runId}-read:orders`, via: [`${runId}-org-reader`] },
                { permission: "read:orders", resource: topology.orders.indicator, via: [`${runId}-org-reader`] },
            ] },
            { organization: `${runId} Globex`, roles: [`${runId}-accountant`], holdings: [{ permission: `${runId}-read:invoices`, via: [`${runId}-accountant`] }] },
        ]);

        // The spec names Acme by name and Globex by id (an existing organization).
        writeFileSync(path.join(dir, "orgs.yaml"), stringify({
            resources: [{ name: `${runId} Orders API`, indicator: topology.orders.indicator, permissions: ["read:orders", "write:orders"] }],
            apps: [{ name: `${runId} org bot` }],
            organizations: {
                permissions: [`${runId}-read:orders`, `${runId}-read:invoices`],
                roles: [
                    { name: `${runId}-org-reader`, permissions: [`${runId}-read:orders`], resources: [{ resource: topology.orders.indicator, permissions: ["read:orders"] }] },
                    { name: `${runId}-accountant`, permissions: [`${runId}-read:invoices`] },
                ],
                list: [
                    { name: `${runId} Acme`, apps: [{ app: `${runId} org bot`, roles: [`${runId}-org-reader`, `${runId}-accountant`] }] },
                    { id: globex.id, apps: [{ app: `${runId} org bot`, roles: [`${runId}-accountant`] }] },
                ],
            },
        }));
        const same = await run(["access", "orgs.yaml", "--base", "live"]);
        expect(same.out).toContain("No access changes.");
        expect(same.code).toBe(0);

        // In the console: the bot loses the reader role in Acme and leaves Globex.
        await client.removeOrganizationApplicationRole(acme.id, bot.id, reader.id);
        await client.removeOrganizationApplication(globex.id, bot.id);
        const drift = await run(["access", "orgs.yaml", "--base", "live", "--format", "json"]);
        expect(drift.code).toBe(1);
        const diff = JSON.parse(drift.out) as { appsChanged: Array<{ app: string; organizations: Array<{ organization: string; joined?: true; gained: Array<{ permission: string; resource?: string }>; rolesAdded: string[] }> }> };
        expect(diff.appsChanged.map((c) => c.app)).toEqual([`${runId} org bot`]);
        expect(Object.fromEntries(diff.appsChanged[0]!.organizations.map((o) => [o.organization, [o.joined === true, o.gained.map((h) => `${h.permission}@${h.resource ?? "org"}`), o.rolesAdded]]))).toEqual({
            [`${runId} Acme`]: [false, [`${runId}-read:orders@org`, `read:orders@${topology.orders.indicator}`], [`${runId}-org-reader`]],
            [globex.id]: [true, [`${runId}-read:invoices@org`], [`${runId}-accountant`]],
        });
    });

    test("bad credentials and an unreachable endpoint name the setting to fix, exit 2, and print no secret", async () => {
        const wrong = "wrong-secret-value-0123456789";
        const badSecret = await run(["access", "--live"], { ...env, LOGTO_APP_SECRET: wrong });
        expect(badSecret.code).toBe(2);
        expect(badSecret.out).toBe("");
        expect(badSecret.err).toContain("logto:appSecret (env LOGTO_APP_SECRET)");
        expect(badSecret.err).not.toContain(wrong);
        expect(badSecret.err).not.toContain(target.connection.appSecret);
        const unreachable = await run(["access", "--live"], { ...env, LOGTO_ENDPOINT: "http://127.0.0.1:9" });
        expect(unreachable.code).toBe(2);
        expect(unreachable.err).toContain("logto:endpoint (env LOGTO_ENDPOINT)");
        expect(unreachable.err).not.toContain(target.connection.appSecret);
    });
});

function byResourceThenPermission(a: string, b: string): number {
    const [pa, ra] = a.split(/@| via /);
    const [pb, rb] = b.split(/@| via /);
    return ra! < rb! ? -1 : ra! > rb! ? 1 : pa! < pb! ? -1 : pa! > pb! ? 1 : 0;
}
