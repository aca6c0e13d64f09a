import type { Stack } from "@pulumi/pulumi/automation";
import { ManagementClient } from "../../client";
import { startLocalLogto, type FaultRule, type LocalLogto } from "../../local-logto";
import { engineSandbox, inlineStack, type EngineSandbox } from "../support/engine";
import { differences, generatedTopology, withOrganizations, idsInState, inventory, logtoStackConfig, objectCount, orphans, topologyProgram } from "../support/topology";

/**
 * `pulumi up` against a Logto that misbehaves like a busy production tenant, and against objects changed behind
 * Pulumi's back. Afterwards Logto must equal the spec exactly and a refresh must find no drift.
 */
const full = process.env.LOGTO_M2M_FULL === "1";
const seed = Number(process.env.LOGTO_M2M_CHAOS_SEED ??
    // CI replays seeds that have passed, so a red run means a change broke something; the full mode explores.
    (full ? Math.floor(Math.random() * 1_000_000) : 456000));

/**
 * Fault rates a user may meet on a loaded tenant: rate limiting with Retry-After, gateway errors, connections
 * dropped before and after the server acted (a lost answer to a create), slow answers. 500s strike before the
 * server acts: Logto runs each write in a transaction, so a 500 means "not done".
 */
function realisticFaults(seed: number): FaultRule[] {
    return [
        { kind: "429", rate: 0.05, retryAfterSeconds: 1, seed },
        { kind: "500", rate: 0.02, seed: seed + 1 },
        { kind: "502", rate: 0.02, seed: seed + 2 },
        { kind: "503", rate: 0.03, seed: seed + 3 },
        { kind: "drop", rate: 0.02, seed: seed + 4 },
        { kind: "drop", method: "POST", when: "after", rate: 0.03, seed: seed + 5 },
        { kind: "latency", rate: 0.3, latencyMs: 80, seed: seed + 6 },
        { kind: "500", route: "token", rate: 0.05, seed: seed + 7 },
    ];
}

/**
 * What a user does when `up` fails on a fault the client would not retry (a 500 on a create, an unlucky streak):
 * run `up` again. Returns how many runs it took; throws if it never converges.
 */
async function upUntilConverged(stack: Stack, maxRuns: number): Promise<{ runs: number; errors: string[] }> {
    const errors: string[] = [];
    for (let run = 1; run <= maxRuns; run++) {
        try {
            await stack.up();
            return { runs: run, errors };
        } catch (error) {
            const message = String(error);
            errors.push(/error: (.*)/.exec(message)?.[1] ?? message.slice(0, 300));
        }
    }
    throw new Error(`up did not converge in ${maxRuns} runs:\n${errors.join("\n")}`);
}

