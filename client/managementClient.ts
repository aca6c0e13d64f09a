import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { z } from "zod";
import { mayRetry, retryDelayMs, retryPolicy, type RetryPolicy } from "./backoff";
import { RequestBudget, type BudgetSpec } from "./budget";
import { LogtoApiError, LogtoResponseShapeError, OutcomeUnknownError, UnaddressableNameError } from "./errors";
import { pathSegment } from "./pathSegment";
import { apiErrorFromResponse, HttpTransport, UncertainOutcome, type HttpMethod, type HttpResponse } from "./http";
import {
    applicationListSchema, applicationSchema, applicationSecretListSchema, applicationSecretSchema,
    organizationMemberSchema, organizationRoleSchema, organizationSchema, organizationScopeSchema, parseResponse, resourceListSchema, resourceSchema, roleListSchema, roleSchema, roleScopeListSchema, scopeListSchema, scopeSchema,
    type Application, type ApplicationSecret, type Organization, type OrganizationRole, type OrganizationScope,
    type RawApplication, type RawOrganization, type Resource, type Role, type RoleScope,
    type RoleType, type Scope,
} from "./schemas";
import { isUsableIndicator, resolveConnection, type ConnectionSettings, type ResolvedConnection } from "./settings";
import { fetchClientCredentialsToken, TokenSource, tokenCacheKey, type TokenGrant } from "./tokenSource";

import { applicationMarkerKey } from "./marker";
export { applicationMarkerKey };

export interface ManagementClientOptions {
    /**
     * A budget instance; or a spec for the endpoint's shared budget (the first spec given for an endpoint wins);
     * or "off". Default: the endpoint's shared budget (LOGTO_REQUEST_BUDGET or 150/10s, burst 20).
     */
    budget?: RequestBudget | BudgetSpec | "off";
    retry?: Partial<RetryPolicy>;
    /** Per attempt: time to the response headers and longest pause in the body. Default 30 s. */
    fetchTimeoutMs?: number;
    /**
     * Clock for token expiry. Giving one also gives the client a token source of its own instead of the
     * process-wide one (tests use it to simulate a skewed clock).
     */
    now?: () => number;
    /** Source of randomness for backoff jitter (tests make it deterministic). */
    random?: () => number;
    /** Hard cap on pages of one paginated list (100 items each). Default 100. */
    maxPages?: number;
}

export interface ClientStats {
    /** Attempts sent to /api (retries included): what the server counts. */
    requests: number;
    /** Attempts at the token endpoint for the Management API token (shared by clients of the same credentials). */
    tokenRequests: number;
    /** Token requests made by `requestAppToken`. */
    appTokenRequests: number;
}

type Query = Record<string, string | number | boolean | undefined>;

interface CallOptions {
    query?: Query;
    body?: unknown;
    idempotent?: boolean;
}

const pageSize = 100;
/** Logto's ids are 21 characters of [a-z0-9] (seeded ones like `management-api` start with a letter too). */
const idCharacters = [..."0123456789abcdefghijklmnopqrstuvwxyz"];
const maxIdLength = 21;

/**
 * The Logto Management API, typed. Every call spends the endpoint's request budget, carries the shared
 * Management API token (refreshed once on a 401), and is retried per `HttpTransport`. Creates whose answer
 * was lost are resolved by looking the object up by its natural key (see `createResolving`).
 *
 * Lists are complete: always-paginated endpoints are read page by page (100 per page, stopping at
 * Total-Number or a short page, at most `maxPages`, never following Link, whose URLs drop /api; re-read in
 * id slices when rows moved between pages, see `listPaged`); endpoints that
 * paginate only on request are read in one unpaginated call, which is one request and a consistent snapshot
 * (resource order is unstable across pages).
 */
export class ManagementClient {
    readonly connection: ResolvedConnection;
    private readonly transport: HttpTransport;
    private readonly tokens: TokenSource;
    private readonly random: () => number;
    private readonly maxPages: number;
    private requestCount = 0;
    private appTokenRequestCount = 0;

    /**
     * The client shared by the process for these settings: all resources of one provider process share one
     * token and one budget. Options apply when the client is first made.
     */
    static forConnection(conn: ConnectionSettings, options?: ManagementClientOptions): ManagementClient {
        const resolved = resolveConnection(conn);
        const key = tokenCacheKey(resolved);
        let client = sharedClients.get(key);
        if (client === undefined) {
            client = new ManagementClient(resolved, options);
            sharedClients.set(key, client);
        }
        return client;
    }

    /** A client of its own (not cached); the token is still shared unless `options.now` is given. */
    constructor(conn: ConnectionSettings | ResolvedConnection, options: ManagementClientOptions = {}) {
        this.connection = resolveConnection(conn);
        const budget = options.budget instanceof RequestBudget ? options.budget
            : options.budget === "off" ? RequestBudget.unlimited()
                : RequestBudget.forEndpoint(this.connection.endpoint, options.budget);
        this.random = options.random ?? Math.random;
        this.maxPages = options.maxPages ?? 100;
        this.transport = new HttpTransport({
            budget,
            retry: retryPolicy(options.retry),
            timeoutMs: options.fetchTimeoutMs ?? 30_000,
            random: this.random,
        });
        this.tokens = options.now !== undefined
            ? new TokenSource(this.connection, this.transport, { now: options.now })
            : TokenSource.shared(this.connection, this.transport);
    }

