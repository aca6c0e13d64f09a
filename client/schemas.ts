import { z } from "zod";
import { LogtoResponseShapeError } from "./errors";

/**
 * Shapes of Logto's answers, as far as the providers rely on them (Logto 1.42, see the generated types in
 * `@logto/api`). Fields Logto adds beyond these are accepted and dropped (zod's default `strip`), so the types
 * stay exactly what the code may rely on; a missing or mistyped field is a `LogtoResponseShapeError`.
 *
 * The types are written out and each schema `satisfies` its type: the published declarations hold the types
 * only, since zod's own declarations do not compile under a default Pulumi project's tsconfig (no
 * esModuleInterop). The schemas are marked internal (stripped from the declarations, see tsconfig stripInternal).
 */

export interface Scope {
    id: string;
    resourceId: string;
    name: string;
    description: string | null;
    createdAt?: number;
}

/** @internal */
export const scopeSchema = z.object({
    id: z.string(),
    resourceId: z.string(),
    name: z.string(),
    // null when created without one (or with "").
    description: z.string().nullable().optional().transform((v) => v ?? null),
    createdAt: z.number().optional(),
}) satisfies z.ZodType<Scope>;

export interface Resource {
    id: string;
    name: string;
    indicator: string;
    accessTokenTtl: number;
    isDefault?: boolean;
    scopes?: Scope[];
}

/** @internal */
export const resourceSchema = z.object({
    id: z.string(),
    name: z.string(),
    indicator: z.string(),
    accessTokenTtl: z.number(),
    isDefault: z.boolean().optional(),
    // Present on create (empty) and on lists with includeScopes=true; absent from GET of one resource.
    scopes: z.array(scopeSchema).optional(),
}) satisfies z.ZodType<Resource>;

export type RoleType = "User" | "MachineToMachine";
/** @internal */
export const roleTypeSchema = z.enum(["User", "MachineToMachine"]) satisfies z.ZodType<RoleType>;

export interface Role {
    id: string;
    name: string;
    description: string;
    type: RoleType;
    isDefault?: boolean;
}

/** @internal */
export const roleSchema = z.object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    type: roleTypeSchema,
    isDefault: z.boolean().optional(),
}) satisfies z.ZodType<Role>;

/** A scope of a role (GET /api/roles/{id}/scopes), with the resource it belongs to. */
export interface RoleScope extends Scope {
    resource: { id: string; name: string; indicator: string };
}

/** @internal */
export const roleScopeSchema = scopeSchema.extend({
    resource: z.object({
        id: z.string(),
        name: z.string(),
        indicator: z.string(),
    }),
}) satisfies z.ZodType<RoleScope>;

/** An application as Logto sends it; `ManagementClient` exposes `Application` (marker taken out). */
export interface RawApplication {
    id: string;
    name: string;
    description: string | null;
    type: string;
    customData: Record<string, unknown>;
    createdAt?: number;
}

/** @internal */
export const applicationSchema = z.object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable().optional().transform((v) => v ?? null),
    type: z.string(),
    customData: z.record(z.string(), z.unknown()).optional().transform((v) => v ?? {}),
    createdAt: z.number().optional(),
}) satisfies z.ZodType<RawApplication>;

export interface Application {
    id: string;
    name: string;
    description: string | null;
    type: string;
    /** The user's customData, without the client's marker key. */
    customData: Record<string, unknown>;
    createdAt?: number;
    /** The marker this client put into customData at create (see `ManagementClient.createApplication`), if any. */
    marker?: string;
}

export interface ApplicationSecret {
    applicationId?: string;
    name: string;
    value: string;
    createdAt: number;
    expiresAt: number | null;
}

/** @internal */
export const applicationSecretSchema = z.object({
    applicationId: z.string().optional(),
    name: z.string(),
    value: z.string(),
    createdAt: z.number(),
    expiresAt: z.number().nullable().optional().transform((v) => v ?? null),
}) satisfies z.ZodType<ApplicationSecret>;

/** @internal */
export const resourceListSchema = z.array(resourceSchema);
/** @internal */
export const scopeListSchema = z.array(scopeSchema);
/** @internal */
export const roleListSchema = z.array(roleSchema);
/** @internal */
export const roleScopeListSchema = z.array(roleScopeSchema);
/** @internal */
export const applicationListSchema = z.array(applicationSchema);
/** @internal */
export const applicationSecretListSchema = z.array(applicationSecretSchema);

/**
 * Validates an answer. The error names the endpoint (`GET /api/roles`) and the first offending field's path;
 * never the value (a secret list carries secret values).
 * @internal
 */
export function parseResponse<S extends z.ZodType>(schema: S, data: unknown, endpoint: string): z.output<S> {
    const parsed = schema.safeParse(data);
    if (parsed.success) {
        return parsed.data;
    }
    const issue = parsed.error.issues[0]!;
    const field = issue.path.map(String).join(".") || "(body)";
    const count = parsed.error.issues.length;
    throw new LogtoResponseShapeError(endpoint, field, `${issue.message}${count > 1 ? ` (and ${count - 1} more issue(s))` : ""}`);
}

// ---- Organizations (Logto 1.42; observed answers in local-logto notes) --------------------------------------

/** An organization permission (`/api/organization-scopes`). Names are unique per tenant. */
export interface OrganizationScope {
    id: string;
    name: string;
    description: string | null;
}

/** @internal */
export const organizationScopeSchema = z.object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable().optional().transform((v) => v ?? null),
}) satisfies z.ZodType<OrganizationScope>;

/** An organization role (`/api/organization-roles`). Names are unique per tenant, across both types. */
export interface OrganizationRole {
    id: string;
    name: string;
    description: string | null;
    type: RoleType;
}

/** @internal */
export const organizationRoleSchema = z.object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable().optional().transform((v) => v ?? null),
    type: roleTypeSchema,
}) satisfies z.ZodType<OrganizationRole>;

/** An organization as Logto sends it; `ManagementClient` exposes `Organization` (marker taken out). */
export interface RawOrganization {
    id: string;
    name: string;
    description: string | null;
    customData: Record<string, unknown>;
}

/** @internal */
export const organizationSchema = z.object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable().optional().transform((v) => v ?? null),
    customData: z.record(z.string(), z.unknown()).optional().transform((v) => v ?? {}),
}) satisfies z.ZodType<RawOrganization>;

/** An organization. Names need not be unique in Logto. */
export interface Organization {
    id: string;
    name: string;
    description: string | null;
    /** The user's customData, without the client's marker key. */
    customData: Record<string, unknown>;
    /** The marker put into customData at create (see `ManagementClient.createOrganization`), if any. */
    marker?: string;
}

/** A member application of an organization; only its id is relied on. @internal */
export const organizationMemberSchema = z.object({ id: z.string() });

/** @internal */
export const organizationScopeListSchema = z.array(organizationScopeSchema);
