import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import { toApplication, toScope, type ApplicationRow, type RoleType, type ScopeRow } from "./store";

/**
 * The organization tables of the local Logto: organizations, organization scopes (permissions), organization
 * roles with their organization and API resource scopes, and applications' memberships with their organization
 * roles. Foreign keys cascade as Logto's do: deleting an organization, a role, a scope, an API resource (its
 * scopes) or an application removes every grant and membership that names it, and nothing else.
 */

export interface OrganizationRow {
    id: string;
    name: string;
    description: string | null;
    customData: Record<string, unknown>;
    isMfaRequired: boolean;
    color: Record<string, unknown>;
    branding: Record<string, unknown>;
    customCss: string | null;
    createdAt: number;
}
export interface OrganizationScopeRow {
    id: string;
    name: string;
    description: string | null;
}
export interface OrganizationRoleRow {
    id: string;
    name: string;
    description: string | null;
    type: RoleType;
}

export const organizationSchema = `
CREATE TABLE IF NOT EXISTS organizations (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT,
    custom_data TEXT NOT NULL,
    is_mfa_required INTEGER NOT NULL DEFAULT 0,
    color TEXT NOT NULL,
    branding TEXT NOT NULL,
    custom_css TEXT,
    created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS organization_scopes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE,
    description TEXT
);
CREATE TABLE IF NOT EXISTS organization_roles (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE,
    description TEXT,
    type TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS organization_role_scopes (
    organization_role_id TEXT NOT NULL REFERENCES organization_roles(id) ON DELETE CASCADE,
    organization_scope_id TEXT NOT NULL REFERENCES organization_scopes(id) ON DELETE CASCADE,
    PRIMARY KEY (organization_role_id, organization_scope_id)
);
CREATE TABLE IF NOT EXISTS organization_role_resource_scopes (
    organization_role_id TEXT NOT NULL REFERENCES organization_roles(id) ON DELETE CASCADE,
    scope_id TEXT NOT NULL REFERENCES scopes(id) ON DELETE CASCADE,
    PRIMARY KEY (organization_role_id, scope_id)
);
CREATE TABLE IF NOT EXISTS organization_applications (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    application_id TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    UNIQUE (organization_id, application_id)
);
CREATE TABLE IF NOT EXISTS organization_application_roles (
    organization_id TEXT NOT NULL,
    application_id TEXT NOT NULL,
    organization_role_id TEXT NOT NULL REFERENCES organization_roles(id) ON DELETE CASCADE,
    PRIMARY KEY (organization_id, application_id, organization_role_id),
    FOREIGN KEY (organization_id, application_id) REFERENCES organization_applications(organization_id, application_id) ON DELETE CASCADE
);
`;

type Row = Record<string, SQLInputValue>;

const parseObject = (value: SQLInputValue) => JSON.parse(String(value)) as Record<string, unknown>;
const toOrganization = (r: Row): OrganizationRow => ({
    id: String(r.id),
    name: String(r.name),
    description: r.description === null ? null : String(r.description),
    customData: parseObject(r.custom_data),
    isMfaRequired: Number(r.is_mfa_required) === 1,
    color: parseObject(r.color),
    branding: parseObject(r.branding),
    customCss: r.custom_css === null ? null : String(r.custom_css),
    createdAt: Number(r.created_at),
});
const toOrganizationScope = (r: Row): OrganizationScopeRow => ({
    id: String(r.id),
    name: String(r.name),
    description: r.description === null ? null : String(r.description),
});
const toOrganizationRole = (r: Row): OrganizationRoleRow => ({
    id: String(r.id),
    name: String(r.name),
    description: r.description === null ? null : String(r.description),
    type: String(r.type) as RoleType,
});

/** Every method is synchronous; callers group writes with the owning Store's `transaction`. */
export class OrganizationStore {
    constructor(private readonly db: DatabaseSync) {}

    private all(sql: string, ...params: SQLInputValue[]): Row[] {
        return this.db.prepare(sql).all(...params) as Row[];
    }
    private get(sql: string, ...params: SQLInputValue[]): Row | undefined {
        return this.db.prepare(sql).get(...params) as Row | undefined;
    }
    private run(sql: string, ...params: SQLInputValue[]): number {
        return Number(this.db.prepare(sql).run(...params).changes);
    }