    stats(): ClientStats {
        return { requests: this.requestCount, tokenRequests: this.tokens.tokenRequests, appTokenRequests: this.appTokenRequestCount };
    }

    /** The token source (e.g. to invalidate the token). */
    get tokenSource(): TokenSource {
        return this.tokens;
    }

    get budget(): RequestBudget {
        return this.transport.budget;
    }

    // ---- API resources -------------------------------------------------------------------------------------

    async listResources(opts: { includeScopes?: boolean } = {}): Promise<Resource[]> {
        return this.getJson(resourceListSchema, "/api/resources", opts.includeScopes === true ? { includeScopes: "true" } : {});
    }

    async getResource(id: string): Promise<Resource | undefined> {
        return this.orUndefined(this.getJson(resourceSchema, `/api/resources/${seg(id)}`));
    }

    /** Exact string compare (a trailing slash matters, as for Logto). GET /api/resources ignores `search`. */
    async findResourceByIndicator(indicator: string): Promise<Resource | undefined> {
        return (await this.listResources()).find((r) => r.indicator === indicator);
    }

    async createResource(input: { name: string; indicator: string; accessTokenTtl?: number }): Promise<Resource> {
        // Logto stores any string, but its token endpoint refuses a non-absolute URI or one with a fragment:
        // such a resource could never be used.
        if (!isUsableIndicator(input.indicator)) {
            throw new RangeError(`API resource indicator ${JSON.stringify(input.indicator)} must be an absolute URI without a fragment`);
        }
        const body = { name: input.name, indicator: input.indicator, ...(input.accessTokenTtl !== undefined ? { accessTokenTtl: input.accessTokenTtl } : {}) };
        return this.createResolving({
            path: "/api/resources",
            naturalKey: `API resource indicator ${JSON.stringify(input.indicator)}`,
            conflictCode: "resource.resource_identifier_in_use",
            send: () => this.postJson(resourceSchema, "/api/resources", body),
            lookup: () => this.findResourceByIndicator(input.indicator),
        });
    }

    /** The indicator is immutable in Logto; only name and token lifetime change. */
    async updateResource(id: string, patch: { name?: string; accessTokenTtl?: number }): Promise<Resource> {
        const body = defined({ name: patch.name, accessTokenTtl: patch.accessTokenTtl });
        if (Object.keys(body).length === 0) {
            // Logto answers 422 to an empty PATCH; an empty change is a read.
            return this.getJson(resourceSchema, `/api/resources/${seg(id)}`);
        }
        return this.json(resourceSchema, "PATCH", `/api/resources/${seg(id)}`, { body });
    }

    async deleteResource(id: string): Promise<boolean> {
        return this.deleteIfExists(`/api/resources/${seg(id)}`);
    }

    /** The built-in Management API resource of this tenant (by the connection's indicator), with its scopes. */
    async getManagementApiResource(): Promise<Resource & { scopes: Scope[] }> {
        const resources = await this.listResources({ includeScopes: true });
        const found = resources.find((r) => r.indicator === this.connection.managementIndicator);
        if (found === undefined) {
            throw new LogtoApiError({
                status: 404,
                code: "entity.not_found",
                method: "GET",
                path: "/api/resources",
                logtoMessage: `no API resource has the indicator ${this.connection.managementIndicator}`,
                hint: "check tenantId / managementIndicator",
            });
        }
        return { ...found, scopes: found.scopes ?? [] };
    }

    // ---- Scopes (permissions) ------------------------------------------------------------------------------

    async listScopes(resourceId: string): Promise<Scope[]> {
        return this.listPaged(scopeSchema, `/api/resources/${seg(resourceId)}/scopes`);
    }

    /** Exact, case-sensitive name. `undefined` also when the resource does not exist. */
    async findScopeByName(resourceId: string, name: string): Promise<Scope | undefined> {
        // `search` is SQL LIKE, case-insensitive: the result is a superset of the exact match, filtered here. A
        // backslash is LIKE's escape character and could hide the exact match, so such names list everything.
        const query: Query = name.includes("\\") ? {} : { search: name };
        const scopes = await this.orUndefined(this.listPaged(scopeSchema, `/api/resources/${seg(resourceId)}/scopes`, query));
        return scopes?.find((s) => s.name === name);
    }

    async createScope(resourceId: string, input: { name: string; description?: string }): Promise<Scope> {
        const path = `/api/resources/${seg(resourceId)}/scopes`;
        const body = defined({ name: input.name, description: input.description });
        return this.createResolving({
            path,
            naturalKey: `permission name ${JSON.stringify(input.name)} of API resource ${resourceId}`,
            conflictCode: "scope.name_exists",
            send: () => this.postJson(scopeSchema, path, body),
            lookup: () => this.findScopeByName(resourceId, input.name),
        });
    }

    async updateScope(resourceId: string, scopeId: string, patch: { name?: string; description?: string | null }): Promise<Scope> {
        const body = defined({ name: patch.name, description: patch.description });
        if (Object.keys(body).length === 0) {
            // There is no GET of one scope (405): read it from the list.
            const found = (await this.listScopes(resourceId)).find((s) => s.id === scopeId);
            if (found === undefined) {
                throw new LogtoApiError({ status: 404, code: "entity.not_found", method: "GET", path: `/api/resources/${resourceId}/scopes`, logtoMessage: `no permission with ID ${scopeId}` });
            }
            return found;
        }
        return this.json(scopeSchema, "PATCH", `/api/resources/${seg(resourceId)}/scopes/${seg(scopeId)}`, { body });
    }

