import { DatabaseSync, type SQLInputValue } from "node:sqlite";
import { chmodSync, closeSync, openSync } from "node:fs";
import * as path from "node:path";
import { OrganizationStore, organizationSchema } from "./organization-store";

/**
 * Persistence for the local Logto: one SQLite file (Node's built-in `node:sqlite`, no native package to build).
 *
 * Why SQLite: every Management API call is one transaction, so a crash mid-write (kill -9, power loss) leaves
 * either the old or the new state, never a half-written file. WAL journaling keeps readers and the writer
 * apart and makes commits cheap; `synchronous=NORMAL` in WAL mode may lose the last commits on power loss but
 * never corrupts the database. `node:sqlite` is synchronous, so one request's database work runs to completion
 * before the event loop serves another: each request is atomic without locks.
 */

export const tenantId = "default";

export type RoleType = "User" | "MachineToMachine";
export const applicationTypes = ["Native", "SPA", "Traditional", "MachineToMachine", "Protected", "SAML"] as const;
export type ApplicationType = (typeof applicationTypes)[number];

export interface ResourceRow {
    id: string;
    name: string;
    indicator: string;
    isDefault: boolean;
    accessTokenTtl: number;
}
export interface ScopeRow {
    id: string;
    resourceId: string;
    name: string;
    description: string | null;
    createdAt: number;
}
export interface RoleRow {
    id: string;
    name: string;
    description: string;
    type: RoleType;
    isDefault: boolean;
    createdAt: number;
}
export interface ApplicationRow {
    id: string;
    name: string;
    description: string | null;
    type: ApplicationType;
    oidcClientMetadata: Record<string, unknown>;
    customClientMetadata: Record<string, unknown>;
    customData: Record<string, unknown>;
    isThirdParty: boolean;
    createdAt: number;
}
export interface SecretRow {
    applicationId: string;
    name: string;
    value: string;
    createdAt: number;
    expiresAt: number | null;
}

