import { accessMatrix, type AccessMatrix, type AccessModel, type Holding } from "./model";

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
    /** Apps and roles of base that head does not name and leaves as they are (a tenant's other objects). */
    untouched: { apps: string[]; roles: string[] };
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
        diff.rolesRemoved.length + diff.rolesChanged.length + diff.noLongerHeld.length > 0;
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

export function diffAccess(baseModel: AccessModel, headModel: AccessModel, options: DiffOptions = {}): AccessDiff {
    let base = baseModel;
    let head = headModel;
    const untouched = { apps: [] as string[], roles: [] as string[] };
    if (options.headNamesWhatChanges === true) {
        base = matchTenantApps(base, head);
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
        };
        return change.gained.length + change.lost.length + change.rolesAdded.length + change.rolesRemoved.length > 0 ? [change] : [];
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
        untouched,
        resourceNames: { ...before.resourceNames, ...after.resourceNames },
    };
}