    // organizations: Logto gives no stable order; the routes reshuffle this one (ListOrder)
    listOrganizations(): OrganizationRow[] {
        return this.all("SELECT * FROM organizations ORDER BY name, created_at, seq").map(toOrganization);
    }
    findOrganization(id: string): OrganizationRow | undefined {
        const row = this.get("SELECT * FROM organizations WHERE id = ?", id);
        return row && toOrganization(row);
    }
    insertOrganization(o: OrganizationRow): void {
        this.run(
            "INSERT INTO organizations (id, name, description, custom_data, is_mfa_required, color, branding, custom_css, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            o.id, o.name, o.description, JSON.stringify(o.customData), o.isMfaRequired ? 1 : 0, JSON.stringify(o.color), JSON.stringify(o.branding), o.customCss, o.createdAt,
        );
    }
    updateOrganization(o: OrganizationRow): void {
        this.run(
            "UPDATE organizations SET name = ?, description = ?, custom_data = ?, is_mfa_required = ?, color = ?, branding = ?, custom_css = ? WHERE id = ?",
            o.name, o.description, JSON.stringify(o.customData), o.isMfaRequired ? 1 : 0, JSON.stringify(o.color), JSON.stringify(o.branding), o.customCss, o.id,
        );
    }
    deleteOrganization(id: string): number {
        return this.run("DELETE FROM organizations WHERE id = ?", id);
    }

    // organization scopes: by name
    listScopes(): OrganizationScopeRow[] {
        return this.all("SELECT * FROM organization_scopes ORDER BY name").map(toOrganizationScope);
    }
    findScope(id: string): OrganizationScopeRow | undefined {
        const row = this.get("SELECT * FROM organization_scopes WHERE id = ?", id);
        return row && toOrganizationScope(row);
    }
    findScopeByName(name: string): OrganizationScopeRow | undefined {
        const row = this.get("SELECT * FROM organization_scopes WHERE name = ?", name);
        return row && toOrganizationScope(row);
    }
    insertScope(s: OrganizationScopeRow): void {
        this.run("INSERT INTO organization_scopes (id, name, description) VALUES (?, ?, ?)", s.id, s.name, s.description);
    }
    updateScope(s: OrganizationScopeRow): void {
        this.run("UPDATE organization_scopes SET name = ?, description = ? WHERE id = ?", s.name, s.description, s.id);
    }
    deleteScope(id: string): number {
        return this.run("DELETE FROM organization_scopes WHERE id = ?", id);
    }

    // organization roles: by name
    listRoles(): OrganizationRoleRow[] {
        return this.all("SELECT * FROM organization_roles ORDER BY name").map(toOrganizationRole);
    }
    findRole(id: string): OrganizationRoleRow | undefined {
        const row = this.get("SELECT * FROM organization_roles WHERE id = ?", id);
        return row && toOrganizationRole(row);
    }
    findRoleByName(name: string): OrganizationRoleRow | undefined {
        const row = this.get("SELECT * FROM organization_roles WHERE name = ?", name);
        return row && toOrganizationRole(row);
    }
    insertRole(r: OrganizationRoleRow): void {
        this.run("INSERT INTO organization_roles (id, name, description, type) VALUES (?, ?, ?, ?)", r.id, r.name, r.description, r.type);
    }
    updateRole(r: OrganizationRoleRow): void {
        this.run("UPDATE organization_roles SET name = ?, description = ?, type = ? WHERE id = ?", r.name, r.description, r.type, r.id);
    }
    deleteRole(id: string): number {
        return this.run("DELETE FROM organization_roles WHERE id = ?", id);
    }

    // organization roles <-> organization scopes
    listRoleScopes(roleId: string): OrganizationScopeRow[] {
        return this.all(
            "SELECT s.* FROM organization_scopes s JOIN organization_role_scopes rs ON rs.organization_scope_id = s.id WHERE rs.organization_role_id = ? ORDER BY s.name",
            roleId,
        ).map(toOrganizationScope);
    }
    /** Adds the grants not there yet (POST is idempotent). */
    addRoleScopes(roleId: string, scopeIds: readonly string[]): void {
        for (const scopeId of scopeIds) this.run("INSERT OR IGNORE INTO organization_role_scopes (organization_role_id, organization_scope_id) VALUES (?, ?)", roleId, scopeId);
    }
    removeRoleScopesExcept(roleId: string, keep: readonly string[]): void {
        for (const scope of this.listRoleScopes(roleId)) if (!keep.includes(scope.id)) this.deleteRoleScope(roleId, scope.id);
    }
    deleteRoleScope(roleId: string, scopeId: string): number {
        return this.run("DELETE FROM organization_role_scopes WHERE organization_role_id = ? AND organization_scope_id = ?", roleId, scopeId);
    }

    // organization roles <-> API resource scopes
    listRoleResourceScopes(roleId: string): ScopeRow[] {
        return this.all(
            "SELECT s.* FROM scopes s JOIN organization_role_resource_scopes rs ON rs.scope_id = s.id WHERE rs.organization_role_id = ? ORDER BY s.name, s.id",
            roleId,
        ).map(toScope);
    }
    addRoleResourceScopes(roleId: string, scopeIds: readonly string[]): void {
        for (const scopeId of scopeIds) this.run("INSERT OR IGNORE INTO organization_role_resource_scopes (organization_role_id, scope_id) VALUES (?, ?)", roleId, scopeId);
    }
    removeRoleResourceScopesExcept(roleId: string, keep: readonly string[]): void {
        for (const scope of this.listRoleResourceScopes(roleId)) if (!keep.includes(scope.id)) this.deleteRoleResourceScope(roleId, scope.id);
    }
    deleteRoleResourceScope(roleId: string, scopeId: string): number {
        return this.run("DELETE FROM organization_role_resource_scopes WHERE organization_role_id = ? AND scope_id = ?", roleId, scopeId);
    }

