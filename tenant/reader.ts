import { LogtoApiError, type Application, type ManagementClient, type Organization, type OrganizationRole, type OrganizationScope, type Resource, type Role, type RoleScope, type Scope } from "../client";

/**
 * The M2M topology of a live tenant as Logto holds it: every API resource with its permissions, every
 * machine-to-machine role with its permissions, every machine-to-machine app with its roles and the names and
 * expiries of its secrets. Secret values are dropped as each listing arrives: nothing downstream can print one.
 */
export interface TenantSnapshot {
    /** The endpoint read (for headers and messages). */
    endpoint: string;
    /** The tenant's Management API indicator (the connection's). */
    managementIndicator: string;
    resources: Array<Resource & { scopes: Scope[] }>;
    roles: Array<{ role: Role; scopes: RoleScope[] }>;
    apps: Array<{ app: Application; roles: Role[]; secrets: SecretInfo[] }>;
    /** Organization permissions, M2M organization roles, organizations with their M2M member apps. */
    organizations?: TenantOrganizationsSnapshot;
}

export interface TenantOrganizationsSnapshot {
    scopes: OrganizationScope[];
    /** M2M organization roles (the only ones an app can hold), with the API resource permissions' indicators. */
    roles: Array<{ role: OrganizationRole; scopes: OrganizationScope[]; resourceScopes: Array<Scope & { resource: { indicator: string } }> }>;
    /** Each organization with its member M2M apps (of the apps read) and their organization roles there. */
    organizations: Array<{ organization: Organization; apps: Array<{ id: string; roles: OrganizationRole[] }> }>;
}

/** A secret of an app without its value. */
export interface SecretInfo {
    name: string;
    /** Epoch milliseconds, or null for a secret that never expires. */
    expiresAt: number | null;
}

export interface ReadOptions {
    /** A line of progress for a person watching a large tenant being read (the command writes it to stderr). */
    onProgress?: (line: string) => void;
    /** Per-object reads in flight at once (the client's request budget still paces them). Default 8. */
    concurrency?: number;
    /** Read the roles and secrets of these apps only, and the permissions of these roles only (default: all). */
    selectApp?: (app: Application) => boolean;
    selectRole?: (role: Role) => boolean;
    /** Read each app's secret names and expiries (default true); access needs only roles, one call less per app. */
    secrets?: boolean;
    /** Read organizations (default true): these of them, and these organization roles (default: all). */
    organizations?: boolean;
    selectOrganization?: (organization: Organization) => boolean;
    selectOrganizationRole?: (role: OrganizationRole) => boolean;
}

/** The answer, or undefined when the object is gone (404). */
async function unlessGone<T>(call: Promise<T>): Promise<T | undefined> {
    try {
        return await call;
    } catch (error) {
        if (error instanceof LogtoApiError && error.isNotFound) return undefined;
        throw error;
    }
}

