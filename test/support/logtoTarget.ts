import type { ConfigMap } from "@pulumi/pulumi/automation";
import { randomBytes } from "node:crypto";
import { closeHttpAgent, connectionFromEnv, ManagementClient, RequestBudget, type ConnectionSettings } from "../../client";
import { startLocalLogto, type LocalLogto, type RequestCounts } from "../../local-logto";
import { startCountingProxy, type CountingProxy } from "./countingProxy";

/**
 * The Logto the provider tests run against: the one given by LOGTO_ENDPOINT / LOGTO_APP_ID / LOGTO_APP_SECRET
 * (and LOGTO_TENANT_ID for Logto Cloud), else a local Logto started in this process on a random port. Every name
 * and indicator a test makes carries `runId`, so that `cleanup` removes exactly what this run left behind.
 */
export interface LogtoTarget {
    /**
     * What the providers and the test's client use. Against another Logto its endpoint is a counting proxy on
     * loopback in front of it, so that `counts` works there too.
     */
    connection: ConnectionSettings;
    /** The Logto itself (its tokens' issuer is `${upstreamEndpoint}/oidc`). */
    upstreamEndpoint: string;
    /** Present when the local Logto runs in this process: its request counters and fault injection. */
    local?: LocalLogto;
    /** A client of the test's own (not the providers'), to look at Logto and change it out of band. */
    client: ManagementClient;
    /** A prefix unique to this run, e.g. `t1a2b3c`. */
    runId: string;
    /** Stack config of the connection: logto:endpoint, logto:appId, logto:appSecret (secret), ... */
    stackConfig(extra?: ConfigMap): ConfigMap;
    /** Requests Logto received since the last `resetCounts` (counted by the local Logto, or by the proxy). */
    counts(): RequestCounts;
    resetCounts(): void;
    /** Deletes every object whose name, indicator or marker carries `runId`, then stops the local Logto. */
    close(): Promise<void>;
}

export function usingRemoteLogto(env: NodeJS.ProcessEnv = process.env): boolean {
    return (env.LOGTO_ENDPOINT ?? "").trim() !== "" && (env.LOGTO_APP_ID ?? "").trim() !== "" && (env.LOGTO_APP_SECRET ?? "").trim() !== "";
}

export async function startLogtoTarget(): Promise<LogtoTarget> {
    let local: LocalLogto | undefined;
    let proxy: CountingProxy | undefined;
    let connection: ConnectionSettings;
    let upstreamEndpoint: string;
    if (usingRemoteLogto()) {
        const remote = connectionFromEnv(process.env);
        upstreamEndpoint = remote.endpoint;
        proxy = await startCountingProxy(remote.endpoint);
        connection = { ...remote, endpoint: proxy.endpoint };
    } else {
        local = await startLocalLogto({ port: 0 });
        connection = { endpoint: local.endpoint, appId: local.bootstrap.appId, appSecret: local.bootstrap.appSecret };
        upstreamEndpoint = local.endpoint;
    }
    const counter = local?.counters ?? { snapshot: () => proxy!.counts(), reset: () => proxy!.reset() };
    // Its own token source (now given) and no shared budget: the test's calls never touch the providers' caches.
    const client = new ManagementClient(connection, { now: () => Date.now(), budget: local !== undefined ? RequestBudget.unlimited() : undefined });
    const runId = `t${randomBytes(3).toString("hex")}`;
    return {
        connection,
        upstreamEndpoint,
        local,
        client,
        runId,
        stackConfig: (extra = {}) => ({
            "logto:endpoint": { value: connection.endpoint },
            "logto:appId": { value: connection.appId },
            "logto:appSecret": { value: connection.appSecret, secret: true },
            ...(connection.tenantId !== undefined ? { "logto:tenantId": { value: connection.tenantId } } : {}),
            ...(connection.managementIndicator !== undefined ? { "logto:managementIndicator": { value: connection.managementIndicator } } : {}),
            ...extra,
        }),
        counts: () => counter.snapshot(),
        resetCounts: () => counter.reset(),
        close: async () => {
            try {
                await removeRunObjects(client, runId);
            } finally {
                await closeHttpAgent();
                await local?.close();
                await proxy?.close();
            }
        },
    };
}

/** Removes what a run left in Logto (a failed test must not leave objects in a shared tenant). */
async function removeRunObjects(client: ManagementClient, runId: string): Promise<void> {
    for (const app of await client.listApplications()) {
        if (app.name.includes(runId) || (app.marker ?? "").includes(runId)) await client.deleteApplication(app.id);
    }
    // Organizations first: their memberships go with them.
    for (const org of await client.listOrganizations()) {
        if (org.name.includes(runId) || (org.marker ?? "").includes(runId)) await client.deleteOrganization(org.id);
    }
    for (const role of await client.listOrganizationRoles()) {
        if (role.name.includes(runId)) await client.deleteOrganizationRole(role.id);
    }
    for (const scope of await client.listOrganizationScopes()) {
        if (scope.name.includes(runId)) await client.deleteOrganizationScope(scope.id);
    }
    for (const role of await client.listRoles()) {
        if (role.name.includes(runId)) await client.deleteRole(role.id);
    }
    for (const resource of await client.listResources()) {
        if (resource.indicator.includes(runId)) await client.deleteResource(resource.id);
    }
}

/** The API calls of `counts` by method: `{ GET: 3, POST: 1 }`. */
export function callsByMethod(counts: RequestCounts): Record<string, number> {
    const byMethod: Record<string, number> = {};
    for (const [route, n] of Object.entries(counts.byRoute)) {
        const method = route.split(" ")[0] as string;
        byMethod[method] = (byMethod[method] ?? 0) + n;
    }
    return byMethod;
}
