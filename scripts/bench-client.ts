/**
 * Benchmark of the Management API client against an in-process local Logto: a batch like a mid-sized
 * `pulumi up` (50 API resources with 3 permissions each, 20 M2M roles, 20 M2M apps; then reads; then deletes),
 * all started at once as the Pulumi engine would. Prints requests, token requests and wall time per phase.
 * Figures only, no assertions.
 *
 *   node dist/scripts/bench-client.js [--budget=150/10s:20|off] [--fault-rate=0.05]
 *
 * --budget: the client's request budget (default: the client default, 150/10s burst 20);
 * --fault-rate: share of API requests answered 503 or dropped (half each, before or after being applied).
 */
import { closeHttpAgent, defaultBudgetSpec, ManagementClient, parseBudgetSpec, RequestBudget } from "../client";
import { startLocalLogto, type FaultRule } from "../local-logto";

function flag(name: string): string | undefined {
    const prefix = `--${name}=`;
    return process.argv.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

async function main(): Promise<void> {
    const budgetText = flag("budget");
    const spec = budgetText === undefined ? defaultBudgetSpec : parseBudgetSpec(budgetText) ?? null;
    const faultRate = Number(flag("fault-rate") ?? "0");
    const faults: FaultRule[] = faultRate > 0 ? [
        { kind: "503", rate: faultRate / 2, seed: 11 },
        { kind: "drop", rate: faultRate / 2, seed: 12, when: "after" },
    ] : [];

    const logto = await startLocalLogto({ port: 0 });
    const client = new ManagementClient({
        endpoint: logto.endpoint,
        appId: logto.bootstrap.appId,
        appSecret: logto.bootstrap.appSecret,
        managementIndicator: logto.managementIndicator,
    }, { budget: spec === null ? "off" : new RequestBudget(spec) });

    const rows: Array<{ phase: string; requests: number; tokenRequests: number; serverRequests: number; ms: number }> = [];
    async function phase(name: string, work: () => Promise<unknown>): Promise<void> {
        const before = client.stats();
        const serverBefore = logto.counters.snapshot();
        const startedAt = performance.now();
        await work();
        const after = client.stats();
        const serverAfter = logto.counters.snapshot();
        rows.push({
            phase: name,
            requests: after.requests - before.requests,
            tokenRequests: after.tokenRequests - before.tokenRequests,
            serverRequests: serverAfter.api + serverAfter.token - serverBefore.api - serverBefore.token,
            ms: Math.round(performance.now() - startedAt),
        });
    }

    logto.faults.set(faults);
    const startedAt = performance.now();
    try {
        const resources = await (async () => {
            let created: Awaited<ReturnType<typeof client.createResource>>[] = [];
            let scopeIds: string[][] = [];
            await phase("create 50 resources + 150 permissions", async () => {
                created = await Promise.all(Array.from({ length: 50 }, (_, i) =>
                    client.createResource({ name: `Bench API ${i}`, indicator: `https://bench-${i}.example/api` })));
                scopeIds = await Promise.all(created.map(async (r) => Promise.all(["read", "write", "admin"].map(async (verb) =>
                    (await client.createScope(r.id, { name: `${verb}:things`, description: `${verb} things` })).id))));
            });
            return { created, scopeIds };
        })();

        let roleIds: string[] = [];
        await phase("create 20 roles, assign 3 permissions each", async () => {
            roleIds = await Promise.all(Array.from({ length: 20 }, async (_, i) => {
                const role = await client.createRole({ name: `bench-role-${i}`, description: "benchmark", type: "MachineToMachine" });
                await client.addRoleScopes(role.id, resources.scopeIds[i]!);
                return role.id;
            }));
        });

        let appIds: string[] = [];
        await phase("create 20 apps, assign 1 role each", async () => {
            appIds = await Promise.all(Array.from({ length: 20 }, async (_, i) => {
                const app = await client.createApplication({ name: `bench-app-${i}`, customData: { i } });
                await client.addApplicationRoles(app.id, [roleIds[i]!]);
                return app.id;
            }));
        });

        await phase("read back everything", async () => {
            await Promise.all([
                client.listResources({ includeScopes: true }),
                client.listRoles({ type: "MachineToMachine" }),
                client.listApplications(),
                ...roleIds.map((id) => client.listRoleScopes(id)),
                ...appIds.map((id) => client.listApplicationRoles(id)),
                ...appIds.map((id) => client.listApplicationSecrets(id)),
            ]);
        });

        await phase("delete everything", async () => {
            await Promise.all(appIds.map((id) => client.deleteApplication(id)));
            await Promise.all(roleIds.map((id) => client.deleteRole(id)));
            await Promise.all(resources.created.map((r) => client.deleteResource(r.id)));
        });
    } finally {
        logto.faults.clear();
        await closeHttpAgent();
        await logto.close();
    }

    const total = client.stats();
    console.log(`budget: ${spec === null ? "off" : `${spec.requests}/${spec.perMs}ms burst ${spec.burst}`}; fault rate: ${faultRate}`);
    console.table(rows);
    console.log(`total: ${total.requests} API requests (client-side, retries included), ${total.tokenRequests} token request(s), ` +
        `${Math.round(performance.now() - startedAt)} ms wall time`);
}

main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
});