const schema = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS resources (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    indicator TEXT NOT NULL UNIQUE,
    is_default INTEGER NOT NULL DEFAULT 0,
    access_token_ttl REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS scopes (
    id TEXT PRIMARY KEY,
    resource_id TEXT NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT,
    created_at INTEGER NOT NULL,
    UNIQUE (resource_id, name)
);
CREATE TABLE IF NOT EXISTS roles (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE, -- BINARY collation: unique case-sensitively, like Logto
    description TEXT NOT NULL,
    type TEXT NOT NULL,
    is_default INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS roles_scopes (
    role_id TEXT NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    scope_id TEXT NOT NULL REFERENCES scopes(id) ON DELETE CASCADE,
    PRIMARY KEY (role_id, scope_id)
);
CREATE TABLE IF NOT EXISTS applications (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT,
    type TEXT NOT NULL,
    oidc_client_metadata TEXT NOT NULL,
    custom_client_metadata TEXT NOT NULL,
    custom_data TEXT NOT NULL,
    is_third_party INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS applications_roles (
    application_id TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    role_id TEXT NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    PRIMARY KEY (application_id, role_id)
);
CREATE TABLE IF NOT EXISTS application_secrets (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    UNIQUE (application_id, name)
);
`;

type Row = Record<string, SQLInputValue>;

const toResource = (r: Row): ResourceRow => ({
    id: String(r.id),
    name: String(r.name),
    indicator: String(r.indicator),
    isDefault: Number(r.is_default) === 1,
    accessTokenTtl: Number(r.access_token_ttl),
});
export const toScope = (r: Row): ScopeRow => ({
    id: String(r.id),
    resourceId: String(r.resource_id),
    name: String(r.name),
    description: r.description === null ? null : String(r.description),
    createdAt: Number(r.created_at),
});
const toRole = (r: Row): RoleRow => ({
    id: String(r.id),
    name: String(r.name),
    description: String(r.description),
    type: String(r.type) as RoleType,
    isDefault: Number(r.is_default) === 1,
    createdAt: Number(r.created_at),
});
export const toApplication = (r: Row): ApplicationRow => ({
    id: String(r.id),
    name: String(r.name),
    description: r.description === null ? null : String(r.description),
    type: String(r.type) as ApplicationType,
    oidcClientMetadata: JSON.parse(String(r.oidc_client_metadata)) as Record<string, unknown>,
    customClientMetadata: JSON.parse(String(r.custom_client_metadata)) as Record<string, unknown>,
    customData: JSON.parse(String(r.custom_data)) as Record<string, unknown>,
    isThirdParty: Number(r.is_third_party) === 1,
    createdAt: Number(r.created_at),
});
const toSecret = (r: Row): SecretRow => ({
    applicationId: String(r.application_id),
    name: String(r.name),
    value: String(r.value),
    createdAt: Number(r.created_at),
    expiresAt: r.expires_at === null ? null : Number(r.expires_at),
});

/** The tables of the local Logto, in Logto's nouns. Every method is synchronous; callers group writes with `transaction`. */
export class Store {
    private readonly db: DatabaseSync;
    private depth = 0;
    /** The organization tables, in the same database and transactions. */
    readonly organizations: OrganizationStore;

    constructor(dataDir: string) {
        const file = path.join(dataDir, "logto.sqlite");
        // It holds app secrets and the private signing key: owner only from its first byte (SQLite would create
        // it with the umask's mode, readable by others until a later chmod). An empty file is a new database,
        // and SQLite gives its WAL files the database file's mode.
        closeSync(openSync(file, "a", 0o600));
        chmodSync(file, 0o600);
        this.db = new DatabaseSync(file);
        this.db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;");
        this.db.exec(schema);
        this.db.exec(organizationSchema);
        this.organizations = new OrganizationStore(this.db);
    }

    close(): void {
        if (this.db.isOpen) this.db.close();
    }

    /** Runs `work` in one transaction (nested calls join the outer one): all of it lands, or none of it. */
    transaction<T>(work: () => T): T {
        if (this.depth > 0) return work();
        this.db.exec("BEGIN IMMEDIATE");
        this.depth++;
        try {
            const result = work();
            this.db.exec("COMMIT");
            return result;
        } catch (error) {
            this.db.exec("ROLLBACK");
            throw error;
        } finally {
            this.depth--;
        }
    }

    private all(sql: string, ...params: SQLInputValue[]): Row[] {
        return this.db.prepare(sql).all(...params) as Row[];
    }
    private get(sql: string, ...params: SQLInputValue[]): Row | undefined {
        return this.db.prepare(sql).get(...params) as Row | undefined;
    }
    private run(sql: string, ...params: SQLInputValue[]): number {
        return Number(this.db.prepare(sql).run(...params).changes);
    }

    // meta: the signing key and the bootstrap credentials
    getMeta(key: string): string | undefined {
        const row = this.get("SELECT value FROM meta WHERE key = ?", key);
        return row ? String(row.value) : undefined;
    }
    setMeta(key: string, value: string): void {
        this.run("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", key, value);
    }

    // resources
    listResources(): ResourceRow[] {
        return this.all("SELECT * FROM resources ORDER BY seq").map(toResource);
    }
    findResource(id: string): ResourceRow | undefined {
        const row = this.get("SELECT * FROM resources WHERE id = ?", id);
        return row && toResource(row);
    }
    findResourceByIndicator(indicator: string): ResourceRow | undefined {
        const row = this.get("SELECT * FROM resources WHERE indicator = ?", indicator);
        return row && toResource(row);
    }
    insertResource(r: ResourceRow): void {
        this.run(
            "INSERT INTO resources (id, name, indicator, is_default, access_token_ttl) VALUES (?, ?, ?, ?, ?)",
            r.id, r.name, r.indicator, r.isDefault ? 1 : 0, r.accessTokenTtl,
        );
    }
    updateResource(r: ResourceRow): void {
        this.run("UPDATE resources SET name = ?, is_default = ?, access_token_ttl = ? WHERE id = ?", r.name, r.isDefault ? 1 : 0, r.accessTokenTtl, r.id);
    }
    clearDefaultResource(): void {
        this.run("UPDATE resources SET is_default = 0");
    }
    deleteResource(id: string): number {
        return this.run("DELETE FROM resources WHERE id = ?", id);
    }

    // scopes
    listScopes(resourceId: string): ScopeRow[] {
        return this.all("SELECT * FROM scopes WHERE resource_id = ? ORDER BY name", resourceId).map(toScope);
    }
    listAllScopes(): ScopeRow[] {
        return this.all("SELECT * FROM scopes ORDER BY name").map(toScope);
    }
    findScope(id: string): ScopeRow | undefined {
        const row = this.get("SELECT * FROM scopes WHERE id = ?", id);
        return row && toScope(row);
    }
    findScopeByName(resourceId: string, name: string): ScopeRow | undefined {
        const row = this.get("SELECT * FROM scopes WHERE resource_id = ? AND name = ?", resourceId, name);
        return row && toScope(row);
    }
    insertScope(s: ScopeRow): void {
        this.run("INSERT INTO scopes (id, resource_id, name, description, created_at) VALUES (?, ?, ?, ?, ?)", s.id, s.resourceId, s.name, s.description, s.createdAt);
    }
    updateScope(s: ScopeRow): void {
        this.run("UPDATE scopes SET name = ?, description = ? WHERE id = ?", s.name, s.description, s.id);
    }
    deleteScope(id: string): number {
        return this.run("DELETE FROM scopes WHERE id = ?", id);
    }

    // roles
    listRoles(): RoleRow[] {
        return this.all("SELECT * FROM roles ORDER BY created_at DESC, seq DESC").map(toRole);
    }
    findRole(id: string): RoleRow | undefined {
        const row = this.get("SELECT * FROM roles WHERE id = ?", id);
        return row && toRole(row);
    }
    findRoleByName(name: string): RoleRow | undefined {
        const row = this.get("SELECT * FROM roles WHERE name = ?", name);
        return row && toRole(row);
    }
    insertRole(r: RoleRow): void {
        this.run("INSERT INTO roles (id, name, description, type, is_default, created_at) VALUES (?, ?, ?, ?, ?, ?)", r.id, r.name, r.description, r.type, r.isDefault ? 1 : 0, r.createdAt);
    }
    updateRole(r: RoleRow): void {
        this.run("UPDATE roles SET name = ?, description = ?, is_default = ? WHERE id = ?", r.name, r.description, r.isDefault ? 1 : 0, r.id);
    }
    deleteRole(id: string): number {
        return this.run("DELETE FROM roles WHERE id = ?", id);
    }

    // roles <-> scopes
    listRoleScopes(roleId: string): ScopeRow[] {
        return this.all(
            "SELECT s.* FROM scopes s JOIN roles_scopes rs ON rs.scope_id = s.id WHERE rs.role_id = ? ORDER BY s.name, s.id",
            roleId,
        ).map(toScope);
    }
    hasRoleScope(roleId: string, scopeId: string): boolean {
        return this.get("SELECT 1 AS x FROM roles_scopes WHERE role_id = ? AND scope_id = ?", roleId, scopeId) !== undefined;
    }
    insertRoleScope(roleId: string, scopeId: string): void {
        this.run("INSERT INTO roles_scopes (role_id, scope_id) VALUES (?, ?)", roleId, scopeId);
    }
    deleteRoleScope(roleId: string, scopeId: string): number {
        return this.run("DELETE FROM roles_scopes WHERE role_id = ? AND scope_id = ?", roleId, scopeId);
    }

    // applications
    listApplications(): ApplicationRow[] {
        // Newest first, as Logto lists them; seq breaks ties between apps created in the same millisecond.
        return this.all("SELECT * FROM applications ORDER BY created_at DESC, seq DESC").map(toApplication);
    }
    findApplication(id: string): ApplicationRow | undefined {
        const row = this.get("SELECT * FROM applications WHERE id = ?", id);
        return row && toApplication(row);
    }
    insertApplication(a: ApplicationRow): void {
        this.run(
            "INSERT INTO applications (id, name, description, type, oidc_client_metadata, custom_client_metadata, custom_data, is_third_party, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            a.id, a.name, a.description, a.type, JSON.stringify(a.oidcClientMetadata), JSON.stringify(a.customClientMetadata), JSON.stringify(a.customData), a.isThirdParty ? 1 : 0, a.createdAt,
        );
    }
    updateApplication(a: ApplicationRow): void {
        this.run(
            "UPDATE applications SET name = ?, description = ?, oidc_client_metadata = ?, custom_client_metadata = ?, custom_data = ?, is_third_party = ? WHERE id = ?",
            a.name, a.description, JSON.stringify(a.oidcClientMetadata), JSON.stringify(a.customClientMetadata), JSON.stringify(a.customData), a.isThirdParty ? 1 : 0, a.id,
        );
    }
    deleteApplication(id: string): number {
        return this.run("DELETE FROM applications WHERE id = ?", id);
    }

    // applications <-> roles
    listApplicationRoles(applicationId: string): RoleRow[] {
        return this.all(
            "SELECT r.* FROM roles r JOIN applications_roles ar ON ar.role_id = r.id WHERE ar.application_id = ? ORDER BY r.created_at DESC, r.seq DESC",
            applicationId,
        ).map(toRole);
    }
    listRoleApplications(roleId: string): ApplicationRow[] {
        return this.all(
            "SELECT a.* FROM applications a JOIN applications_roles ar ON ar.application_id = a.id WHERE ar.role_id = ? ORDER BY a.created_at DESC, a.seq DESC",
            roleId,
        ).map(toApplication);
    }
    hasApplicationRole(applicationId: string, roleId: string): boolean {
        return this.get("SELECT 1 AS x FROM applications_roles WHERE application_id = ? AND role_id = ?", applicationId, roleId) !== undefined;
    }
    insertApplicationRole(applicationId: string, roleId: string): void {
        this.run("INSERT INTO applications_roles (application_id, role_id) VALUES (?, ?)", applicationId, roleId);
    }
    deleteApplicationRole(applicationId: string, roleId: string): number {
        return this.run("DELETE FROM applications_roles WHERE application_id = ? AND role_id = ?", applicationId, roleId);
    }

    /** Scope names of `resourceId` the application holds through its machine-to-machine roles (the token grant). */
    grantedScopeNames(applicationId: string, resourceId: string): Set<string> {
        const rows = this.all(
            `SELECT DISTINCT s.name FROM scopes s
             JOIN roles_scopes rs ON rs.scope_id = s.id
             JOIN roles r ON r.id = rs.role_id AND r.type = 'MachineToMachine'
             JOIN applications_roles ar ON ar.role_id = r.id
             WHERE ar.application_id = ? AND s.resource_id = ?`,
            applicationId, resourceId,
        );
        return new Set(rows.map((r) => String(r.name)));
    }

    // application secrets
    listSecrets(applicationId: string): SecretRow[] {
        return this.all("SELECT * FROM application_secrets WHERE application_id = ? ORDER BY created_at, seq", applicationId).map(toSecret);
    }
    findSecret(applicationId: string, name: string): SecretRow | undefined {
        const row = this.get("SELECT * FROM application_secrets WHERE application_id = ? AND name = ?", applicationId, name);
        return row && toSecret(row);
    }
    insertSecret(s: SecretRow): void {
        this.run(
            "INSERT INTO application_secrets (application_id, name, value, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
            s.applicationId, s.name, s.value, s.createdAt, s.expiresAt,
        );
    }
    renameSecret(applicationId: string, name: string, newName: string): number {
        return this.run("UPDATE application_secrets SET name = ? WHERE application_id = ? AND name = ?", newName, applicationId, name);
    }
    deleteSecret(applicationId: string, name: string): number {
        return this.run("DELETE FROM application_secrets WHERE application_id = ? AND name = ?", applicationId, name);
    }
}