    async deleteScope(resourceId: string, scopeId: string): Promise<boolean> {
        return this.deleteIfExists(`/api/resources/${seg(resourceId)}/scopes/${seg(scopeId)}`);
    }

    // ---- Roles ---------------------------------------------------------------------------------------------

    async listRoles(opts: { type?: RoleType } = {}): Promise<Role[]> {
        return this.listPaged(roleSchema, "/api/roles", opts.type !== undefined ? { type: opts.type } : {});
    }

    async getRole(id: string): Promise<Role | undefined> {
        return this.orUndefined(this.getJson(roleSchema, `/api/roles/${seg(id)}`));
    }

    /** Exact, case-sensitive (role names are unique per tenant across both role types). */
    async findRoleByName(name: string): Promise<Role | undefined> {
        const roles = await this.listPaged(roleSchema, "/api/roles", { "search.name": name, "mode.name": "exact", isCaseSensitive: "true" });
        return roles.find((r) => r.name === name);
    }

    /**
     * Creates the role without scopes: Logto's create with `scopeIds` inserts the role before checking them, so
     * a bad id leaves a role behind. Assign scopes with `addRoleScopes`.
     */
    async createRole(input: { name: string; description: string; type: "MachineToMachine" }): Promise<Role> {
        const body = { name: input.name, description: input.description, type: input.type };
        return this.createResolving({
            path: "/api/roles",
            naturalKey: `role name ${JSON.stringify(input.name)}`,
            conflictCode: "role.name_in_use",
            send: () => this.postJson(roleSchema, "/api/roles", body),
            lookup: () => this.findRoleByName(input.name),
        });
    }

    async updateRole(id: string, patch: { name?: string; description?: string }): Promise<Role> {
        const body = defined({ name: patch.name, description: patch.description });
        if (Object.keys(body).length === 0) {
            return this.getJson(roleSchema, `/api/roles/${seg(id)}`);
        }
        return this.json(roleSchema, "PATCH", `/api/roles/${seg(id)}`, { body });
    }

    async deleteRole(id: string): Promise<boolean> {
        return this.deleteIfExists(`/api/roles/${seg(id)}`);
    }

    async listRoleScopes(roleId: string): Promise<RoleScope[]> {
        return this.getJson(roleScopeListSchema, `/api/roles/${seg(roleId)}/scopes`);
    }

    /**
     * Adds scopes to a role; already-assigned ones are fine. Logto refuses the whole batch with 422
     * `role.scope_exists` if any is assigned, so on that answer the missing ones are added one by one.
     */
    async addRoleScopes(roleId: string, scopeIds: string[]): Promise<void> {
        const wanted = [...new Set(scopeIds)];
        if (wanted.length === 0) {
            return;
        }
        const path = `/api/roles/${seg(roleId)}/scopes`;
        // Repeating this POST is harmless: if an earlier attempt was applied, the repeat gets role.scope_exists,
        // which is handled below. So it is retried like an idempotent request.
        try {
            await this.call("POST", path, { body: { scopeIds: wanted }, idempotent: true });
            return;
        } catch (error) {
            if (!(error instanceof LogtoApiError && error.code === "role.scope_exists")) {
                throw error;
            }
        }
        const assigned = new Set((await this.listRoleScopes(roleId)).map((s) => s.id));
        for (const scopeId of wanted.filter((id) => !assigned.has(id))) {
            try {
                await this.call("POST", path, { body: { scopeIds: [scopeId] }, idempotent: true });
            } catch (error) {
                if (!(error instanceof LogtoApiError && error.code === "role.scope_exists")) {
                    throw error;
                }
            }
        }
    }

    async removeRoleScope(roleId: string, scopeId: string): Promise<boolean> {
        return this.deleteIfExists(`/api/roles/${seg(roleId)}/scopes/${seg(scopeId)}`);
    }

    // ---- Applications ---------------------------------------------------------------------------------------

    /** Machine-to-machine applications. */
    async listApplications(): Promise<Application[]> {
        const raw = await this.getJson(applicationListSchema, "/api/applications", { types: "MachineToMachine" });
        return raw.map(toApplication);
    }

    async getApplication(id: string): Promise<Application | undefined> {
        const raw = await this.orUndefined(this.getJson(applicationSchema, `/api/applications/${seg(id)}`));
        return raw === undefined ? undefined : toApplication(raw);
    }

    /** The M2M application whose customData carries this marker (see `createApplication`). */
    async findApplicationByMarker(marker: string): Promise<Application | undefined> {
        return (await this.listApplications()).find((a) => a.marker === marker);
    }

