import { MANAGEMENT_API, MANAGEMENT_API_SCOPE, organizationEntrySchema, organizationPermissionSchema, organizationRoleSchema, type OrganizationsInput } from "../spec/schema";
import { formatPath } from "../spec/validate";
import type { TenantOrganizationsSnapshot } from "./reader";

/**
 * A tenant's organization permissions, M2M organization roles and organizations with their member apps as the
 * spec's organizations part, adopting: permissions and roles say `adopt: true` (their names are unique in a
 * tenant, so an `up` takes each over by name); organizations are written by id (names repeat in Logto), that is
 * as existing organizations the stack references and never creates or deletes. Memberships are the stack's.
 */
export interface ExportedOrganizations {
    /** Undefined when the tenant has no organization object the spec could hold. */
    organizations?: OrganizationsInput;
    counts: { organizationPermissions: number; organizationRoles: number; organizations: number; memberships: number };
}

export interface OrganizationsContext {
    managementIndicator: string;
    /** Indicators of the API resources the spec declares. */
    exportedIndicators: Set<string>;
    /** App ID -> the spec's name of that app, for the apps the spec declares. */
    appNames: Map<string, string>;
    warn: (line: string) => void;
}

const shapeProblem = (error: { issues: Array<{ path: PropertyKey[]; message: string }> }): string =>
    error.issues.map((i) => `${formatPath(i.path) || "(entry)"}: ${i.message}`).join("; ");

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function exportOrganizations(snapshot: TenantOrganizationsSnapshot | undefined, ctx: OrganizationsContext): ExportedOrganizations {
    const none = { counts: { organizationPermissions: 0, organizationRoles: 0, organizations: 0, memberships: 0 } };
    if (snapshot === undefined) return none;
    const { warn } = ctx;

    const permissions: NonNullable<OrganizationsInput["permissions"]> = [];
    const declaredPermissions = new Set<string>();
    for (const s of [...snapshot.scopes].sort((a, b) => byText(a.name, b.name))) {
        const entry = { name: s.name, ...(s.description ? { description: s.description } : {}), adopt: true };
        const parsed = organizationPermissionSchema.safeParse(entry);
        if (!parsed.success) {
            warn(`organization permission ${JSON.stringify(s.name)} (${s.id}) cannot be written as a spec entry (${shapeProblem(parsed.error)}): left out, unmanaged`);
            continue;
        }
        permissions.push(entry);
        declaredPermissions.add(s.name);
    }

    const roles: NonNullable<OrganizationsInput["roles"]> = [];
    const declaredRoles = new Set<string>();
    for (const { role, scopes, resourceScopes } of [...snapshot.roles].sort((a, b) => byText(a.role.name, b.role.name))) {
        const outside = [
            ...scopes.filter((s) => !declaredPermissions.has(s.name)).map((s) => `organization permission ${s.name}`),
            ...resourceScopes.filter((s) => !ctx.exportedIndicators.has(s.resource.indicator) && !(s.resource.indicator === ctx.managementIndicator && s.name === MANAGEMENT_API_SCOPE))
                .map((s) => `${s.name} on ${s.resource.indicator}`),
        ];
        if (outside.length > 0) {
            warn(`organization role ${JSON.stringify(role.name)} (${role.id}) holds permissions the spec does not declare (${outside.join(", ")}): ` +
                "left out, unmanaged; memberships that hold it are left out too");
            continue;
        }
        const grants = new Map<string, string[]>();
        for (const s of resourceScopes) {
            const resource = s.resource.indicator === ctx.managementIndicator ? MANAGEMENT_API : s.resource.indicator;
            grants.set(resource, [...(grants.get(resource) ?? []), s.name]);
        }
        const entry = {
            name: role.name,
            ...(role.description ? { description: role.description } : {}),
            permissions: scopes.map((s) => s.name).sort(byText),
            resources: [...grants].sort(([a], [b]) => byText(a, b)).map(([resource, names]) => ({ resource, permissions: names.sort(byText) })),
            adopt: true,
        };
        const parsed = organizationRoleSchema.safeParse(entry);
        if (!parsed.success) {
            warn(`organization role ${JSON.stringify(role.name)} (${role.id}) cannot be written as a spec entry (${shapeProblem(parsed.error)}): left out, unmanaged; ` +
                "memberships that hold it are left out too");
            continue;
        }
        roles.push(entry);
        declaredRoles.add(role.name);
    }

    const list: NonNullable<OrganizationsInput["list"]> = [];
    let memberships = 0;
    for (const { organization, apps } of [...snapshot.organizations].sort((a, b) => byText(a.organization.name, b.organization.name) || byText(a.organization.id, b.organization.id))) {
        const members: Array<{ app: string; roles: string[] }> = [];
        for (const member of apps) {
            const app = ctx.appNames.get(member.id);
            const what = `the membership of app ${member.id} in organization ${JSON.stringify(organization.name)} (${organization.id})`;
            if (app === undefined) {
                warn(`${what}: the app is not in the spec; left out, unmanaged`);
                continue;
            }
            // The stack sets a membership's roles to the spec's: one it cannot name would be taken away.
            const unknown = member.roles.map((r) => r.name).filter((r) => !declaredRoles.has(r));
            if (unknown.length > 0) {
                warn(`${what}: holds organization roles the spec does not declare (${unknown.join(", ")}); left out, unmanaged`);
                continue;
            }
            members.push({ app, roles: member.roles.map((r) => r.name).sort(byText) });
        }
        // One with no member the spec holds gives no app any access: nothing to write.
        if (members.length === 0) continue;
        // By id: an organization's name need not be unique, its id is. Name and description stay Logto's.
        const entry = { id: organization.id, apps: members.sort((a, b) => byText(a.app, b.app)) };
        const parsed = organizationEntrySchema.safeParse(entry);
        if (!parsed.success) {
            warn(`organization ${JSON.stringify(organization.name)} (${organization.id}) cannot be written as a spec entry (${shapeProblem(parsed.error)}): left out, unmanaged`);
            continue;
        }
        list.push(entry);
        memberships += members.length;
    }
    if (permissions.length + roles.length + list.length === 0) return none;
    return {
        organizations: { permissions, roles, list },
        counts: { organizationPermissions: permissions.length, organizationRoles: roles.length, organizations: list.length, memberships },
    };
}
