import { randomBytes } from "node:crypto";
import { startLocalLogto, type LocalLogto, type LocalLogtoOptions } from "../../local-logto";
import { managementApi, type ManagementApi } from "./support";

/**
 * The Logto a contract test runs against: the one named by LOGTO_ENDPOINT / LOGTO_APP_ID / LOGTO_APP_SECRET
 * (a real Logto, like the provider suites), else a local Logto started for the test file. A real Logto is a
 * shared tenant: every name and indicator a test makes goes through `name` / `indicator` (they carry `runId`),
 * a test never assumes the tenant is empty, and `afterAll` removes what the run made.
 */
export interface ContractTarget {
    /** "local": the local Logto of this process; "real": the Logto of the environment. */
    kind: "local" | "real";
    endpoint: string;
    /** The issuer of its tokens. */
    issuer: string;
    bootstrap: { appId: string; appSecret: string };
    managementIndicator: string;
    /** The bootstrap app's Management API (`scope=all`). */
    api: ManagementApi;
    /** The local Logto (faults, counters, TTL override); undefined on a real target. */
    local?: LocalLogto;
    /** A prefix unique to this run, e.g. `c1a2b3c`. */
    runId: string;
    /** `<runId>-<base>`: a role, app or resource name of this run. */
    name(base: string): string;
    /** `https://<base>.<runId>.test`: a resource indicator of this run. */
    indicator(base: string): string;
}

export const realTargetEnv = (env: NodeJS.ProcessEnv = process.env): { endpoint: string; appId: string; appSecret: string } | undefined => {
    const endpoint = (env.LOGTO_ENDPOINT ?? "").trim().replace(/\/+$/, "");
    const appId = (env.LOGTO_APP_ID ?? "").trim();
    const appSecret = (env.LOGTO_APP_SECRET ?? "").trim();
    return endpoint && appId && appSecret ? { endpoint, appId, appSecret } : undefined;
};

/** True when the contract suite runs against a real Logto. */
export const onRealTarget = (): boolean => realTargetEnv() !== undefined;

const managementIndicator = (env: NodeJS.ProcessEnv = process.env) =>
    (env.LOGTO_MANAGEMENT_INDICATOR ?? "").trim() || "https://default.logto.app/api";

/**
 * The target for one test file (or describe block). `localOptions` apply to the local Logto only; a group that
 * needs them to mean anything belongs under `describeLocalOnly`.
 */
export function useContractTarget(localOptions: LocalLogtoOptions = {}): () => ContractTarget {
    let target: ContractTarget | undefined;
    beforeAll(async () => {
        const runId = `c${randomBytes(3).toString("hex")}`;
        const real = realTargetEnv();
        let local: LocalLogto | undefined;
        let connection: { endpoint: string; bootstrap: { appId: string; appSecret: string }; managementIndicator: string };
        if (real) {
            connection = { endpoint: real.endpoint, bootstrap: { appId: real.appId, appSecret: real.appSecret }, managementIndicator: managementIndicator() };
        } else {
            local = await startLocalLogto({ port: 0, ...localOptions });
            connection = local;
        }
        const api = await managementApi(connection);
        target = {
            kind: real ? "real" : "local",
            endpoint: connection.endpoint,
            issuer: `${connection.endpoint}/oidc`,
            bootstrap: connection.bootstrap,
            managementIndicator: connection.managementIndicator,
            api,
            local,
            runId,
            name: (base) => `${runId}-${base}`,
            indicator: (base) => `https://${base}.${runId}.test`,
        };
    });
    afterAll(async () => {
        if (!target) return;
        try {
            if (target.kind === "real") await removeRunObjects(target.api, target.runId);
        } finally {
            await target.local?.close();
        }
    });
    return () => {
        if (!target) throw new Error("the contract target is read before its beforeAll ran");
        return target;
    };
}

/** Every page of an always-paginated list, by `page`/`page_size` (for cleanup: order does not matter). */
async function allPages(api: ManagementApi, path: string): Promise<Array<{ id: string; name: string; indicator?: string }>> {
    const items: Array<{ id: string; name: string; indicator?: string }> = [];
    const join = path.includes("?") ? "&" : "?";
    for (let page = 1; ; page++) {
        const result = await api.get(`${path}${join}page=${page}&page_size=100`);
        if (result.status !== 200 || !Array.isArray(result.body) || result.body.length === 0) return items;
        items.push(...result.body);
        if (result.body.length < 100) return items;
    }
}

/**
 * Removes what a run left in a shared tenant: apps, roles, organizations, organization roles and scopes whose
 * name carries the run id, resources whose indicator or name does. Listed again after the deletes, since a list without ORDER BY may skip rows.
 */
async function removeRunObjects(api: ManagementApi, runId: string): Promise<void> {
    const like = encodeURIComponent(`%${runId}%`);
    for (let pass = 0; pass < 3; pass++) {
        const apps = (await allPages(api, `/api/applications?search=${like}`)).filter((a) => a.name.includes(runId));
        const roles = (await allPages(api, `/api/roles?search=${like}`)).filter((r) => r.name.includes(runId));
        const resources = ((await api.get("/api/resources")).body as Array<{ id: string; name: string; indicator: string }>).filter(
            (r) => r.indicator.includes(runId) || r.name.includes(runId),
        );
        // Organization lists search with `q` (a substring match); organization scopes list all without paging.
        const q = encodeURIComponent(runId);
        const organizations = (await allPages(api, `/api/organizations?q=${q}`)).filter((o) => o.name.includes(runId));
        const organizationRoles = (await allPages(api, `/api/organization-roles?q=${q}`)).filter((r) => r.name.includes(runId));
        const organizationScopes = ((await api.get(`/api/organization-scopes?q=${q}`)).body as Array<{ id: string; name: string }>).filter((s) => s.name.includes(runId));
        if (apps.length + roles.length + resources.length + organizations.length + organizationRoles.length + organizationScopes.length === 0) return;
        for (const organization of organizations) await api.delete(`/api/organizations/${organization.id}`);
        for (const role of organizationRoles) await api.delete(`/api/organization-roles/${role.id}`);
        for (const scope of organizationScopes) await api.delete(`/api/organization-scopes/${scope.id}`);
        for (const app of apps) await api.delete(`/api/applications/${app.id}`);
        for (const role of roles) await api.delete(`/api/roles/${role.id}`);
        for (const resource of resources) await api.delete(`/api/resources/${resource.id}`);
    }
}

/**
 * A group that only the local Logto can run (faults, counters, TTL override, control API, persistence, its CLI,
 * its seed). On a real target it is skipped, and the reason is in its name and printed once.
 */
export function describeLocalOnly(reason: string, name: string, fn: () => void): void {
    if (onRealTarget()) {
        process.stdout.write(`local Logto only, skipped on ${realTargetEnv()!.endpoint}: ${name} (${reason})\n`);
        describe.skip(`[local Logto only: ${reason}] ${name}`, fn);
    } else {
        describe(`[local Logto only] ${name}`, fn);
    }
}

/** One test only the local Logto can run; see describeLocalOnly. */
export function itLocalOnly(reason: string, name: string, fn: () => Promise<void>): void {
    if (onRealTarget()) {
        process.stdout.write(`local Logto only, skipped on ${realTargetEnv()!.endpoint}: ${name} (${reason})\n`);
        it.skip(`[local Logto only: ${reason}] ${name}`, fn);
    } else {
        it(`[local Logto only] ${name}`, fn);
    }
}