    /**
     * Creates a machine-to-machine application. Application names are not unique, so the create carries a
     * marker: a fresh UUID in `customData.__pulumiLogtoM2M`, by which a create whose answer was lost is found.
     * The returned and later-read `Application.customData` leave the marker out; it is in `Application.marker`.
     * The new app's usable secret is the auto-created "Default secret" (see `listApplicationSecrets`).
     * `options.marker` replaces the generated marker (a caller that records it before creating can find the app
     * after an interruption); it must be unique.
     */
    async createApplication(input: { name: string; description?: string; customData?: Record<string, unknown> }, options: { marker?: string } = {}): Promise<Application> {
        assertNoMarkerKey(input.customData);
        const marker = options.marker ?? randomUUID();
        const body = {
            name: input.name,
            type: "MachineToMachine",
            ...(input.description !== undefined ? { description: input.description } : {}),
            customData: { ...(input.customData ?? {}), [applicationMarkerKey]: marker },
        };
        return this.createResolving({
            path: "/api/applications",
            naturalKey: `application marker ${marker}`,
            send: async () => toApplication(await this.postJson(applicationSchema, "/api/applications", body)),
            lookup: () => this.findApplicationByMarker(marker),
        });
    }

    /** customData is replaced whole (as in Logto), the marker kept. Giving customData costs one extra read. */
    async updateApplication(id: string, patch: { name?: string; description?: string | null; customData?: Record<string, unknown> }): Promise<Application> {
        const path = `/api/applications/${seg(id)}`;
        let customData: Record<string, unknown> | undefined;
        if (patch.customData !== undefined) {
            assertNoMarkerKey(patch.customData);
            const current = await this.getJson(applicationSchema, path);
            const marker = current.customData[applicationMarkerKey];
            customData = marker === undefined ? { ...patch.customData } : { ...patch.customData, [applicationMarkerKey]: marker };
        }
        const body = defined({ name: patch.name, description: patch.description, customData });
        if (Object.keys(body).length === 0) {
            return toApplication(await this.getJson(applicationSchema, path));
        }
        return toApplication(await this.json(applicationSchema, "PATCH", path, { body }));
    }

    async deleteApplication(id: string): Promise<boolean> {
        return this.deleteIfExists(`/api/applications/${seg(id)}`);
    }

    async listApplicationRoles(appId: string): Promise<Role[]> {
        return this.listPaged(roleSchema, `/api/applications/${seg(appId)}/roles`);
    }

    /** POST (idempotent since Logto 1.41), never PUT: PUT replaces the set and misbehaves when nothing is new. */
    async addApplicationRoles(appId: string, roleIds: string[]): Promise<void> {
        const wanted = [...new Set(roleIds)];
        if (wanted.length === 0) {
            return;
        }
        await this.call("POST", `/api/applications/${seg(appId)}/roles`, { body: { roleIds: wanted }, idempotent: true });
    }

    async removeApplicationRole(appId: string, roleId: string): Promise<boolean> {
        return this.deleteIfExists(`/api/applications/${seg(appId)}/roles/${seg(roleId)}`);
    }

    /** All secrets with their values (Logto returns them in plain text; handle as secrets). */
    async listApplicationSecrets(appId: string): Promise<ApplicationSecret[]> {
        return this.getJson(applicationSecretListSchema, `/api/applications/${seg(appId)}/secrets`);
    }

    /** `expiresAt` in epoch milliseconds, in the future. */
    async createApplicationSecret(appId: string, input: { name: string; expiresAt?: number }): Promise<ApplicationSecret> {
        const path = `/api/applications/${seg(appId)}/secrets`;
        const body = defined({ name: input.name, expiresAt: input.expiresAt });
        return this.createResolving({
            path,
            naturalKey: `secret name ${JSON.stringify(input.name)} of application ${appId}`,
            conflictCode: "application.secret_name_exists",
            send: () => this.postJson(applicationSecretSchema, path, body),
            lookup: async () => (await this.orUndefined(this.listApplicationSecrets(appId)))?.find((s) => s.name === input.name),
        });
    }

    async deleteApplicationSecret(appId: string, name: string): Promise<boolean> {
        return this.deleteIfExists(`/api/applications/${seg(appId)}/secrets/${seg(name)}`);
    }

    // ---- Organizations ---------------------------------------------------------------------------------------
    // Lists of organizations, their members and the organization permissions and roles are read page by page:
    // Logto paginates some of them always (organizations, members) and the others on request.

    async listOrganizationScopes(opts: { search?: string } = {}): Promise<OrganizationScope[]> {
        return this.listPaged(organizationScopeSchema, "/api/organization-scopes", likeQuery(opts.search));
    }

    async getOrganizationScope(id: string): Promise<OrganizationScope | undefined> {
        return this.orUndefined(this.getJson(organizationScopeSchema, `/api/organization-scopes/${seg(id)}`));
    }

    /** Exact, case-sensitive (names are unique per tenant). */
    async findOrganizationScopeByName(name: string): Promise<OrganizationScope | undefined> {
        return (await this.listOrganizationScopes({ search: name })).find((s) => s.name === name);
    }

    async createOrganizationScope(input: { name: string; description?: string }): Promise<OrganizationScope> {
        const body = defined({ name: input.name, description: input.description });
        return this.createResolving({
            path: "/api/organization-scopes",
            naturalKey: `organization permission name ${JSON.stringify(input.name)}`,
            conflictCode: organizationConflictCode,
            send: () => this.postJson(organizationScopeSchema, "/api/organization-scopes", body),
            lookup: () => this.findOrganizationScopeByName(input.name),
        });
    }

