import { accessMatrix, type AccessMatrix, type AccessModel, type AccessOrganizations, type Holding, type OrganizationAccess, type OrganizationHolding } from "./model";

/** What changes in access from `base` to `head`, in the words a security reviewer reads. */
export interface AccessDiff {
    base: string;
    head: string;
    managementIndicator: string;
    /** Apps only in head, with everything they hold. */
    appsAdded: AppChange[];
    /** Apps only in base, with everything they held. */
    appsRemoved: AppChange[];
    /** Apps in both whose permissions or roles change. Permissions that only move from one of its roles to another are no change. */
    appsChanged: AppChange[];
    rolesAdded: string[];
    rolesRemoved: string[];
    /** Roles in both whose grants change (whichever apps hold them). */
    rolesChanged: Array<{ role: string; gained: Permission[]; lost: Permission[] }>;
    /** Permissions some app held in base and no app holds in head. */
    noLongerHeld: Permission[];
    /** Organizations (by key) and organization roles added and removed. */
    organizationsAdded: string[];
    organizationsRemoved: string[];
    organizationRolesAdded: string[];
    organizationRolesRemoved: string[];
    /** Apps, roles and organizations of base that head does not name and leaves as they are (a tenant's other objects). */
    untouched: { apps: string[]; roles: string[]; organizations: string[] };
    resourceNames: Record<string, string>;
}

export interface Permission {
    resource: string;
    permission: string;
}

export interface AppChange {
    app: string;
    gained: Holding[];
    lost: Holding[];
    rolesAdded: string[];
    rolesRemoved: string[];
    /** Roles whose permissions the model cannot know (see `AccessRole.grants`). */
    unknownRoles: string[];
    /** What changes in each organization: memberships added (joined) and removed (left), grants gained and lost there. Absent when nothing does. */
    organizations?: OrganizationChange[];
}

export interface OrganizationChange {
    organization: string;
    /** The membership is new / goes (with all it held there). */
    joined?: true;
    left?: true;
    gained: OrganizationHolding[];
    lost: OrganizationHolding[];
    rolesAdded: string[];
    rolesRemoved: string[];
}

export interface DiffOptions {
    /**
     * Base is a tenant and head a spec: apps and roles of the tenant that the spec does not name stay as they are
     * (an `up` of the spec leaves them), so they are no removal.
     */
    headNamesWhatChanges?: boolean;
}

const key = (p: Permission): string => `${p.resource}\n${p.permission}`;

function minus<T extends Permission>(a: T[], b: Permission[]): T[] {
    const other = new Set(b.map(key));
    return a.filter((p) => !other.has(key(p)));
}

export function hasChanges(diff: AccessDiff): boolean {
    return diff.appsAdded.length + diff.appsRemoved.length + diff.appsChanged.length + diff.rolesAdded.length +
        diff.rolesRemoved.length + diff.rolesChanged.length + diff.noLongerHeld.length + diff.organizationsAdded.length +
        diff.organizationsRemoved.length + diff.organizationRolesAdded.length + diff.organizationRolesRemoved.length > 0;
}

const orgKey = (h: OrganizationHolding): string => `${h.resource ?? ""}\n${h.permission}`;

function orgMinus(a: OrganizationHolding[], b: OrganizationHolding[]): OrganizationHolding[] {
    const other = new Set(b.map(orgKey));
    return a.filter((h) => !other.has(orgKey(h)));
}

/** Per organization, what an app gains and loses there; a permission that only moves between its roles is no change. */
function organizationChanges(before: OrganizationAccess[], after: OrganizationAccess[]): OrganizationChange[] {
    const then = new Map(before.map((o) => [o.organization, o]));
    const now = new Map(after.map((o) => [o.organization, o]));
    const changes: OrganizationChange[] = [];
    for (const a of after) {
        const b = then.get(a.organization);
        if (b === undefined) {
            changes.push({ organization: a.organization, joined: true, gained: a.holdings, lost: [], rolesAdded: [...a.roles], rolesRemoved: [] });
            continue;
        }
        const change = { organization: a.organization, gained: orgMinus(a.holdings, b.holdings), lost: orgMinus(b.holdings, a.holdings), rolesAdded: a.roles.filter((r) => !b.roles.includes(r)), rolesRemoved: b.roles.filter((r) => !a.roles.includes(r)) };
        if (change.gained.length + change.lost.length + change.rolesAdded.length + change.rolesRemoved.length > 0) changes.push(change);
    }
    for (const b of before) if (!now.has(b.organization)) changes.push({ organization: b.organization, left: true, gained: [], lost: b.holdings, rolesAdded: [], rolesRemoved: [...b.roles] });
    return changes.sort((x, y) => (x.organization < y.organization ? -1 : x.organization > y.organization ? 1 : 0));
}

