import { BUILT_IN_MANAGEMENT_ROLE, MANAGEMENT_API_SCOPE, type ValidSpec } from "../spec/schema";

/**
 * Who may call what: the M2M apps, the roles they hold, and what each role grants on each API resource. One
 * model for a spec and for a live tenant, so a spec's matrix, a tenant's matrix and the difference of any two
 * are computed the same way.
 */
export interface AccessModel {
    /** What was read: a spec file, `live` (an endpoint). */
    source: string;
    managementIndicator: string;
    resources: AccessResource[];
    roles: AccessRole[];
    apps: AccessApp[];
    /** Organization roles and organizations; absent when the spec has no organizations part. */
    organizations?: AccessOrganizations;
}

/** Organization-level access: what an app may do when it acts for one organization (organization tokens). */
export interface AccessOrganizations {
    permissions: string[];
    roles: AccessOrganizationRole[];
    /** By key: the spec's key (name, or id for one given by id); a tenant's name, with its id where names repeat. */
    list: Array<{ key: string; id?: string; existing?: true }>;
}

export interface AccessOrganizationRole {
    name: string;
    /** Organization permissions. */
    permissions: string[];
    /** API resource permissions, in tokens with `organization_id` and `resource`. */
    resources: AccessGrant[];
}

/** An app's membership: the organization (by key) and the organization roles it holds there. */
export interface AccessMembership {
    organization: string;
    roles: string[];
}

export interface AccessResource {
    indicator: string;
    name: string;
    permissions: string[];
}

export interface AccessGrant {
    /** An indicator. */
    resource: string;
    permissions: string[];
}

export interface AccessRole {
    name: string;
    /**
     * What the role grants; undefined when the model cannot know it (a spec names a role it does not declare:
     * its permissions are in Logto).
     */
    grants?: AccessGrant[];
    /** A role the spec names but does not declare: it is Logto's, an `up` neither creates nor deletes it. */
    referenced?: true;
    /** Where the grants come from when the spec does not declare the role (Logto's built-in role). */
    note?: string;
}

export interface AccessApp {
    name: string;
    /** The App ID, for a tenant's apps. */
    id?: string;
    roles: string[];
    /** Organizations the app is a member of. */
    memberships?: AccessMembership[];
}

/** One permission an app holds, with the roles it holds it through. */
export interface Holding {
    resource: string;
    permission: string;
    via: string[];
}