    async updateOrganizationScope(id: string, patch: { name?: string; description?: string | null }): Promise<OrganizationScope> {
        const path = `/api/organization-scopes/${seg(id)}`;
        const body = defined({ name: patch.name, description: patch.description });
        if (Object.keys(body).length === 0) return this.getJson(organizationScopeSchema, path);
        return this.json(organizationScopeSchema, "PATCH", path, { body });
    }

    /** Logto removes it from every organization role with it. */
    async deleteOrganizationScope(id: string): Promise<boolean> {
        return this.deleteIfExists(`/api/organization-scopes/${seg(id)}`);
    }

    async listOrganizationRoles(opts: { search?: string } = {}): Promise<OrganizationRole[]> {
        return this.listPaged(organizationRoleSchema, "/api/organization-roles", likeQuery(opts.search));
    }

    async getOrganizationRole(id: string): Promise<OrganizationRole | undefined> {
        return this.orUndefined(this.getJson(organizationRoleSchema, `/api/organization-roles/${seg(id)}`));
    }

    /** Exact, case-sensitive (names are unique per tenant across both types). */
    async findOrganizationRoleByName(name: string): Promise<OrganizationRole | undefined> {
        return (await this.listOrganizationRoles({ search: name })).find((r) => r.name === name);
    }

    /**
     * Creates the role with its permissions in one call: Logto checks the ids before it inserts anything (a bad
     * id is 422 `entity.relation_foreign_key_not_found` and leaves no role behind).
     */
    async createOrganizationRole(input: { name: string; description?: string; type: RoleType; organizationScopeIds?: string[]; resourceScopeIds?: string[] }): Promise<OrganizationRole> {
        const body = defined({
            name: input.name,
            description: input.description,
            type: input.type,
            organizationScopeIds: input.organizationScopeIds,
            resourceScopeIds: input.resourceScopeIds,
        });
        return this.createResolving({
            path: "/api/organization-roles",
            naturalKey: `organization role name ${JSON.stringify(input.name)}`,
            conflictCode: organizationConflictCode,
            send: () => this.postJson(organizationRoleSchema, "/api/organization-roles", body),
            lookup: () => this.findOrganizationRoleByName(input.name),
        });
    }

    async updateOrganizationRole(id: string, patch: { name?: string; description?: string | null }): Promise<OrganizationRole> {
        const path = `/api/organization-roles/${seg(id)}`;
        const body = defined({ name: patch.name, description: patch.description });
        if (Object.keys(body).length === 0) return this.getJson(organizationRoleSchema, path);
        return this.json(organizationRoleSchema, "PATCH", path, { body });
    }

    /** Logto removes it from every member with it. */
    async deleteOrganizationRole(id: string): Promise<boolean> {
        return this.deleteIfExists(`/api/organization-roles/${seg(id)}`);
    }

    async listOrganizationRoleScopes(roleId: string): Promise<OrganizationScope[]> {
        return this.listPaged(organizationScopeSchema, `/api/organization-roles/${seg(roleId)}/scopes`);
    }

    /** Idempotent in Logto (already assigned ones are skipped: 201), so retried like an idempotent request. */
    async addOrganizationRoleScopes(roleId: string, organizationScopeIds: string[]): Promise<void> {
        const wanted = [...new Set(organizationScopeIds)];
        if (wanted.length === 0) return;
        await this.call("POST", `/api/organization-roles/${seg(roleId)}/scopes`, { body: { organizationScopeIds: wanted }, idempotent: true });
    }

    async removeOrganizationRoleScope(roleId: string, scopeId: string): Promise<boolean> {
        return this.deleteIfExists(`/api/organization-roles/${seg(roleId)}/scopes/${seg(scopeId)}`);
    }

    /** The API resource permissions the role grants. */
    async listOrganizationRoleResourceScopes(roleId: string): Promise<Scope[]> {
        return this.listPaged(scopeSchema, `/api/organization-roles/${seg(roleId)}/resource-scopes`);
    }

    /** Idempotent in Logto, as `addOrganizationRoleScopes`. */
    async addOrganizationRoleResourceScopes(roleId: string, scopeIds: string[]): Promise<void> {
        const wanted = [...new Set(scopeIds)];
        if (wanted.length === 0) return;
        await this.call("POST", `/api/organization-roles/${seg(roleId)}/resource-scopes`, { body: { scopeIds: wanted }, idempotent: true });
    }

    async removeOrganizationRoleResourceScope(roleId: string, scopeId: string): Promise<boolean> {
        return this.deleteIfExists(`/api/organization-roles/${seg(roleId)}/resource-scopes/${seg(scopeId)}`);
    }

    async listOrganizations(opts: { search?: string } = {}): Promise<Organization[]> {
        return (await this.listPaged(organizationSchema, "/api/organizations", likeQuery(opts.search))).map(toOrganization);
    }

    async getOrganization(id: string): Promise<Organization | undefined> {
        const raw = await this.orUndefined(this.getJson(organizationSchema, `/api/organizations/${seg(id)}`));
        return raw === undefined ? undefined : toOrganization(raw);
    }

    /** Every organization of exactly this name (case-sensitive): names repeat in Logto. */
    async findOrganizationsByName(name: string): Promise<Organization[]> {
        return (await this.listOrganizations({ search: name })).filter((o) => o.name === name);
    }