function withOrganizationChanges(changes: OrganizationChange[]): { organizations?: OrganizationChange[] } {
    return changes.length === 0 ? {} : { organizations: changes };
}

/**
 * The tenant's organizations under the spec's keys: the one a spec organization names by id, else the only one of
 * its name. Memberships follow the renaming.
 */
function matchTenantOrganizations(tenant: AccessModel, spec: AccessModel): AccessModel {
    if (tenant.organizations === undefined) return tenant;
    const byId = new Map((spec.organizations?.list ?? []).flatMap((o) => (o.id === undefined ? [] : [[o.id, o.key] as const])));
    const renamed = new Map<string, string>();
    for (const o of tenant.organizations.list) {
        const key = o.id === undefined ? undefined : byId.get(o.id);
        if (key !== undefined) renamed.set(o.key, key);
    }
    if (renamed.size === 0) return tenant;
    const rename = (key: string): string => renamed.get(key) ?? key;
    return {
        ...tenant,
        organizations: { ...tenant.organizations, list: tenant.organizations.list.map((o) => ({ ...o, key: rename(o.key) })) },
        apps: tenant.apps.map((a) => (a.memberships === undefined ? a : { ...a, memberships: a.memberships.map((m) => ({ ...m, organization: rename(m.organization) })) })),
    };
}

/**
 * The spec's organizations with what the tenant holds beyond them and an `up` leaves alone: the tenant's other
 * organizations and organization roles, and the spec apps' memberships in organizations the spec does not name.
 */
function withTenantOrganizations(head: AccessModel, base: AccessModel, untouched: string[]): AccessModel {
    const live = base.organizations;
    if (live === undefined) return head;
    const spec: AccessOrganizations = head.organizations ?? { permissions: [], roles: [], list: [] };
    const named = new Set(spec.list.map((o) => o.key));
    const kept = live.list.filter((o) => !named.has(o.key));
    untouched.push(...kept.map((o) => o.key).sort());
    const keptKeys = new Set(kept.map((o) => o.key));
    const roles = new Set(spec.roles.map((r) => r.name));
    const baseApps = new Map(base.apps.map((a) => [a.name, a]));
    return {
        ...head,
        organizations: {
            permissions: [...new Set([...spec.permissions, ...live.permissions])],
            roles: [...spec.roles, ...live.roles.filter((r) => !roles.has(r.name))],
            list: [...spec.list, ...kept],
        },
        apps: head.apps.map((a) => {
            const elsewhere = (baseApps.get(a.name)?.memberships ?? []).filter((m) => keptKeys.has(m.organization));
            return elsewhere.length === 0 ? a : { ...a, memberships: [...(a.memberships ?? []), ...elsewhere] };
        }),
    };
}

function roleGrants(model: AccessModel, name: string): Permission[] | undefined {
    const role = model.roles.find((r) => r.name === name);
    return role?.grants?.flatMap((g) => g.permissions.map((permission) => ({ resource: g.resource, permission })));
}

/**
 * The tenant's apps under the names of the spec's apps that are them: the one a spec app takes over (its
 * adoptId), else the only tenant app of its name. A tenant app whose name repeats and that no spec app adopts is
 * another app (Logto's names are not unique): it keeps a name of its own, with its App ID, and stays untouched.
 */
function matchTenantApps(tenant: AccessModel, spec: AccessModel): AccessModel {
    const adopted = new Map(spec.apps.flatMap((a) => (a.id === undefined ? [] : [[a.id, a.name] as const])));
    const adoptedNames = new Set(adopted.values());
    const count = new Map<string, number>();
    for (const a of tenant.apps) count.set(a.name, (count.get(a.name) ?? 0) + 1);
    return {
        ...tenant,
        apps: tenant.apps.map((a) => {
            const name = a.id !== undefined ? adopted.get(a.id) : undefined;
            if (name !== undefined) return { ...a, name };
            const own = (count.get(a.name) ?? 0) > 1 || adoptedNames.has(a.name);
            return own && a.id !== undefined ? { ...a, name: `${a.name} (${a.id})` } : a;
        }),
    };
}

/** The keys of `model`'s organizations that neither side only references (an existing one is never added or removed). */
function managedOrganizations(model: AccessModel, other: AccessModel): string[] {
    const existing = new Set([...(model.organizations?.list ?? []), ...(other.organizations?.list ?? [])].filter((o) => o.existing === true).map((o) => o.key));
    return (model.organizations?.list ?? []).map((o) => o.key).filter((k) => !existing.has(k));
}

/** `organizationsAdded`/`organizationsRemoved` (or of roles) from the names on each side. */
function addedAndRemoved<K extends "organizations" | "organizationRoles">(what: K, before: string[], after: string[]): Record<`${K}Added` | `${K}Removed`, string[]> {
    const then = new Set(before);
    const now = new Set(after);
    return { [`${what}Added`]: after.filter((n) => !then.has(n)), [`${what}Removed`]: before.filter((n) => !now.has(n)) } as Record<`${K}Added` | `${K}Removed`, string[]>;
}