    // memberships: in no stable order in Logto (the routes reshuffle them); an app's organizations by name
    listMembers(organizationId: string): ApplicationRow[] {
        return this.all(
            "SELECT a.* FROM applications a JOIN organization_applications oa ON oa.application_id = a.id WHERE oa.organization_id = ? ORDER BY oa.seq DESC",
            organizationId,
        ).map(toApplication);
    }
    listMemberships(applicationId: string): OrganizationRow[] {
        return this.all(
            "SELECT o.* FROM organizations o JOIN organization_applications oa ON oa.organization_id = o.id WHERE oa.application_id = ? ORDER BY o.name, o.created_at, o.seq",
            applicationId,
        ).map(toOrganization);
    }
    isMember(organizationId: string, applicationId: string): boolean {
        return this.get("SELECT 1 AS x FROM organization_applications WHERE organization_id = ? AND application_id = ?", organizationId, applicationId) !== undefined;
    }
    addMembers(organizationId: string, applicationIds: readonly string[]): void {
        for (const applicationId of applicationIds) {
            this.run("INSERT OR IGNORE INTO organization_applications (organization_id, application_id) VALUES (?, ?)", organizationId, applicationId);
        }
    }
    /** PUT's removals: members left out lose their membership and its roles; members kept keep their roles. */
    removeMembersExcept(organizationId: string, keep: readonly string[]): void {
        for (const member of this.listMembers(organizationId)) if (!keep.includes(member.id)) this.deleteMember(organizationId, member.id);
    }
    deleteMember(organizationId: string, applicationId: string): number {
        return this.run("DELETE FROM organization_applications WHERE organization_id = ? AND application_id = ?", organizationId, applicationId);
    }

    // a member's organization roles: unordered in Logto (the routes reshuffle them)
    listMemberRoles(organizationId: string, applicationId: string): OrganizationRoleRow[] {
        return this.all(
            `SELECT r.* FROM organization_roles r JOIN organization_application_roles ar ON ar.organization_role_id = r.id
             WHERE ar.organization_id = ? AND ar.application_id = ? ORDER BY r.name`,
            organizationId, applicationId,
        ).map(toOrganizationRole);
    }
    addMemberRoles(organizationId: string, applicationId: string, roleIds: readonly string[]): void {
        for (const roleId of roleIds) {
            this.run("INSERT OR IGNORE INTO organization_application_roles (organization_id, application_id, organization_role_id) VALUES (?, ?, ?)", organizationId, applicationId, roleId);
        }
    }
    removeMemberRolesExcept(organizationId: string, applicationId: string, keep: readonly string[]): void {
        for (const role of this.listMemberRoles(organizationId, applicationId)) if (!keep.includes(role.id)) this.deleteMemberRole(organizationId, applicationId, role.id);
    }
    deleteMemberRole(organizationId: string, applicationId: string, roleId: string): number {
        return this.run(
            "DELETE FROM organization_application_roles WHERE organization_id = ? AND application_id = ? AND organization_role_id = ?",
            organizationId, applicationId, roleId,
        );
    }

    /** Organization scope names the member holds in the organization through its organization roles (the token grant). */
    grantedOrganizationScopeNames(organizationId: string, applicationId: string): Set<string> {
        const rows = this.all(
            `SELECT DISTINCT s.name FROM organization_scopes s
             JOIN organization_role_scopes rs ON rs.organization_scope_id = s.id
             JOIN organization_application_roles ar ON ar.organization_role_id = rs.organization_role_id
             WHERE ar.organization_id = ? AND ar.application_id = ?`,
            organizationId, applicationId,
        );
        return new Set(rows.map((r) => String(r.name)));
    }
    /** Scope names of `resourceId` the member holds in the organization through its organization roles. */
    grantedResourceScopeNames(organizationId: string, applicationId: string, resourceId: string): Set<string> {
        const rows = this.all(
            `SELECT DISTINCT s.name FROM scopes s
             JOIN organization_role_resource_scopes rs ON rs.scope_id = s.id
             JOIN organization_application_roles ar ON ar.organization_role_id = rs.organization_role_id
             WHERE ar.organization_id = ? AND ar.application_id = ? AND s.resource_id = ?`,
            organizationId, applicationId, resourceId,
        );
        return new Set(rows.map((r) => String(r.name)));
    }
}