    /**
     * The organization whose customData carries this marker (see `createOrganization`). Given the name it was
     * created with, only organizations of that name are listed (a tenant may hold thousands).
     */
    async findOrganizationByMarker(marker: string, name?: string): Promise<Organization | undefined> {
        const candidates = name === undefined ? await this.listOrganizations() : await this.findOrganizationsByName(name);
        return candidates.find((o) => o.marker === marker);
    }

    /**
     * Creates an organization. Names are not unique, so, as for applications, the create carries a marker in
     * `customData.__pulumiLogtoM2M` by which a create whose answer was lost is found (`options.marker` to give it).
     */
    async createOrganization(input: { name: string; description?: string; customData?: Record<string, unknown> }, options: { marker?: string } = {}): Promise<Organization> {
        assertNoMarkerKey(input.customData);
        const marker = options.marker ?? randomUUID();
        const body = {
            name: input.name,
            ...(input.description !== undefined ? { description: input.description } : {}),
            customData: { ...(input.customData ?? {}), [applicationMarkerKey]: marker },
        };
        return this.createResolving({
            path: "/api/organizations",
            naturalKey: `organization marker ${marker}`,
            send: async () => toOrganization(await this.postJson(organizationSchema, "/api/organizations", body)),
            lookup: () => this.findOrganizationByMarker(marker, input.name),
        });
    }

    /** customData is replaced whole, the marker kept. Giving customData costs one extra read. */
    async updateOrganization(id: string, patch: { name?: string; description?: string | null; customData?: Record<string, unknown> }): Promise<Organization> {
        const path = `/api/organizations/${seg(id)}`;
        let customData: Record<string, unknown> | undefined;
        if (patch.customData !== undefined) {
            assertNoMarkerKey(patch.customData);
            const marker = (await this.getJson(organizationSchema, path)).customData[applicationMarkerKey];
            customData = marker === undefined ? { ...patch.customData } : { ...patch.customData, [applicationMarkerKey]: marker };
        }
        const body = defined({ name: patch.name, description: patch.description, customData });
        if (Object.keys(body).length === 0) return toOrganization(await this.getJson(organizationSchema, path));
        return toOrganization(await this.json(organizationSchema, "PATCH", path, { body }));
    }

    /** Logto removes its memberships (and their organization roles) with it. */
    async deleteOrganization(id: string): Promise<boolean> {
        return this.deleteIfExists(`/api/organizations/${seg(id)}`);
    }

    /** The member applications' ids. (Logto answers 200 [] for an organization that does not exist.) */
    async listOrganizationApplicationIds(organizationId: string): Promise<string[]> {
        return (await this.listPaged(organizationMemberSchema, `/api/organizations/${seg(organizationId)}/applications`)).map((a) => a.id);
    }

    /** Idempotent in Logto (members already in are fine: 201). */
    async addOrganizationApplications(organizationId: string, applicationIds: string[]): Promise<void> {
        const wanted = [...new Set(applicationIds)];
        if (wanted.length === 0) return;
        await this.call("POST", `/api/organizations/${seg(organizationId)}/applications`, { body: { applicationIds: wanted }, idempotent: true });
    }

    /** Removes the membership with its organization roles. */
    async removeOrganizationApplication(organizationId: string, applicationId: string): Promise<boolean> {
        return this.deleteIfExists(`/api/organizations/${seg(organizationId)}/applications/${seg(applicationId)}`);
    }

    /** The member's organization roles; `undefined` when the app is not a member (422 organization.require_membership). */
    async listOrganizationApplicationRoles(organizationId: string, applicationId: string): Promise<OrganizationRole[] | undefined> {
        try {
            return await this.listPaged(organizationRoleSchema, `/api/organizations/${seg(organizationId)}/applications/${seg(applicationId)}/roles`);
        } catch (error) {
            if (error instanceof LogtoApiError && error.code === notMemberCode) return undefined;
            throw error;
        }
    }

    /** Idempotent in Logto. The app must be a member (else 422 organization.require_membership). */
    async addOrganizationApplicationRoles(organizationId: string, applicationId: string, organizationRoleIds: string[]): Promise<void> {
        const wanted = [...new Set(organizationRoleIds)];
        if (wanted.length === 0) return;
        await this.call("POST", `/api/organizations/${seg(organizationId)}/applications/${seg(applicationId)}/roles`,
            { body: { organizationRoleIds: wanted }, idempotent: true });
    }

    /** False when the role was not held, or the app is no member any more. */
    async removeOrganizationApplicationRole(organizationId: string, applicationId: string, roleId: string): Promise<boolean> {
        try {
            return await this.deleteIfExists(`/api/organizations/${seg(organizationId)}/applications/${seg(applicationId)}/roles/${seg(roleId)}`);
        } catch (error) {
            if (error instanceof LogtoApiError && error.code === notMemberCode) return false;
            throw error;
        }
    }

    // ---- Tokens for verification ----------------------------------------------------------------------------

    /**
     * Requests a client-credentials token as the given app (not cached): to verify what an app is granted.
     * `scope` lists what Logto granted (requested scopes the app does not hold are dropped silently).
     */
    async requestAppToken(appId: string, appSecret: string, resource: string, scopes: string[]): Promise<TokenGrant> {
        return fetchClientCredentialsToken({
            transport: this.transport,
            tokenEndpoint: this.connection.tokenEndpoint,
            appId,
            appSecret,
            resource,
            scopes,
            onAttempt: () => {
                this.appTokenRequestCount++;
            },
        });
    }

