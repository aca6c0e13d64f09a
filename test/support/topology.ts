import * as pulumi from "@pulumi/pulumi";
import type { ConfigMap } from "@pulumi/pulumi/automation";
import { EngineProbe } from "../fixtures/engineProbe";
import { ApiResource } from "../../providers/apiResource";
import { ApiScope } from "../../providers/apiScope";
import { M2MRole } from "../../providers/m2mRole";
import { M2MApplication } from "../../providers/m2mApplication";
import { ApplicationSecret } from "../../providers/applicationSecret";
import { ManagementClient } from "../../client";
import type { LocalLogto } from "../../local-logto";

/**
 * Programs of a known shape for the chaos, crash and benchmark runs, and the inventory of what a Logto tenant
 * holds, so a test can say "Logto equals the spec exactly" by natural key and by id.
 */

/** Stack config that points the providers at a Logto, as a user sets it (`logto:appSecret` as a secret). */
export function logtoStackConfig(logto: Pick<LocalLogto, "endpoint" | "bootstrap">, extra: ConfigMap = {}): ConfigMap {
    return {
        "logto:endpoint": { value: logto.endpoint },
        "logto:appId": { value: logto.bootstrap.appId },
        "logto:appSecret": { value: logto.bootstrap.appSecret, secret: true },
        ...extra,
    };
}

/** `n` trivial dynamic resources that make no network call: the engine floor. */
export function probeProgram(n: number): () => Promise<void> {
    return async () => {
        for (let i = 0; i < n; i++) new EngineProbe(`probe-${i}`, { value: `value-${i}` });
    };
}

/**
 * The declared topology, by natural key. Resources hold permissions; roles hold permissions by
 * `indicator|name`; apps hold roles by name and are known by their Pulumi name (the marker).
 */
export interface Topology {
    resources: { name: string; indicator: string; permissions: string[] }[];
    roles: { name: string; permissions: string[] }[];
    /** `secrets`: extra named secrets beside the "Default secret" (their Logto names get a generation suffix). */
    apps: { name: string; roles: string[]; secrets?: string[] }[];
}

/** Objects in Logto that the topology counts: resources + permissions + roles + apps. */
export function objectCount(t: Topology): number {
    return t.resources.reduce((sum, r) => sum + 1 + r.permissions.length, 0) + t.roles.length
        + t.apps.reduce((sum, a) => sum + 1 + (a.secrets?.length ?? 0), 0);
}

/**
 * A topology of about `n` objects: blocks of one resource with its permissions, one role holding its first three
 * permissions, one app holding the role with one extra secret. `tag` keeps names of runs on one Logto apart.
 */
export function generatedTopology(n: number, tag = "t"): Topology {
    const blocks = Math.max(1, Math.round(n / 14));
    const perResource = Math.max(1, Math.round(n / blocks) - 4);
    const t: Topology = { resources: [], roles: [], apps: [] };
    for (let b = 0; b < blocks; b++) {
        const indicator = `https://${tag}-api-${b}.example`;
        const permissions = Array.from({ length: perResource }, (_, i) => `do:thing-${i}`);
        t.resources.push({ name: `${tag} API ${b}`, indicator, permissions });
        t.roles.push({ name: `${tag}-role-${b}`, permissions: permissions.slice(0, 3).map((p) => `${indicator}|${p}`) });
        t.apps.push({ name: `${tag}-app-${b}`, roles: [`${tag}-role-${b}`], secrets: ["ci"] });
    }
    return t;
}

/**
 * The next version of a generated topology, for crashes in the middle of an update: the last app is removed,
 * the first role trades a permission for another, the first resource gains a permission that the first role
 * takes, the first app gets a second secret, and a new block (resource, permissions, role, app) is added.
 */
export function changedTopology(t: Topology, tag = "t"): Topology {
    // Not structuredClone: under jest it returns arrays of Node's own realm, which @pulumi/pulumi (loaded in
    // jest's realm) does not see as arrays (`instanceof Array`) and sends as maps {0: .., 1: ..}.
    const next: Topology = JSON.parse(JSON.stringify(t)) as Topology;
    next.apps.pop();
    const r0 = next.resources[0];
    r0.permissions.push("do:new-thing");
    const role0 = next.roles[0];
    role0.permissions = [...role0.permissions.slice(1), `${r0.indicator}|do:new-thing`];
    next.apps[0].secrets = [...(next.apps[0].secrets ?? []), "deploy"];
    const added = generatedTopology(14, `${tag}-added`);
    next.resources.push(...added.resources);
    next.roles.push(...added.roles);
    next.apps.push(...added.apps);
    return next;
}

