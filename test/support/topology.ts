import * as pulumi from "@pulumi/pulumi";
import type { ConfigMap } from "@pulumi/pulumi/automation";
import { EngineProbe } from "../fixtures/engineProbe";
import { ApiResource } from "../../providers/apiResource";
import { ApiScope } from "../../providers/apiScope";
import { M2MRole } from "../../providers/m2mRole";
import { M2MApplication } from "../../providers/m2mApplication";
import { ApplicationSecret } from "../../providers/applicationSecret";
import { Organization } from "../../providers/organization";
import { OrganizationApplication } from "../../providers/organizationApplication";
import { OrganizationRole } from "../../providers/organizationRole";
import { OrganizationScope } from "../../providers/organizationScope";
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
    /** Organization permissions, organization roles (organization permissions and `indicator|name` ones), organizations and their member apps. */
    organizations?: OrganizationTopology;
}

export interface OrganizationTopology {
    permissions: string[];
    roles: { name: string; permissions: string[]; resourcePermissions: string[] }[];
    /** Organizations by name; `members`: app name -> organization role names. */
    orgs: { name: string; members: Record<string, string[]> }[];
}

/** Objects in Logto that the topology counts: resources + permissions + roles + apps. */
export function objectCount(t: Topology): number {
    const o = t.organizations;
    return t.resources.reduce((sum, r) => sum + 1 + r.permissions.length, 0) + t.roles.length
        + t.apps.reduce((sum, a) => sum + 1 + (a.secrets?.length ?? 0), 0)
        + (o === undefined ? 0 : o.permissions.length + o.roles.length + o.orgs.reduce((sum, org) => sum + 1 + Object.keys(org.members).length, 0));
}

/**
 * `t` with organizations: two organization permissions, one organization role per block (both permissions and
 * its resource's first permission), and two organizations, each with every app as member holding one or two roles.
 */