    // ---- Plumbing ---------------------------------------------------------------------------------------------

    private url(path: string, query: Query = {}): string {
        const params = new URLSearchParams();
        for (const [key, value] of Object.entries(query)) {
            if (value !== undefined) {
                params.set(key, String(value));
            }
        }
        const search = params.toString();
        const url = `${this.connection.endpoint}${path}${search === "" ? "" : `?${search}`}`;
        // Whatever a URL parser would still normalise must not send the request elsewhere than `path` says.
        if (!new URL(url).pathname.endsWith(path)) {
            throw new UnaddressableNameError(path, path);
        }
        return url;
    }

    /**
     * One API call: a 2xx response, or `LogtoApiError`. A 401 drops the token (only that one: concurrent
     * callers share the refresh) and retries once with a fresh token; a 401 is answered before any handler
     * runs, so repeating even a POST is safe.
     */
    private async call(method: HttpMethod, path: string, options: CallOptions = {}): Promise<HttpResponse> {
        const url = this.url(path, options.query);
        const body = options.body === undefined ? undefined : JSON.stringify(options.body);
        let token = await this.tokens.getToken();
        for (let refreshed = false; ; refreshed = true) {
            const response = await this.transport.send({
                method,
                url,
                headers: {
                    authorization: `Bearer ${token}`,
                    accept: "application/json",
                    ...(body !== undefined ? { "content-type": "application/json" } : {}),
                },
                ...(body !== undefined ? { body } : {}),
                ...(options.idempotent !== undefined ? { idempotent: options.idempotent } : {}),
            }, {
                onAttempt: () => {
                    this.requestCount++;
                },
            });
            if (response.status >= 200 && response.status < 300) {
                return response;
            }
            if (response.status === 401 && !refreshed) {
                this.tokens.invalidate(token);
                token = await this.tokens.getToken();
                continue;
            }
            throw apiErrorFromResponse(method, path, response);
        }
    }

    private async json<S extends z.ZodType>(schema: S, method: HttpMethod, path: string, options: CallOptions = {}): Promise<z.output<S>> {
        const response = await this.call(method, path, options);
        let data: unknown;
        try {
            data = response.body === "" ? undefined : JSON.parse(response.body);
        } catch {
            throw new LogtoResponseShapeError(`${method} ${path}`, "(body)", "not JSON");
        }
        return parseResponse(schema, data, `${method} ${path}`);
    }

    private getJson<S extends z.ZodType>(schema: S, path: string, query: Query = {}): Promise<z.output<S>> {
        return this.json(schema, "GET", path, { query });
    }

    private postJson<S extends z.ZodType>(schema: S, path: string, body: unknown): Promise<z.output<S>> {
        return this.json(schema, "POST", path, { body, idempotent: false });
    }

    /**
     * Reads every row of an always-paginated list. Logto 1.42 pages several lists with no ORDER BY, so a row can
     * move between two page reads and be on none of them: the pages are read once (duplicates dropped by id),
     * and when they hold fewer rows than Total-Number the list is read again in slices that each fit one page,
     * by the first characters of the id (`search.id=<prefix>%`, joined with AND to the caller's search). One
     * page is one query, complete whatever the order.
     */
    private async listPaged<S extends z.ZodType<{ id: string }>>(itemSchema: S, path: string, query: Query = {}): Promise<Array<z.output<S>>> {
        const byId = new Map<string, z.output<S>>();
        for (let page = 1; page <= this.maxPages; page++) {
            const { items, total } = await this.readPage(itemSchema, path, { ...query, page, page_size: pageSize });
            for (const item of items) byId.set(item.id, item);
            if (items.length < pageSize || (total !== undefined && page * pageSize >= total)) {
                if (total === undefined || byId.size >= total) return [...byId.values()];
                await this.readSlices(itemSchema, path, query, "", byId);
                if (byId.size < total) {
                    throw new Error(`Logto GET ${path}: Total-Number is ${total} but only ${byId.size} distinct rows could be read`);
                }
                return [...byId.values()];
            }
        }
        throw new Error(`Logto GET ${path}: more than ${this.maxPages} pages of ${pageSize}; refusing to read further (raise maxPages)`);
    }

    /** The rows whose id starts with `prefix` + one more id character, narrowing each slice until it fits a page. */
    private async readSlices<S extends z.ZodType<{ id: string }>>(itemSchema: S, path: string, query: Query, prefix: string, into: Map<string, z.output<S>>): Promise<void> {
        for (const char of idCharacters) {
            const slice = `${prefix}${char}`;
            const { items, total } = await this.readPage(itemSchema, path, { ...query, "search.id": `${slice}%`, joint: "and", page: 1, page_size: pageSize });
            for (const item of items) into.set(item.id, item);
            if ((total ?? items.length) > items.length && slice.length < maxIdLength) await this.readSlices(itemSchema, path, query, slice, into);
        }
    }

    private async readPage<S extends z.ZodType<{ id: string }>>(itemSchema: S, path: string, query: Query): Promise<{ items: Array<z.output<S>>; total: number | undefined }> {
        const response = await this.call("GET", path, { query });
        let data: unknown;
        try {
            data = JSON.parse(response.body);
        } catch {
            throw new LogtoResponseShapeError(`GET ${path}`, "(body)", "not JSON");
        }
        const items = parseResponse(itemSchema.array(), data, `GET ${path}`) as Array<z.output<S>>;
        const totalHeader = headerValue(response.headers["total-number"]);
        const total = totalHeader === undefined ? Number.NaN : Number(totalHeader);
        return { items, total: Number.isFinite(total) ? total : undefined };
    }