export function diffAccess(baseModel: AccessModel, headModel: AccessModel, options: DiffOptions = {}): AccessDiff {
    let base = baseModel;
    let head = headModel;
    const untouched = { apps: [] as string[], roles: [] as string[], organizations: [] as string[] };
    if (options.headNamesWhatChanges === true) {
        base = matchTenantOrganizations(matchTenantApps(base, head), head);
        head = withTenantOrganizations(head, base, untouched.organizations);
        const apps = new Set(head.apps.map((a) => a.name));
        const roles = new Set(head.roles.map((r) => r.name));
        const keptApps = base.apps.filter((a) => !apps.has(a.name));
        const keptRoles = base.roles.filter((r) => !roles.has(r.name));
        untouched.apps = keptApps.map((a) => a.name).sort();
        untouched.roles = keptRoles.map((r) => r.name).sort();
        head = { ...head, apps: [...head.apps, ...keptApps], roles: [...head.roles, ...keptRoles] };
    }
    const before = accessMatrix(base);
    const after = accessMatrix(head);
    const beforeApps = new Map(before.apps.map((a) => [a.app, a]));
    const afterApps = new Map(after.apps.map((a) => [a.app, a]));
    const whole = (a: AccessMatrix["apps"][number], side: "gained" | "lost"): AppChange => ({
        app: a.app,
        gained: side === "gained" ? a.holdings : [],
        lost: side === "lost" ? a.holdings : [],
        rolesAdded: side === "gained" ? [...a.roles] : [],
        rolesRemoved: side === "lost" ? [...a.roles] : [],
        unknownRoles: a.unknownRoles,
        ...withOrganizationChanges(side === "gained" ? organizationChanges([], a.organizations ?? []) : organizationChanges(a.organizations ?? [], [])),
    });
    const appsAdded = after.apps.filter((a) => !beforeApps.has(a.app)).map((a) => whole(a, "gained"));
    const appsRemoved = before.apps.filter((a) => !afterApps.has(a.app)).map((a) => whole(a, "lost"));
    const appsChanged = after.apps.flatMap((a): AppChange[] => {
        const b = beforeApps.get(a.app);
        if (b === undefined) return [];
        const change: AppChange = {
            app: a.app,
            gained: minus(a.holdings, b.holdings),
            lost: minus(b.holdings, a.holdings),
            rolesAdded: a.roles.filter((r) => !b.roles.includes(r)),
            rolesRemoved: b.roles.filter((r) => !a.roles.includes(r)),
            unknownRoles: a.unknownRoles,
            ...withOrganizationChanges(organizationChanges(b.organizations ?? [], a.organizations ?? [])),
        };
        return change.gained.length + change.lost.length + change.rolesAdded.length + change.rolesRemoved.length + (change.organizations?.length ?? 0) > 0 ? [change] : [];
    });
    const beforeRoles = new Set(base.roles.map((r) => r.name));
    const afterRoles = new Set(head.roles.map((r) => r.name));
    const rolesChanged = head.roles.flatMap((r) => {
        if (!beforeRoles.has(r.name)) return [];
        const now = roleGrants(head, r.name);
        const then = roleGrants(base, r.name);
        if (now === undefined || then === undefined) return [];
        const gained = minus(now, then);
        const lost = minus(then, now);
        return gained.length + lost.length > 0 ? [{ role: r.name, gained, lost }] : [];
    });
    const heldAfter = after.apps.flatMap((a) => a.holdings);
    const heldBefore = [...new Map(before.apps.flatMap((a) => a.holdings).map((h) => [key(h), { resource: h.resource, permission: h.permission }])).values()];
    return {
        base: base.source,
        head: head.source,
        managementIndicator: head.managementIndicator,
        appsAdded,
        appsRemoved,
        appsChanged,
        // A role the spec only names is Logto's: neither side creates or deletes it.
        rolesAdded: head.roles.filter((r) => !beforeRoles.has(r.name) && r.referenced !== true).map((r) => r.name),
        rolesRemoved: base.roles.filter((r) => !afterRoles.has(r.name) && r.referenced !== true).map((r) => r.name),
        rolesChanged,
        noLongerHeld: minus(heldBefore, heldAfter),
        ...addedAndRemoved("organizations", managedOrganizations(base, head), managedOrganizations(head, base)),
        ...addedAndRemoved("organizationRoles", (base.organizations?.roles ?? []).map((r) => r.name), (head.organizations?.roles ?? []).map((r) => r.name)),
        untouched,
        resourceNames: { ...before.resourceNames, ...after.resourceNames },
    };
}