/** Resources + permissions only (`n` objects in all), for the wall-time benchmark against the engine floor. */
export function permissionsTopology(n: number, tag = "bench"): Topology {
    const resources = Math.max(1, Math.round(n / 50));
    const t: Topology = { resources: [], roles: [], apps: [] };
    let left = n - resources;
    for (let r = 0; r < resources; r++) {
        const count = Math.ceil(left / (resources - r));
        left -= count;
        t.resources.push({ name: `${tag} API ${r}`, indicator: `https://${tag}-api-${r}.example`, permissions: Array.from({ length: count }, (_, i) => `do:thing-${i}`) });
    }
    return t;
}

export interface TopologyOutputs {
    apps: Record<string, { appId: pulumi.Output<string>; appSecret: pulumi.Output<string> }>;
}

/** The Pulumi program of a topology, with the providers' resources directly (no spec component). */
export function topologyProgram(t: Topology, options: { resourceOptions?: pulumi.CustomResourceOptions } = {}): () => Promise<Record<string, unknown>> {
    return async () => {
        const opts = options.resourceOptions ?? {};
        const scopeIds = new Map<string, pulumi.Output<string>>();
        for (const r of t.resources) {
            const resource = new ApiResource(`res:${r.indicator}`, { name: r.name, indicator: r.indicator }, opts);
            for (const p of r.permissions) {
                scopeIds.set(`${r.indicator}|${p}`, new ApiScope(`perm:${r.indicator}|${p}`, { resourceId: resource.id, name: p }, opts).id);
            }
        }
        const roleIds = new Map<string, pulumi.Output<string>>();
        for (const role of t.roles) {
            const ids = role.permissions.map((key) => {
                const id = scopeIds.get(key);
                if (id === undefined) throw new Error(`role ${role.name}: unknown permission ${key}`);
                return id;
            });
            roleIds.set(role.name, new M2MRole(`role:${role.name}`, { name: role.name, description: `${role.name} (generated)`, scopeIds: ids }, opts).id);
        }
        const apps: Record<string, unknown> = {};
        for (const app of t.apps) {
            const created = new M2MApplication(`app:${app.name}`, { name: app.name, roleIds: app.roles.map((n) => roleIds.get(n)!) }, opts);
            const extra = (app.secrets ?? []).map((name) => new ApplicationSecret(`secret:${app.name}|${name}`, { applicationId: created.id, name }, opts));
            apps[app.name] = { appId: created.appId, appSecret: created.appSecret, extraSecrets: extra.map((s) => s.value) };
        }
        return { apps };
    };
}

/** What a Logto tenant holds, outside the seeded Management API resource, its role and the bootstrap app. */
export interface Inventory {
    /** indicator -> ids of resources with that indicator (more than one would be a duplicate). */
    resources: Map<string, string[]>;
    /** `indicator|permission` -> ids. */
    permissions: Map<string, string[]>;
    /** role name -> ids, with each role's permissions as `indicator|name`. */
    roles: Map<string, { id: string; permissions: string[] }[]>;
    /** app name -> ids, with each app's role names and the names of its secrets (the Default secret left out). */
    apps: Map<string, { id: string; roles: string[]; secrets: string[] }[]>;
    /** Every id above, for the orphan check against state. */
    ids: Set<string>;
}

function push<V>(map: Map<string, V[]>, key: string, value: V): void {
    map.set(key, [...(map.get(key) ?? []), value]);
}

/** Reads everything through the Management API with the bootstrap app (its own client: no budget, no faults expected). */
export async function inventory(logto: Pick<LocalLogto, "endpoint" | "bootstrap" | "managementIndicator">): Promise<Inventory> {
    const client = new ManagementClient({ endpoint: logto.endpoint, appId: logto.bootstrap.appId, appSecret: logto.bootstrap.appSecret }, { budget: "off" });
    const inv: Inventory = { resources: new Map(), permissions: new Map(), roles: new Map(), apps: new Map(), ids: new Set() };
    const indicatorOfScope = new Map<string, string>();
    for (const r of await client.listResources({ includeScopes: true })) {
        if (r.indicator === logto.managementIndicator) continue;
        push(inv.resources, r.indicator, r.id);
        inv.ids.add(r.id);
        for (const s of (r as { scopes?: { id: string; name: string }[] }).scopes ?? await client.listScopes(r.id)) {
            push(inv.permissions, `${r.indicator}|${s.name}`, s.id);
            indicatorOfScope.set(s.id, `${r.indicator}|${s.name}`);
            inv.ids.add(s.id);
        }
    }
    const roleNames = new Map<string, string>();
    for (const role of await client.listRoles({ type: "MachineToMachine" })) {
        roleNames.set(role.id, role.name);
        if (role.name === "Logto Management API access") continue;
        const permissions = (await client.listRoleScopes(role.id)).map((s) => indicatorOfScope.get(s.id) ?? `?|${s.id}`).sort();
        push(inv.roles, role.name, { id: role.id, permissions });
        inv.ids.add(role.id);
    }
    for (const app of await client.listApplications()) {
        if (app.id === logto.bootstrap.appId || app.type !== "MachineToMachine") continue;
        const roles = (await client.listApplicationRoles(app.id)).map((r) => r.name).sort();
        const secrets = (await client.listApplicationSecrets(app.id)).map((s) => s.name).filter((n) => n !== "Default secret").sort();
        push(inv.apps, app.name, { id: app.id, roles, secrets });
        inv.ids.add(app.id);
    }
    return inv;
}