    private async orUndefined<T>(promise: Promise<T>): Promise<T | undefined> {
        try {
            return await promise;
        } catch (error) {
            if (error instanceof LogtoApiError && error.isNotFound) {
                return undefined;
            }
            throw error;
        }
    }

    /**
     * DELETE; true when it is gone. A 404 is `false`, except after a retry: the lost first attempt deleted it.
     */
    private async deleteIfExists(path: string): Promise<boolean> {
        try {
            await this.call("DELETE", path);
            return true;
        } catch (error) {
            if (error instanceof LogtoApiError && error.isNotFound) {
                return error.attempts > 1;
            }
            throw error;
        }
    }

    /**
     * A create that is never blindly repeated. When the transport cannot tell whether the POST was applied
     * (a reset or timeout after sending, or a 5xx), the object is looked up by its natural key: found, it is
     * returned (no duplicate); provably absent, the create is sent again (bounded like any retry); lookup
     * failing, `OutcomeUnknownError`. A conflict answer (`conflictCode`) to such a repeat means an earlier attempt
     * landed after the lookup, so the lookup is made once more.
     */
    private async createResolving<T>(init: {
        path: string;
        naturalKey: string;
        conflictCode?: string;
        send: () => Promise<T>;
        lookup: () => Promise<T | undefined>;
    }): Promise<T> {
        const policy = this.transport.retry;
        const startedAt = Date.now();
        let uncertain: UncertainOutcome | undefined;
        for (let attempt = 1; ; attempt++) {
            try {
                return await init.send();
            } catch (error) {
                if (uncertain !== undefined && error instanceof LogtoApiError && init.conflictCode !== undefined && error.code === init.conflictCode) {
                    const found = await this.lookupOrUnknown(init, error);
                    if (found !== undefined) {
                        return found;
                    }
                    throw error;
                }
                if (!(error instanceof UncertainOutcome)) {
                    throw error;
                }
                uncertain = error;
            }
            const found = await this.lookupOrUnknown(init, uncertain.cause);
            if (found !== undefined) {
                return found;
            }
            const delay = retryDelayMs(attempt, policy, undefined, this.random);
            if (!mayRetry(attempt, Date.now() - startedAt, delay, policy)) {
                // The lookup proved the object absent: the outcome is known (not created).
                throw uncertain.cause;
            }
            await sleep(delay);
        }
    }

    private async lookupOrUnknown<T>(init: { path: string; naturalKey: string; lookup: () => Promise<T | undefined> }, cause: unknown): Promise<T | undefined> {
        try {
            return await init.lookup();
        } catch (lookupError) {
            throw new OutcomeUnknownError({
                method: "POST",
                path: init.path,
                naturalKey: init.naturalKey,
                cause: new AggregateError([cause, lookupError], `${describe(cause)}; lookup: ${describe(lookupError)}`),
            });
        }
    }
}

const sharedClients = new Map<string, ManagementClient>();

function describe(error: unknown): string {
    return error instanceof Error ? error.message : String(error);
}

/** A name or id as one path segment; refuses (nothing sent) one that a URL parser would resolve, such as "..". */
function seg(value: string): string {
    return pathSegment(value);
}

function headerValue(value: string | string[] | undefined): string | undefined {
    return Array.isArray(value) ? value[0] : value;
}

/** Drops undefined values, so a PATCH carries only what changes (null is kept: it clears a field). */
function defined<T extends Record<string, unknown>>(value: T): Partial<T> {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function assertNoMarkerKey(customData: Record<string, unknown> | undefined): void {
    if (customData !== undefined && Object.hasOwn(customData, applicationMarkerKey)) {
        throw new RangeError(`customData must not use the key ${applicationMarkerKey}: the client keeps its create marker there`);
    }
}

/** Logto's answer to a name taken by another organization permission or role. */
const organizationConflictCode = "entity.unique_integrity_violation";
/** Logto's answer about the roles of an application that is not a member of the organization. */
const notMemberCode = "organization.require_membership";

/**
 * `q` (a case-insensitive LIKE search) narrows a list to a superset of the exact name, filtered by the caller. A
 * backslash is LIKE's escape character and could hide the exact match, so such names list everything.
 */
function likeQuery(search: string | undefined): Query {
    return search === undefined || search.includes("\\") ? {} : { q: search };
}

function toOrganization(raw: RawOrganization): Organization {
    const { [applicationMarkerKey]: marker, ...customData } = raw.customData;
    return { id: raw.id, name: raw.name, description: raw.description, customData, ...(typeof marker === "string" ? { marker } : {}) };
}

function toApplication(raw: RawApplication): Application {
    const { [applicationMarkerKey]: marker, ...customData } = raw.customData;
    return {
        id: raw.id,
        name: raw.name,
        description: raw.description,
        type: raw.type,
        customData,
        ...(raw.createdAt !== undefined ? { createdAt: raw.createdAt } : {}),
        ...(typeof marker === "string" ? { marker } : {}),
    };
}
