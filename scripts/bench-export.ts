/**
 * Benchmark of `logto-m2m export` on a tenant of 1,000 M2M objects: 50 API resources with 8 permissions each
 * (450), 250 M2M roles of 2 permissions, 250 M2M apps with one role each and 50 named secrets among them. The
 * tenant is seeded by hand through the Management API (not timed), then exported as the command does (the client
 * with its default request budget). Prints the calls Logto received and the wall time. Figures only.
 *
 *   node dist/scripts/bench-export.js            # an in-process local Logto
 *   LOGTO_ENDPOINT=... LOGTO_APP_ID=... LOGTO_APP_SECRET=... node dist/scripts/bench-export.js
 *
 * Against a Logto given by LOGTO_*, every object carries a run tag, only those are exported (--match), and they
 * are deleted afterwards; calls there are counted by the client (its attempts), not by the server.
 */
import { randomBytes } from "node:crypto";
import { closeHttpAgent, connectionFromEnv, ManagementClient, RequestBudget, type ConnectionSettings } from "../client";
import { startLocalLogto, type LocalLogto } from "../local-logto";
import { accessFromTenant, accessMatrix } from "../access/model";
import { exportTenant } from "../tenant/exportTenant";
import { readTenant } from "../tenant/reader";

const sizes = { resources: 50, permissionsPerResource: 8, roles: 250, apps: 250, secrets: 50 };

async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
    let next = 0;
    await Promise.all(Array.from({ length: limit }, async () => {
        while (next < items.length) await work(items[next++]!);
    }));
}

async function seed(client: ManagementClient, tag: string): Promise<void> {
    const indices = (n: number) => Array.from({ length: n }, (_, i) => i);
    const scopeIds: string[] = [];
    await pool(indices(sizes.resources), 8, async (i) => {
        const r = await client.createResource({ name: `${tag} api ${i}`, indicator: `https://${tag}.bench${i}.example` });
        for (const j of indices(sizes.permissionsPerResource)) scopeIds[i * sizes.permissionsPerResource + j] = (await client.createScope(r.id, { name: `p${j}:${i}` })).id;
    });
    const roleIds: string[] = [];
    await pool(indices(sizes.roles), 8, async (i) => {
        const role = await client.createRole({ name: `${tag}-role-${i}`, description: `role ${i}`, type: "MachineToMachine" });
        await client.addRoleScopes(role.id, [scopeIds[(2 * i) % scopeIds.length]!, scopeIds[(2 * i + 1) % scopeIds.length]!]);
        roleIds[i] = role.id;
    });
    await pool(indices(sizes.apps), 8, async (i) => {
        const app = await client.createApplication({ name: `${tag} app ${i}` });
        await client.addApplicationRoles(app.id, [roleIds[i % roleIds.length]!]);
        if (i < sizes.secrets) await client.createApplicationSecret(app.id, { name: "ci" });
    });
}

async function cleanup(client: ManagementClient, tag: string): Promise<void> {
    await pool((await client.listApplications()).filter((a) => a.name.includes(tag)), 8, (a) => client.deleteApplication(a.id));
    await pool((await client.listRoles()).filter((r) => r.name.includes(tag)), 8, (r) => client.deleteRole(r.id));
    await pool((await client.listResources()).filter((r) => r.indicator.includes(tag)), 8, (r) => client.deleteResource(r.id));
}

async function main(): Promise<void> {
    const remote = (process.env.LOGTO_ENDPOINT ?? "") !== "";
    let local: LocalLogto | undefined;
    let connection: ConnectionSettings;
    if (remote) connection = connectionFromEnv(process.env);
    else {
        local = await startLocalLogto({ port: 0 });
        connection = { endpoint: local.endpoint, appId: local.bootstrap.appId, appSecret: local.bootstrap.appSecret };
    }
    const tag = `b${randomBytes(3).toString("hex")}`;
    const seeder = new ManagementClient(connection, { now: () => Date.now(), budget: RequestBudget.unlimited() });
    try {
        await seed(seeder, tag);
        const total = sizes.resources * (1 + sizes.permissionsPerResource) + sizes.roles + sizes.apps + sizes.secrets;
        // The command's client: the endpoint's default budget, a token of its own.
        const client = new ManagementClient(connection, { now: () => Date.now() });
        local?.counters.reset();
        const startedAt = performance.now();
        const exported = await exportTenant(client, { ...(remote ? { match: tag } : {}), onProgress: (line) => process.stderr.write(`  ${line}\n`) });
        const ms = Math.round(performance.now() - startedAt);
        const server = local?.counters.snapshot();
        const { counts } = exported;
        console.log(`export of ${total} objects (${remote ? connection.endpoint : "local Logto"}): ${counts.resources} resources, ${counts.permissions} permissions, ` +
            `${counts.roles} roles, ${counts.apps} apps, ${counts.secrets} secrets; ${exported.warnings.length} warnings`);
        console.log(`  calls: ${client.stats().requests} API + ${client.stats().tokenRequests} token (client)` +
            (server !== undefined ? `; server counted ${server.api} API + ${server.token} token` : ""));
        console.log(`  wall time: ${ms} ms; spec ${exported.yaml.length} bytes of YAML`);

        // access --live: the same reader without the secrets' listings, then the matrix.
        const liveClient = new ManagementClient(connection, { now: () => Date.now() });
        local?.counters.reset();
        const liveStarted = performance.now();
        const tenant = await readTenant(liveClient, { secrets: false, ...(remote ? { selectApp: (a) => a.name.includes(tag), selectRole: (r) => r.name.includes(tag) } : {}) });
        const matrix = accessMatrix(accessFromTenant(tenant, "live"));
        const liveMs = Math.round(performance.now() - liveStarted);
        const liveServer = local?.counters.snapshot();
        console.log(`access --live of the same tenant: ${matrix.apps.length} apps in the matrix`);
        console.log(`  calls: ${liveClient.stats().requests} API + ${liveClient.stats().tokenRequests} token (client)` +
            (liveServer !== undefined ? `; server counted ${liveServer.api} API + ${liveServer.token} token` : ""));
        console.log(`  wall time: ${liveMs} ms`);
    } finally {
        await cleanup(seeder, tag).catch((error: unknown) => console.error(`cleanup: ${(error as Error).message}`));
        await closeHttpAgent();
        await local?.close();
    }
}

main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
});
