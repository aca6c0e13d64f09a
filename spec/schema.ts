import { z } from "zod";
import { isAddressableSegment, unaddressableReason } from "../client/pathSegment";
import { isUsableIndicator } from "../client/settings";
import { adoptFlag, customDataSchema, logtoId, logtoLimits, maxAccessTokenTtl, maxSecretNameLength, optionalText, parseExpiry, requiredText } from "../providers/validation";

/**
 * The spec's shape: what a platform team writes (in stack config or a YAML file) to declare its M2M topology.
 * Limits are Logto's own (varchar sizes and checks of its Management API), so a spec that passes here is not
 * refused later by Logto halfway through an `up`. Cross-references (which role names which resource and
 * permission, duplicates) are checked in `validate.ts`, after the shape is known to be right.
 */

/** How a role or an app refers to the Management API without spelling out its tenant-specific indicator. */
export const MANAGEMENT_API = "management";
/** The only permission of the Management API. */
export const MANAGEMENT_API_SCOPE = "all";
/** The secret Logto creates with every app; a spec secret of that name would collide with it. */
export const DEFAULT_SECRET_NAME = "Default secret";
/**
 * The M2M role Logto creates on every tenant, holding the Management API's `all` (the bootstrap app usually holds
 * it): apps may reference it, the spec never manages it (a stack that did could change and delete it).
 */
export const BUILT_IN_MANAGEMENT_ROLE = "Logto Management API access";

// Lengths in UTF-16 code units and no NUL or lone surrogate, as Logto and Pulumi can carry them (shared with the
// resources' checks).
const text = requiredText;

// Logto refuses any whitespace in a scope name (400 scope.name_with_space) and caps it at 256.
const permissionName = text("a permission name", logtoLimits.permissionName).regex(/^\S+$/, "a permission name must not contain whitespace");

/** A list entry given as a plain name (string, or a number a YAML author forgot to quote) is `{ name }`. */
const byName = (v: unknown): unknown => (typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? { name: v } : v);

const permissionSchema = z.preprocess(
    byName,
    z.strictObject({
        name: permissionName,
        description: optionalText("a permission description").optional(),
    }),
);

// The token endpoint refuses a resource that is not an absolute URI or carries a fragment (invalid_target), and
// matches indicators by exact string, so both are checked here although the Management API would accept them.
const indicator = text("an indicator").refine(isUsableIndicator, {
    message: "an indicator must be an absolute URI without a fragment (#) or whitespace, e.g. https://shopping.api",
});

/** @internal */
export const resourceSchema = z.strictObject({
    name: text("a resource name"),
    indicator,
    // Logto accepts 0 and negative values but then issues 600-second tokens: refuse rather than surprise.
    accessTokenTtl: z.number({ error: "accessTokenTtl must be a number of seconds" }).int("accessTokenTtl is a whole number of seconds")
        .positive("accessTokenTtl must be at least 1 second")
        .max(maxAccessTokenTtl, `accessTokenTtl must be at most ${maxAccessTokenTtl} seconds (30 days)`).optional(),
    permissions: z.array(permissionSchema).default([]),
    /** Take over the resource of this indicator, and its permissions by name, if they exist (e.g. an exported spec). */
    adopt: adoptFlag,
});

/** @internal */
export const roleGrantSchema = z.strictObject({
    /** An indicator of a declared resource, the Management API's indicator, or `management`. */
    resource: text("a resource reference"),
    permissions: z.array(text("a permission name")).min(1, "list at least one permission (or drop this entry)"),
});

/** @internal */
export const roleSchema = z.strictObject({
    // Roles are M2M roles; Logto's varchar(128) applies to both fields, and `description` is required by Logto
    // (it defaults to the name here, to keep specs short).
    name: text("a role name", logtoLimits.roleName)
        .refine((n) => !n.startsWith("#internal:"), "role names starting with #internal: are reserved by Logto")
        .refine((n) => n !== BUILT_IN_MANAGEMENT_ROLE, `"${BUILT_IN_MANAGEMENT_ROLE}" is Logto's built-in role: list it under an app's roles to use it; ` +
            "the spec never manages it (declare your own role on the Management API's all under another name if you need one)"),
    description: text("a role description", logtoLimits.roleDescription).optional(),
    permissions: z.array(roleGrantSchema).default([]),
    /** Take over the M2M role of this name if it exists (e.g. an exported spec). */
    adopt: adoptFlag,
});

// The form is checked here, with the shape; whether it lies ahead is checked against the clock in validate.ts.
const expiresAt = z.union([
    z.number(),
    z.date(),
    z.string(),
], { error: "expiresAt must be a date (2027-01-01), a date-time or epoch milliseconds" }).superRefine((value, ctx) => {
    const expiry = value instanceof Date ? { ms: value.getTime() } : parseExpiry(value);
    if ("problem" in expiry) ctx.addIssue({ code: "custom", message: expiry.problem });
    else if (!Number.isFinite(expiry.ms)) ctx.addIssue({ code: "custom", message: "expiresAt is not a date (write 2027-01-01 or 2027-01-01T00:00:00Z)" });
});