export function withOrganizations(t: Topology, tag = "t"): Topology {
    const permissions = [`org:read-${tag}`, `org:write-${tag}`];
    const roles = t.resources.map((r, b) => ({ name: `${tag}-org-role-${b}`, permissions: b === 0 ? permissions : [permissions[0]!], resourcePermissions: [`${r.indicator}|${r.permissions[0]}`] }));
    const orgs = [0, 1].map((o) => ({
        name: `${tag} Org ${o}`,
        members: Object.fromEntries(t.apps.map((a, i) => [a.name, o === 0 ? [roles[i % roles.length]!.name] : roles.map((r) => r.name)])),
    }));
    return { ...t, organizations: { permissions, roles, orgs } };
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
    const o = next.organizations;
    if (o !== undefined) {
        // The removed app leaves its organizations; the first member trades its roles; the added block's role and
        // app join the first organization; a third organization appears with one member.
        const apps = new Set(next.apps.map((a) => a.name));
        for (const org of o.orgs) org.members = Object.fromEntries(Object.entries(org.members).filter(([app]) => apps.has(app)));
        const [first] = Object.keys(o.orgs[0]!.members);
        if (first !== undefined) o.orgs[0]!.members[first] = o.roles.slice(-1).map((r) => r.name);
        const role = { name: `${tag}-added-org-role`, permissions: [o.permissions[1]!], resourcePermissions: [`${added.resources[0]!.indicator}|${added.resources[0]!.permissions[0]}`] };
        o.roles.push(role);
        o.orgs[0]!.members[added.apps[0]!.name] = [role.name];
        o.orgs.push({ name: `${tag} Org added`, members: { [added.apps[0]!.name]: [role.name, o.roles[0]!.name] } });
    }
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
        const appIds = new Map<string, pulumi.Output<string>>();
        for (const app of t.apps) {
            const created = new M2MApplication(`app:${app.name}`, { name: app.name, roleIds: app.roles.map((n) => roleIds.get(n)!) }, opts);
            const extra = (app.secrets ?? []).map((name) => new ApplicationSecret(`secret:${app.name}|${name}`, { applicationId: created.id, name }, opts));
            apps[app.name] = { appId: created.appId, appSecret: created.appSecret, extraSecrets: extra.map((s) => s.value) };
            appIds.set(app.name, created.id);
        }
        const o = t.organizations;
        if (o !== undefined) {
            const orgScopeIds = new Map(o.permissions.map((p) => [p, new OrganizationScope(`org-perm:${p}`, { name: p }, opts).id] as const));
            const orgRoleIds = new Map(o.roles.map((r) => [r.name, new OrganizationRole(`org-role:${r.name}`, {
                name: r.name,
                organizationScopeIds: r.permissions.map((p) => orgScopeIds.get(p)!),
                resourceScopeIds: r.resourcePermissions.map((key) => scopeIds.get(key)!),
            }, opts).id] as const));
            for (const org of o.orgs) {
                const organization = new Organization(`org:${org.name}`, { name: org.name }, opts);
                for (const [app, roles] of Object.entries(org.members)) {
                    new OrganizationApplication(`member:${org.name}|${app}`, {
                        organizationId: organization.id,
                        applicationId: appIds.get(app)!,
                        organizationRoleIds: roles.map((r) => orgRoleIds.get(r)!),
                    }, { ...opts, deletedWith: organization });
                }
            }
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
    /** Organization permission name -> ids. */
    organizationPermissions: Map<string, string[]>;
    /** Organization role name -> ids, with its organization permissions and its `indicator|name` permissions. */
    organizationRoles: Map<string, { id: string; permissions: string[]; resourcePermissions: string[] }[]>;
    /** Organization name -> ids, with each member app's name and the names of its organization roles. */
    organizations: Map<string, { id: string; members: Record<string, string[]> }[]>;
    /** Every id above, for the orphan check against state. */
    ids: Set<string>;
}

function push<V>(map: Map<string, V[]>, key: string, value: V): void {
    map.set(key, [...(map.get(key) ?? []), value]);
}

/** Reads everything through the Management API with the bootstrap app (its own client: no budget, no faults expected). */
export async function inventory(logto: Pick<LocalLogto, "endpoint" | "bootstrap" | "managementIndicator">): Promise<Inventory> {
    const client = new ManagementClient({ endpoint: logto.endpoint, appId: logto.bootstrap.appId, appSecret: logto.bootstrap.appSecret }, { budget: "off" });
    const inv: Inventory = { resources: new Map(), permissions: new Map(), roles: new Map(), apps: new Map(), organizationPermissions: new Map(), organizationRoles: new Map(), organizations: new Map(), ids: new Set() };
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
    for (const scope of await client.listOrganizationScopes()) {
        push(inv.organizationPermissions, scope.name, scope.id);
        inv.ids.add(scope.id);
    }
    for (const role of await client.listOrganizationRoles()) {
        const permissions = (await client.listOrganizationRoleScopes(role.id)).map((s) => s.name).sort();
        const resourcePermissions = (await client.listOrganizationRoleResourceScopes(role.id)).map((s) => indicatorOfScope.get(s.id) ?? `?|${s.id}`).sort();
        push(inv.organizationRoles, role.name, { id: role.id, permissions, resourcePermissions });
        inv.ids.add(role.id);
    }
    const appNames = new Map([...inv.apps].flatMap(([name, list]) => list.map((a) => [a.id, name] as const)));
    for (const org of await client.listOrganizations()) {
        const members: Record<string, string[]> = {};
        for (const appId of await client.listOrganizationApplicationIds(org.id)) {
            members[appNames.get(appId) ?? `?${appId}`] = ((await client.listOrganizationApplicationRoles(org.id, appId)) ?? []).map((r) => r.name).sort();
        }
        push(inv.organizations, org.name, { id: org.id, members });
        inv.ids.add(org.id);
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
    const o = t.organizations ?? { permissions: [], roles: [], orgs: [] };
    for (const p of o.permissions) expectOne("organization permission", inv.organizationPermissions, p);
    for (const role of o.roles) {
        const found = expectOne("organization role", inv.organizationRoles, role.name);
        const want = { permissions: [...role.permissions].sort(), resourcePermissions: [...role.resourcePermissions].sort() };
        if (found && JSON.stringify({ permissions: found.permissions, resourcePermissions: found.resourcePermissions }) !== JSON.stringify(want))
            problems.push(`organization role ${role.name} holds ${JSON.stringify({ permissions: found.permissions, resourcePermissions: found.resourcePermissions })} instead of ${JSON.stringify(want)}`);
    }
    for (const org of o.orgs) {
        const found = expectOne("organization", inv.organizations, org.name);
        const want = Object.fromEntries(Object.entries(org.members).map(([app, roles]) => [app, [...roles].sort()]).sort(([a], [b]) => String(a).localeCompare(String(b))));
        const have = found && Object.fromEntries(Object.entries(found.members).sort(([a], [b]) => a.localeCompare(b)));
        if (found && JSON.stringify(have) !== JSON.stringify(want)) problems.push(`organization ${org.name} has members ${JSON.stringify(have)} instead of ${JSON.stringify(want)}`);
    }
    for (const [kind, map, names] of [["resource", inv.resources, declared.resources], ["permission", inv.permissions, declared.permissions],
        ["role", inv.roles, declared.roles], ["app", inv.apps, declared.apps],
        ["organization permission", inv.organizationPermissions, new Set(o.permissions)], ["organization role", inv.organizationRoles, new Set(o.roles.map((r) => r.name))],
        ["organization", inv.organizations, new Set(o.orgs.map((org) => org.name))]] as const) {
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