/**
 * Every way Logto differs from the topology: missing objects, duplicates by natural key, objects no spec
 * declares, and wrong memberships. Empty means "Logto equals the spec exactly".
 */
export function differences(t: Topology, inv: Inventory): string[] {
    const problems: string[] = [];
    const expectOne = <V>(kind: string, map: Map<string, V[]>, key: string): V | undefined => {
        const found = map.get(key) ?? [];
        if (found.length === 0) problems.push(`missing ${kind} ${key}`);
        if (found.length > 1) problems.push(`duplicate ${kind} ${key} (${found.length})`);
        return found[0];
    };
    const declared = { resources: new Set<string>(), permissions: new Set<string>(), roles: new Set<string>(), apps: new Set<string>() };
    for (const r of t.resources) {
        declared.resources.add(r.indicator);
        expectOne("resource", inv.resources, r.indicator);
        for (const p of r.permissions) {
            declared.permissions.add(`${r.indicator}|${p}`);
            expectOne("permission", inv.permissions, `${r.indicator}|${p}`);
        }
    }
    for (const role of t.roles) {
        declared.roles.add(role.name);
        const found = expectOne("role", inv.roles, role.name);
        if (found && found.permissions.join(",") !== [...role.permissions].sort().join(","))
            problems.push(`role ${role.name} holds [${found.permissions}] instead of [${[...role.permissions].sort()}]`);
    }
    for (const app of t.apps) {
        declared.apps.add(app.name);
        const found = expectOne("app", inv.apps, app.name);
        if (found && found.roles.join(",") !== [...app.roles].sort().join(","))
            problems.push(`app ${app.name} holds roles [${found.roles}] instead of [${[...app.roles].sort()}]`);
        // An extra secret is named `<name>.<generation>` in Logto: exactly one per declared name, none else. A
        // leftover secret is a live credential no state knows: the worst kind of orphan.
        if (found) {
            const declaredSecrets = app.secrets ?? [];
            for (const name of declaredSecrets) {
                const copies = found.secrets.filter((s) => s === name || s.startsWith(`${name}.`)).length;
                if (copies !== 1) problems.push(`app ${app.name} has ${copies} secrets named ${name}[.generation]`);
            }
            for (const s of found.secrets) {
                if (!declaredSecrets.some((name) => s === name || s.startsWith(`${name}.`))) problems.push(`app ${app.name} has an undeclared secret ${s}`);
            }
        }
    }
    for (const [kind, map, names] of [["resource", inv.resources, declared.resources], ["permission", inv.permissions, declared.permissions],
        ["role", inv.roles, declared.roles], ["app", inv.apps, declared.apps]] as const) {
        for (const key of (map as Map<string, unknown[]>).keys()) if (!names.has(key)) problems.push(`undeclared ${kind} ${key}`);
    }
    return problems;
}

/** Ids of Logto objects recorded in an exported deployment (`stack.exportStack()` or `pulumi stack export`). */
export function idsInState(deployment: { deployment?: { resources?: { id?: string; type: string; outputs?: Record<string, unknown> }[] } }): Set<string> {
    const ids = new Set<string>();
    for (const r of deployment.deployment?.resources ?? []) {
        if (!r.type.startsWith("pulumi-nodejs:dynamic/logto:") || !r.id) continue;
        ids.add(r.id);
        const appId = r.outputs?.appId;
        if (typeof appId === "string") ids.add(appId);
    }
    return ids;
}

/** Objects in Logto whose id no state knows: orphans. */
export function orphans(inv: Inventory, stateIds: Set<string>): string[] {
    return [...inv.ids].filter((id) => !stateIds.has(id));
}