/** @internal */
export const secretSchema = z.preprocess(
    byName,
    z.strictObject({
        // Logto addresses a secret by its name in the request path; ApplicationSecret appends `.<generation>` to
        // the name in Logto, whose limit is 256.
        name: text("a secret name", maxSecretNameLength).refine(isAddressableSegment, `a secret name ${unaddressableReason}`),
        expiresAt: expiresAt.optional(),
    }),
);

/** @internal */
export const appSchema = z.strictObject({
    name: text("an app name", logtoLimits.appName),
    description: optionalText("an app description").optional(),
    /** Names of roles declared in the spec or existing in Logto (e.g. "Logto Management API access"). */
    roles: z.array(text("a role name", logtoLimits.roleName)).default([]),
    /** Extra named secrets beside the "Default secret" every app gets. */
    secrets: z.array(secretSchema).default([]),
    /** Secrets of the app that the spec does not list: "remove" (default) deletes them at up, "keep" only reports them. */
    unmanagedSecrets: z.enum(["remove", "keep"], { error: 'unmanagedSecrets must be "remove" or "keep"' }).optional(),
    customData: customDataSchema.optional(),
    /**
     * The App ID of an existing M2M app to take over at the first `up` (app names are not unique, so an app is
     * adopted by its id only), with its named secrets by name. Read at create only.
     */
    adoptId: logtoId("adoptId").optional(),
});

// ---- Organizations ---------------------------------------------------------------------------------------

// Organization permissions go into a token's space-separated scope, like API permissions.
const organizationPermissionName = text("an organization permission name", logtoLimits.organizationName)
    .regex(/^\S+$/, "an organization permission name must not contain whitespace");

/** @internal */
export const organizationPermissionSchema = z.preprocess(
    byName,
    z.strictObject({
        name: organizationPermissionName,
        description: optionalText("an organization permission description", logtoLimits.organizationDescription).optional(),
        /** Take over an existing organization permission of this name (names are unique per tenant). */
        adopt: adoptFlag,
    }),
);

/** @internal */
export const organizationRoleSchema = z.strictObject({
    name: text("an organization role name", logtoLimits.organizationName),
    description: optionalText("an organization role description", logtoLimits.organizationDescription).optional(),
    /** Organization permissions (declared under organizations.permissions). */
    permissions: z.array(text("an organization permission name")).default([]),
    /** Permissions of API resources, for the app's organization tokens with `resource`. */
    resources: z.array(roleGrantSchema).default([]),
    /** Take over an existing organization role of this name (names are unique per tenant). */
    adopt: adoptFlag,
});

/** @internal */
export const organizationMembershipSchema = z.strictObject({
    /** A declared app's name. */
    app: text("an app name", logtoLimits.appName),
    /** Declared organization roles. */
    roles: z.array(text("an organization role name", logtoLimits.organizationName)).default([]),
});

/** @internal */
export const organizationEntrySchema = z.strictObject({
    name: text("an organization name", logtoLimits.organizationName).optional(),
    /** An organization that exists in Logto, found by `id`, or by `name` with `existing: true`; never created or deleted. */
    id: text("an organization id").refine(isAddressableSegment, `an organization id ${unaddressableReason}`).optional(),
    existing: z.boolean({ error: "existing must be true or false" }).optional(),
    description: optionalText("an organization description", logtoLimits.organizationDescription).optional(),
    customData: customDataSchema.optional(),
    apps: z.array(organizationMembershipSchema).default([]),
}).superRefine((org, ctx) => {
    const existing = org.existing === true || org.id !== undefined;
    if (org.id === undefined && org.name === undefined) ctx.addIssue({ code: "custom", path: ["name"], message: "an organization needs a name (or the id of an existing one)" });
    if (org.id !== undefined && org.name !== undefined) ctx.addIssue({ code: "custom", path: ["id"], message: "give an existing organization by id or by name, not both" });
    if (org.id !== undefined && org.existing === false) ctx.addIssue({ code: "custom", path: ["existing"], message: "an organization given by id exists already: drop existing: false" });
    if (existing) {
        for (const key of ["description", "customData"] as const) {
            if (org[key] !== undefined) ctx.addIssue({ code: "custom", path: [key], message: `${key} belongs to organizations the stack manages; an existing one is only referenced` });
        }
    }
});

/** @internal */
export const organizationsSchema = z.strictObject({
    permissions: z.array(organizationPermissionSchema).default([]),
    roles: z.array(organizationRoleSchema).default([]),
    list: z.array(organizationEntrySchema).default([]),
}, { error: (issue) => (issue.code === "invalid_type" ? "organizations must be an object with permissions, roles and list" : undefined) });

/** @internal */
export const specSchema = z.strictObject({
    resources: z.array(resourceSchema).default([]),
    roles: z.array(roleSchema).default([]),
    apps: z.array(appSchema).default([]),
    organizations: organizationsSchema.optional(),
}, { error: (issue) => (issue.code === "invalid_type" ? "the spec must be an object with resources, roles and apps" : undefined) });

// The schemas above are marked internal: zod stays out of the published declarations (its own do not compile under
// a default Pulumi project's tsconfig, which has no esModuleInterop). The written form is spelled out instead.