describe(`up under injected faults (seed ${seed})`, () => {
    const topology = withOrganizations(generatedTopology(full ? 140 : 56, "chaos"), "chaos");
    let logto: LocalLogto;
    let sandbox: EngineSandbox;
    let stack: Stack;
    let client: ManagementClient;

    beforeAll(async () => {
        console.log(`chaos: seed ${seed} (replay with LOGTO_M2M_CHAOS_SEED=${seed}), ${objectCount(topology)} objects`);
        logto = await startLocalLogto({ port: 0, tokenTtlOverrideSeconds: 3 });
        sandbox = engineSandbox();
        stack = await inlineStack(sandbox, "chaos", "dev", topologyProgram(topology), logtoStackConfig(logto));
        client = new ManagementClient({ endpoint: logto.endpoint, appId: logto.bootstrap.appId, appSecret: logto.bootstrap.appSecret }, { budget: "off" });
    });
    afterAll(async () => {
        sandbox?.cleanup();
        await logto?.close();
    });

    async function expectExactlyTheSpec(): Promise<void> {
        const inv = await inventory(logto);
        expect(differences(topology, inv)).toEqual([]);
        expect(orphans(inv, idsInState(await stack.exportStack()))).toEqual([]);
        const refresh = await stack.refresh();
        expect(Object.keys(refresh.summary.resourceChanges ?? {})).toEqual(["same"]);
    }

    test(`up of ${objectCount(topology)} objects converges; Logto equals the spec; refresh finds no drift`, async () => {
        expect(objectCount(topology)).toBeGreaterThanOrEqual(50);
        logto.faults.set(realisticFaults(seed));
        logto.counters.reset();
        const { runs, errors } = await upUntilConverged(stack, 5);
        logto.faults.clear();
        const served = logto.counters.snapshot();
        console.log(`chaos: converged in ${runs} run(s), ${served.api} Management API and ${served.token} token requests${errors.length > 0 ? `; failed runs said:\n  ${errors.join("\n  ")}` : ""}`);
        await expectExactlyTheSpec();
    });

    test("a no-op up after the chaos makes no Management API call", async () => {
        logto.counters.reset();
        const result = await stack.up();
        expect(Object.keys(result.summary.resourceChanges ?? {})).toEqual(["same"]);
        expect(logto.counters.snapshot().api).toBe(0);
    });

    test("the exactness check itself sees an object made outside the spec, and a duplicate", async () => {
        const stray = await client.createResource({ name: "stray", indicator: "https://stray.example" });
        const twin = await client.createRole({ name: topology.roles[0].name.toUpperCase(), description: "case twin", type: "MachineToMachine" });
        const orgName = topology.organizations!.orgs[0]!.name;
        const orgTwin = await client.createOrganization({ name: orgName });
        const inv = await inventory(logto);
        expect(differences(topology, inv)).toEqual(expect.arrayContaining([`undeclared resource https://stray.example`, `undeclared role ${twin.name}`, `duplicate organization ${orgName} (2)`]));
        expect(orphans(inv, idsInState(await stack.exportStack()))).toEqual(expect.arrayContaining([stray.id, twin.id, orgTwin.id]));
        await client.deleteResource(stray.id);
        await client.deleteRole(twin.id);
        await client.deleteOrganization(orgTwin.id);
    });

    test("objects deleted and edited in Logto between runs: refresh + up restores the spec", async () => {
        const inv = await inventory(logto);
        const [r0, r1] = topology.resources;
        const role0 = inv.roles.get(topology.roles[0].name)![0];
        const role1 = inv.roles.get(topology.roles[1].name)![0];
        const app0 = inv.apps.get(topology.apps[0].name)![0];
        const app1 = inv.apps.get(topology.apps[1].name)![0];
        // Deleted: a permission a role holds, a whole role (an app holds it), an app, an app's extra secret.
        await client.deleteScope(inv.resources.get(r0.indicator)![0], inv.permissions.get(`${r0.indicator}|${r0.permissions[0]}`)![0]);
        await client.deleteRole(role1.id);
        await client.deleteApplication(app1.id);
        await client.deleteApplicationSecret(app0.id, app0.secrets[0]);
        // Edited: a resource renamed, a permission removed from a role, a role added to an app, an app renamed,
        // a role's description changed.
        await client.updateResource(inv.resources.get(r1.indicator)![0], { name: "renamed by hand" });
        await client.removeRoleScope(role0.id, inv.permissions.get(`${r0.indicator}|${r0.permissions[1]}`)![0]);
        await client.addApplicationRoles(app0.id, [inv.roles.get(topology.roles[2]?.name ?? topology.roles[0].name)![0].id]);
        await client.updateApplication(app0.id, { name: "renamed app" });
        await client.updateRole(role0.id, { description: "edited by hand" });
        // Organizations: one deleted (its memberships go with it), an organization permission deleted (the roles
        // holding it lose it), a member's organization role taken away.
        const orgs = topology.organizations!;
        await client.deleteOrganization(inv.organizations.get(orgs.orgs[0]!.name)![0]!.id);
        await client.deleteOrganizationScope(inv.organizationPermissions.get(orgs.permissions[1]!)![0]!);
        const org1 = inv.organizations.get(orgs.orgs[1]!.name)![0]!;
        const [memberName, memberRoles] = Object.entries(orgs.orgs[1]!.members)[0]!;
        await client.removeOrganizationApplicationRole(org1.id, inv.apps.get(memberName)![0]!.id, inv.organizationRoles.get(memberRoles[0]!)![0]!.id);
        expect(differences(topology, await inventory(logto))).not.toEqual([]);

        const refresh = await stack.refresh();
        expect(refresh.summary.resourceChanges).toMatchObject({ update: expect.any(Number), delete: expect.any(Number) });
        await stack.up();

        await expectExactlyTheSpec();
        const descriptions = await client.getRole(role0.id);
        expect(descriptions?.description).toBe(`${topology.roles[0].name} (generated)`);
    });
});