/** Maps `items` through `work` with at most `limit` in flight, in order. */
async function pooled<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>, done: (count: number) => void): Promise<R[]> {
    const results = new Array<R>(items.length);
    let next = 0;
    let finished = 0;
    const worker = async (): Promise<void> => {
        while (next < items.length) {
            const i = next++;
            results[i] = await work(items[i]!);
            done(++finished);
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    return results;
}

/** Reports `count` of `total` every `step` objects and at the end, so a large tenant shows it is moving. */
function progressOf(onProgress: ((line: string) => void) | undefined, what: string, total: number): (count: number) => void {
    const step = Math.max(25, Math.ceil(total / 10));
    return (count) => {
        if (onProgress !== undefined && (count === total || count % step === 0)) onProgress(`read ${what}: ${count} of ${total}`);
    };
}

const isPresent = <T>(value: T | undefined): value is T => value !== undefined;

/**
 * Reads the tenant: three listings (resources with their permissions, M2M roles, M2M apps; each complete however
 * Logto orders its pages, see `ManagementClient.listPaged`), then two listings per app (its roles, its secrets)
 * and one per role (its permissions); and the organizations' listings (see below).
 */
export async function readTenant(client: ManagementClient, options: ReadOptions = {}): Promise<TenantSnapshot> {
    const { onProgress } = options;
    const limit = options.concurrency ?? 8;
    const [resources, allRoles, allApps] = await Promise.all([
        client.listResources({ includeScopes: true }),
        client.listRoles({ type: "MachineToMachine" }),
        client.listApplications(),
    ]);
    onProgress?.(`listed ${resources.length} API resources, ${allRoles.length} M2M roles, ${allApps.length} M2M apps`);
    const appList = allApps.filter((a) => a.type === "MachineToMachine" && (options.selectApp?.(a) ?? true));
    // A role or app deleted between the listing and its own read (404) is no longer in the tenant: left out.
    const apps = (await pooled(appList, limit, async (app) => {
        const [held, secrets] = await Promise.all([
            unlessGone(client.listApplicationRoles(app.id)),
            options.secrets === false ? [] : unlessGone(client.listApplicationSecrets(app.id)),
        ]);
        if (held === undefined || secrets === undefined) return undefined;
        return { app, roles: held, secrets: secrets.map((s) => ({ name: s.name, expiresAt: s.expiresAt })) };
    }, progressOf(onProgress, options.secrets === false ? "the roles of apps" : "the roles and secrets of apps", appList.length))).filter(isPresent);
    // A role an app holds that the role listing does not show (made after it was read) is taken from the app's listing.
    const listed = new Map(allRoles.map((r) => [r.id, r]));
    for (const held of apps.flatMap((a) => a.roles)) if (!listed.has(held.id)) listed.set(held.id, held);
    const roleList = [...listed.values()].filter((r) => r.type === "MachineToMachine" && (options.selectRole?.(r) ?? true));
    const roles = (await pooled(roleList, limit, async (role) => {
        const scopes = await unlessGone(client.listRoleScopes(role.id));
        return scopes === undefined ? undefined : { role, scopes };
    }, progressOf(onProgress, "the permissions of roles", roleList.length))).filter(isPresent);
    const organizations = options.organizations === false ? undefined
        : await readOrganizations(client, options, new Map(resources.map((r) => [r.id, r.indicator])), new Set(apps.map((a) => a.app.id)));
    return {
        endpoint: client.connection.endpoint,
        managementIndicator: client.connection.managementIndicator,
        resources: resources.map((r) => ({ ...r, scopes: r.scopes ?? [] })),
        roles,
        apps,
        ...(organizations === undefined ? {} : { organizations }),
    };
}

/**
 * Organization permissions, M2M organization roles (two listings each: organization and API permissions),
 * organizations (one listing each of member apps, then one per M2M member of its organization roles).
 */
async function readOrganizations(client: ManagementClient, options: ReadOptions, indicators: Map<string, string>, m2mApps: Set<string>): Promise<TenantOrganizationsSnapshot> {
    const { onProgress } = options;
    const limit = options.concurrency ?? 8;
    const [scopes, allRoles, allOrganizations] = await Promise.all([client.listOrganizationScopes(), client.listOrganizationRoles(), client.listOrganizations()]);
    const roleList = allRoles.filter((r) => r.type === "MachineToMachine" && (options.selectOrganizationRole?.(r) ?? true));
    const orgList = allOrganizations.filter((o) => options.selectOrganization?.(o) ?? true);
    onProgress?.(`listed ${scopes.length} organization permissions, ${roleList.length} M2M organization roles, ${orgList.length} organizations`);
    // Deleted between the listing and its own read (404): left out, as for roles and apps.
    const roles = (await pooled(roleList, limit, async (role) => {
        const [held, resourceScopes] = await Promise.all([unlessGone(client.listOrganizationRoleScopes(role.id)), unlessGone(client.listOrganizationRoleResourceScopes(role.id))]);
        if (held === undefined || resourceScopes === undefined) return undefined;
        // A permission of a resource deleted meanwhile has no indicator: it grants nothing any more.
        return { role, scopes: held, resourceScopes: resourceScopes.flatMap((s) => (indicators.has(s.resourceId) ? [{ ...s, resource: { indicator: indicators.get(s.resourceId)! } }] : [])) };
    }, progressOf(onProgress, "the permissions of organization roles", roleList.length))).filter(isPresent);
    const organizations = (await pooled(orgList, limit, async (organization) => {
        const memberIds = await unlessGone(client.listOrganizationApplicationIds(organization.id));
        if (memberIds === undefined) return undefined;
        const members = memberIds.filter((id) => m2mApps.has(id));
        const apps = await Promise.all(members.map(async (id) => ({ id, roles: await unlessGone(client.listOrganizationApplicationRoles(organization.id, id)) })));
        // A member that left meanwhile (no roles listing: not a member, or the organization is gone) is left out.
        return { organization, apps: apps.flatMap((a) => (a.roles === undefined ? [] : [{ id: a.id, roles: a.roles }])) };
    }, progressOf(onProgress, "the members of organizations", orgList.length))).filter(isPresent);
    return { scopes, roles, organizations };
}