/** A permission as written: its name, or its name and description. */
export type PermissionInput = string | { name: string; description?: string };
export interface ResourceInput {
    name: string;
    indicator: string;
    accessTokenTtl?: number;
    permissions?: PermissionInput[];
    adopt?: boolean;
}
export interface RoleGrantInput {
    resource: string;
    permissions: string[];
}
export interface RoleInput {
    name: string;
    description?: string;
    permissions?: RoleGrantInput[];
    adopt?: boolean;
}
/** An extra secret as written: its name, or its name and expiry (a date, a date-time or epoch milliseconds). */
export type SecretInput = string | { name: string; expiresAt?: number | Date | string };
export interface AppInput {
    name: string;
    description?: string;
    roles?: string[];
    secrets?: SecretInput[];
    unmanagedSecrets?: "remove" | "keep";
    customData?: Record<string, unknown>;
    adoptId?: string;
}
export interface OrganizationRoleInput {
    name: string;
    description?: string;
    permissions?: string[];
    resources?: RoleGrantInput[];
    adopt?: boolean;
}
export interface OrganizationInput {
    name?: string;
    id?: string;
    existing?: boolean;
    description?: string;
    customData?: Record<string, unknown>;
    apps?: { app: string; roles?: string[] }[];
}
export interface OrganizationsInput {
    /** Organization permissions: a name, or a name with a description and `adopt`. */
    permissions?: Array<string | { name: string; description?: string; adopt?: boolean }>;
    roles?: OrganizationRoleInput[];
    list?: OrganizationInput[];
}
/** The spec as written (YAML, JSON or an object in code), before validation. */
export interface SpecInput {
    resources?: ResourceInput[];
    roles?: RoleInput[];
    apps?: AppInput[];
    organizations?: OrganizationsInput;
}
// Compile-time check that the schema takes the written form.
type Accepts<T extends z.input<typeof specSchema>> = T;
type _SpecInputChecked = Accepts<SpecInput>;

/** The spec after defaults, before cross-reference validation. @internal */
export type RawSpec = z.output<typeof specSchema>;

/** A permission of a resource the spec declares. */
export interface PermissionSpec {
    name: string;
    description?: string;
}

export interface ResourceSpec {
    name: string;
    indicator: string;
    accessTokenTtl?: number;
    permissions: PermissionSpec[];
    /** Take over an existing resource of this indicator (and its permissions) instead of failing. */
    adopt?: boolean;
}

/** What a role grants on one resource; `resource` is always a real indicator after validation. */
export interface RoleGrant {
    resource: string;
    permissions: string[];
}

export interface RoleSpec {
    name: string;
    description: string;
    permissions: RoleGrant[];
    /** Take over an existing M2M role of this name instead of failing. */
    adopt?: boolean;
}

export interface SecretSpec {
    name: string;
    /** Epoch milliseconds, as Logto's Management API takes it. */
    expiresAt?: number;
}

export interface AppSpec {
    name: string;
    description?: string;
    /** Role names, declared ones and existing ones alike. */
    roles: string[];
    secrets: SecretSpec[];
    unmanagedSecrets?: "remove" | "keep";
    customData?: Record<string, unknown>;
    /** The App ID of the existing app to take over (with its named secrets) at create. */
    adoptId?: string;
}

/** A role the spec uses but does not declare: it must already exist in Logto, as an M2M role. */
export interface ExternalRoleRef {
    name: string;
    /** Where the spec names it, e.g. `apps[0].roles[1]`. */
    paths: string[];
}

/** An M2M organization role: organization permissions and API resource permissions (real indicators). */
export interface OrganizationRoleSpec {
    name: string;
    description?: string;
    permissions: string[];
    resources: RoleGrant[];
    /** Take over an existing organization role of this name instead of failing. */
    adopt?: boolean;
}

/** An app's membership in an organization. */
export interface MembershipSpec {
    app: string;
    roles: string[];
}

export interface OrganizationSpec {
    /** How the spec and the outputs name it: its name, or its id when given by id. Unique in the spec. */
    key: string;
    /** Managed organizations are created and deleted by the stack; existing ones are looked up. */
    existing: boolean;
    name?: string;
    id?: string;
    description?: string;
    customData?: Record<string, unknown>;
    apps: MembershipSpec[];
}

export interface OrganizationsSpec {
    /** `adopt`: take over an existing organization permission of this name instead of failing. */
    permissions: Array<PermissionSpec & { adopt?: boolean }>;
    roles: OrganizationRoleSpec[];
    list: OrganizationSpec[];
}

/** A spec whose shape and cross-references are known to be right. */
export interface ValidSpec {
    /** The Management API indicator this spec was validated against. */
    managementIndicator: string;
    resources: ResourceSpec[];
    roles: RoleSpec[];
    apps: AppSpec[];
    /** Organization permissions, roles and organizations with their member apps (empty lists when none). */
    organizations: OrganizationsSpec;
    /** Roles to look up in Logto before anything is created. */
    externalRoles: ExternalRoleRef[];
    /** Whether any declared role grants a Management API permission (the program then looks the API up). */
    usesManagementApi: boolean;
}