/** The Management API's only permission: whoever holds it controls the whole tenant. */
export function isFullTenantControl(model: Pick<AccessModel, "managementIndicator">, resource: string, permission: string): boolean {
    return resource === model.managementIndicator && permission === MANAGEMENT_API_SCOPE;
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The access a validated spec declares. Logto's built-in role is taken as Logto creates it: `all` on the Management API. */
export function accessFromSpec(spec: ValidSpec, source: string): AccessModel {
    const orgs = spec.organizations;
    const memberships = new Map<string, AccessMembership[]>();
    for (const org of orgs.list) for (const m of org.apps) memberships.set(m.app, [...(memberships.get(m.app) ?? []), { organization: org.key, roles: [...m.roles] }]);
    const hasOrganizations = orgs.permissions.length + orgs.roles.length + orgs.list.length > 0;
    const roles: AccessRole[] = spec.roles.map((r) => ({ name: r.name, grants: r.permissions.map((g) => ({ resource: g.resource, permissions: [...g.permissions] })) }));
    for (const ref of spec.externalRoles) {
        roles.push(ref.name === BUILT_IN_MANAGEMENT_ROLE
            ? { name: ref.name, grants: [{ resource: spec.managementIndicator, permissions: [MANAGEMENT_API_SCOPE] }], referenced: true, note: "Logto's built-in role, as Logto creates it" }
            : { name: ref.name, referenced: true, note: "not declared in the spec: its permissions are in Logto" });
    }
    return {
        source,
        managementIndicator: spec.managementIndicator,
        resources: spec.resources.map((r) => ({ indicator: r.indicator, name: r.name, permissions: r.permissions.map((p) => p.name) })),
        roles,
        // An app that takes over an existing one (adoptId) is that app of the tenant.
        apps: spec.apps.map((a) => ({ name: a.name, ...(a.adoptId === undefined ? {} : { id: a.adoptId }), roles: [...a.roles], ...withMemberships(memberships.get(a.name)) })),
        ...(hasOrganizations ? {
            organizations: {
                permissions: orgs.permissions.map((p) => p.name),
                roles: orgs.roles.map((r) => ({ name: r.name, permissions: [...r.permissions], resources: r.resources.map((g) => ({ resource: g.resource, permissions: [...g.permissions] })) })),
                list: orgs.list.map((o) => ({ key: o.key, ...(o.id === undefined ? {} : { id: o.id }), ...(o.existing ? { existing: true as const } : {}) })),
            },
        } : {}),
    };
}

function withMemberships(memberships: AccessMembership[] | undefined): { memberships?: AccessMembership[] } {
    return memberships === undefined || memberships.length === 0 ? {} : { memberships };
}

/**
 * A tenant's M2M topology as the tenant reader returns it (only the fields access needs, so any reader of the
 * same shape will do).
 */
export interface TenantTopology {
    managementIndicator: string;
    resources: Array<{ name: string; indicator: string; scopes: Array<{ name: string }> }>;
    roles: Array<{ role: { name: string }; scopes: Array<{ name: string; resource: { indicator: string } }> }>;
    apps: Array<{ app: { id: string; name: string }; roles: Array<{ name: string }> }>;
    /** Absent when the organizations were not read. */
    organizations?: TenantOrganizations;
}

/** A tenant's organization permissions, M2M organization roles, organizations and their member apps. */
export interface TenantOrganizations {
    scopes: Array<{ name: string }>;
    roles: Array<{ role: { name: string }; scopes: Array<{ name: string }>; resourceScopes: Array<{ name: string; resource: { indicator: string } }> }>;
    organizations: Array<{ organization: { id: string; name: string }; apps: Array<{ id: string; roles: Array<{ name: string }> }> }>;
}

function grantsOf(scopes: Array<{ name: string; resource: { indicator: string } }>): AccessGrant[] {
    const grants = new Map<string, string[]>();
    for (const s of scopes) grants.set(s.resource.indicator, [...(grants.get(s.resource.indicator) ?? []), s.name]);
    return [...grants].map(([resource, permissions]) => ({ resource, permissions }));
}

/** Organizations keyed by name, with the id where names repeat (Logto allows that). */
function organizationKeys(orgs: TenantOrganizations["organizations"]): string[] {
    const count = new Map<string, number>();
    for (const { organization: o } of orgs) count.set(o.name, (count.get(o.name) ?? 0) + 1);
    return orgs.map(({ organization: o }) => ((count.get(o.name) ?? 0) > 1 ? `${o.name} (${o.id})` : o.name));
}

/** The access a live tenant grants, read through the Management API. */
export function accessFromTenant(tenant: TenantTopology, source: string): AccessModel {
    const orgs = tenant.organizations;
    const orgKeys = orgs === undefined ? [] : organizationKeys(orgs.organizations);
    const memberships = new Map<string, AccessMembership[]>();
    orgs?.organizations.forEach(({ apps }, i) => {
        for (const a of apps) memberships.set(a.id, [...(memberships.get(a.id) ?? []), { organization: orgKeys[i]!, roles: a.roles.map((r) => r.name) }]);
    });
    return {
        source,
        managementIndicator: tenant.managementIndicator,
        resources: tenant.resources.map((r) => ({ indicator: r.indicator, name: r.name, permissions: r.scopes.map((s) => s.name) })),
        roles: tenant.roles.map(({ role, scopes }) => ({ name: role.name, grants: grantsOf(scopes) })),
        apps: tenant.apps.map(({ app, roles }) => ({ name: app.name, id: app.id, roles: roles.map((r) => r.name), ...withMemberships(memberships.get(app.id)) })),
        ...(orgs === undefined ? {} : {
            organizations: {
                permissions: orgs.scopes.map((s) => s.name),
                roles: orgs.roles.map(({ role, scopes, resourceScopes }) => ({ name: role.name, permissions: scopes.map((s) => s.name), resources: grantsOf(resourceScopes) })),
                list: orgs.organizations.map(({ organization }, i) => ({ key: orgKeys[i]!, id: organization.id })),
            },
        }),
    };
}

/**
 * The spec's model with the roles it names but does not declare taken from the tenant (an `up` leaves them as
 * they are), so comparing a spec with its tenant shows only what the `up` changes.
 */
export function withRolesFrom(model: AccessModel, tenant: AccessModel): AccessModel {
    const declared = new Map(tenant.roles.map((r) => [r.name, r]));
    return {
        ...model,
        roles: model.roles.map((r) => {
            const live = declared.get(r.name);
            return r.referenced === true && live?.grants !== undefined ? { name: r.name, grants: live.grants, referenced: true, note: "not declared in the spec: as the tenant holds it" } : r;
        }),
    };
}

/** The name by which an app is shown and matched: its name, with its App ID where names repeat (Logto allows that). */
export function appKeys(model: AccessModel): Map<AccessApp, string> {
    const count = new Map<string, number>();
    for (const a of model.apps) count.set(a.name, (count.get(a.name) ?? 0) + 1);
    return new Map(model.apps.map((a) => [a, (count.get(a.name) ?? 0) > 1 && a.id !== undefined ? `${a.name} (${a.id})` : a.name]));
}

/** What one app holds: each permission once, with every role it comes through; and the roles whose grants are unknown. */
export function holdingsOf(model: AccessModel, app: AccessApp): { holdings: Holding[]; unknownRoles: string[] } {
    const roles = new Map(model.roles.map((r) => [r.name, r]));
    const held = new Map<string, Holding>();
    const unknownRoles: string[] = [];
    for (const name of app.roles) {
        const role = roles.get(name);
        if (role?.grants === undefined) {
            unknownRoles.push(name);
            continue;
        }
        for (const grant of role.grants) {
            for (const permission of grant.permissions) {
                const key = `${grant.resource}\n${permission}`;
                const h = held.get(key) ?? { resource: grant.resource, permission, via: [] };
                if (!h.via.includes(name)) h.via.push(name);
                held.set(key, h);
            }
        }
    }
    const holdings = [...held.values()].sort((a, b) => byText(a.resource, b.resource) || byText(a.permission, b.permission));
    for (const h of holdings) h.via.sort(byText);
    return { holdings, unknownRoles };
}

/** One permission an app holds in an organization: an organization permission, or one of an API resource. */
export interface OrganizationHolding {
    permission: string;
    /** The indicator, for an API resource's permission; absent for an organization permission. */
    resource?: string;
    via: string[];
}

/** What an app may do in one organization: its organization roles there and what they grant. */
export interface OrganizationAccess {
    organization: string;
    roles: string[];
    holdings: OrganizationHolding[];
}

/** What one app may do in each organization it is a member of, organizations in key order. */
export function organizationAccessOf(model: AccessModel, app: AccessApp): OrganizationAccess[] {
    const roles = new Map((model.organizations?.roles ?? []).map((r) => [r.name, r]));
    return (app.memberships ?? []).map((m) => {
        const held = new Map<string, OrganizationHolding>();
        const hold = (permission: string, resource: string | undefined, via: string): void => {
            const key = `${resource ?? ""}\n${permission}`;
            const h = held.get(key) ?? { permission, ...(resource === undefined ? {} : { resource }), via: [] };
            if (!h.via.includes(via)) h.via.push(via);
            held.set(key, h);
        };
        for (const name of m.roles) {
            const role = roles.get(name);
            for (const p of role?.permissions ?? []) hold(p, undefined, name);
            for (const g of role?.resources ?? []) for (const p of g.permissions) hold(p, g.resource, name);
        }
        // Organization permissions first, then API resources by indicator.
        const holdings = [...held.values()].sort((a, b) => byText(a.resource ?? "", b.resource ?? "") || byText(a.permission, b.permission));
        for (const h of holdings) h.via.sort(byText);
        return { organization: m.organization, roles: [...m.roles].sort(byText), holdings };
    }).sort((a, b) => byText(a.organization, b.organization));
}

/** The matrix: every app with what it holds, apps in name order. */
export interface AccessMatrix {
    source: string;
    managementIndicator: string;
    apps: Array<{ app: string; id?: string; roles: string[]; holdings: Array<Holding & { fullTenantControl?: true }>; unknownRoles: string[]; organizations?: OrganizationAccess[] }>;
    /** Declared permissions that no app holds. */
    unheld: Array<{ resource: string; permission: string }>;
    resourceNames: Record<string, string>;
}

export function accessMatrix(model: AccessModel): AccessMatrix {
    const keys = appKeys(model);
    const apps = model.apps.map((app) => {
        const { holdings, unknownRoles } = holdingsOf(model, app);
        return {
            app: keys.get(app)!,
            ...(app.id === undefined ? {} : { id: app.id }),
            roles: [...app.roles],
            holdings: holdings.map((h) => (isFullTenantControl(model, h.resource, h.permission) ? { ...h, fullTenantControl: true as const } : h)),
            unknownRoles,
            ...(app.memberships === undefined ? {} : { organizations: organizationAccessOf(model, app) }),
        };
    }).sort((a, b) => byText(a.app, b.app));
    const held = new Set(apps.flatMap((a) => a.holdings.map((h) => `${h.resource}\n${h.permission}`)));
    const unheld = model.resources.flatMap((r) => r.permissions.filter((p) => !held.has(`${r.indicator}\n${p}`)).map((permission) => ({ resource: r.indicator, permission })));
    return { source: model.source, managementIndicator: model.managementIndicator, apps, unheld, resourceNames: resourceNames(model) };
}

/** indicator -> name, the Management API included. */
export function resourceNames(model: AccessModel): Record<string, string> {
    const names: Record<string, string> = { [model.managementIndicator]: "Logto Management API" };
    for (const r of model.resources) names[r.indicator] = r.name;
    return names;
}
