import type { ZodError } from "zod";

/**
 * An error the Management API answers with Logto's body `{ code, message, data?, details? }`. Routes throw it;
 * the server turns it into the response, so a handler reads like Logto's own `assertThat(...)` chains.
 */
export class LogtoApiError extends Error {
    constructor(
        readonly status: number,
        readonly code: string,
        message: string,
        readonly data?: unknown,
        readonly details?: string,
    ) {
        super(message);
        this.name = "LogtoApiError";
    }

    toBody(): Record<string, unknown> {
        // An escaped error (500) has only a message, like Logto's.
        if (this.code === "") return { message: this.message };
        const body: Record<string, unknown> = { code: this.code, message: this.message };
        if (this.data !== undefined) body.data = this.data;
        if (this.details !== undefined) body.details = this.details;
        return body;
    }
}

/**
 * Logto names the table (not the noun) in `entity.not_exists_with_id`: "The resources with ID `x` does not exist."
 */
export type LogtoTable = "resources" | "scopes" | "roles" | "applications" | "organizations" | "organization_scopes";

/** Logto's error catalogue for the routes served here, with its English messages. */
export const LogtoErrors = {
    notExistsWithId: (table: LogtoTable, id: string) =>
        new LogtoApiError(404, "entity.not_exists_with_id", `The ${table} with ID \`${id}\` does not exist.`),
    notFound: () => new LogtoApiError(404, "entity.not_found", "The resource does not exist."),
    /** A PATCH of an unknown secret name (its DELETE answers entity.not_found). */
    secretNotExists: () => new LogtoApiError(404, "entity.not_exists", "The application_secret does not exist."),
    /** An update of a missing organization entity names it in the singular: "The organization_role does not exist." */
    notExists: (entity: "organization" | "organization_scope" | "organization_role") =>
        new LogtoApiError(404, "entity.not_exists", `The ${entity} does not exist.`),
    uniqueIntegrityViolation: () =>
        new LogtoApiError(422, "entity.unique_integrity_violation", "The entity already exists. Please check the input and try again."),
    relationForeignKeyNotFound: () =>
        new LogtoApiError(422, "entity.relation_foreign_key_not_found", "Cannot find one or more foreign keys. Please check the input and ensure that all referenced entities exist."),
    emptyUpdate: () => new LogtoApiError(422, "entity.invalid_input", "Invalid input. Value list must not be empty."),
    dbConstraintViolated: () => new LogtoApiError(422, "entity.db_constraint_violated", "Database constraint violated."),
    invalidPagination: () => new LogtoApiError(400, "guard.invalid_pagination", "The request pagination value is invalid."),
    invalidInput: (type: "body" | "query" | "params", error: ZodError) =>
        new LogtoApiError(400, "guard.invalid_input", `The request ${type} is invalid.`, { issues: error.issues, name: "ZodError" }, formatZodIssues(error)),
    requestInvalidInput: (details: string) => new LogtoApiError(400, "request.invalid_input", `Input is invalid. ${details}`),
    /** A bad search query (unknown field, mode, joint, empty value): Logto answers it with an empty `data`. */
    invalidSearch: (details: string) => new LogtoApiError(400, "request.invalid_input", `Input is invalid. ${details}`, {}),
    /** What Logto answers when a route lets an error escape (e.g. a bad search of /api/applications). */
    internalServerError: () => new LogtoApiError(500, "", "Internal server error."),

    authorizationHeaderMissing: () => new LogtoApiError(401, "auth.authorization_header_missing", "Authorization header is missing."),
    tokenTypeNotSupported: () =>
        new LogtoApiError(401, "auth.authorization_token_type_not_supported", "Authorization type is not supported.", { supportedTypes: ["Bearer"] }),
    unauthorized: (data: unknown) => new LogtoApiError(401, "auth.unauthorized", "Unauthorized. Please check credentials and its scope.", data),
    forbidden: () => new LogtoApiError(403, "auth.forbidden", "Forbidden. Please check your user roles and permissions."),

    resourceIdentifierInUse: (indicator: string) =>
        new LogtoApiError(422, "resource.resource_identifier_in_use", `The API identifier ${indicator} is already in use`),
    cannotModifyManagementApi: () =>
        new LogtoApiError(400, "resource.cannot_modify_management_api", "Cannot modify Logto Management API."),
    cannotDeleteManagementApi: () =>
        new LogtoApiError(400, "resource.cannot_delete_management_api", "Cannot delete Logto Management API."),
    scopeNameExists: (name: string) => new LogtoApiError(422, "scope.name_exists", `The scope name ${name} is already in use`),
    scopeNameWithSpace: () => new LogtoApiError(400, "scope.name_with_space", "The name of the scope cannot contain any spaces."),

    roleNameInUse: (name: string) => new LogtoApiError(422, "role.name_in_use", `This role name ${name} is already in use`),
    roleScopeExists: (scopeId: string) =>
        new LogtoApiError(422, "role.scope_exists", `The scope id ${scopeId} has already been added to this role`),
    // Logto 1.42 leaves the placeholder unfilled in this one message.
    roleApplicationExists: () =>
        new LogtoApiError(422, "role.application_exists", "The application id {{applicationId}} is already been added to this role"),
    managementApiScopesNotAssignableToUserRole: () =>
        new LogtoApiError(400, "role.management_api_scopes_not_assignable_to_user_role", "Cannot assign Management API scopes to a user role."),

    applicationInvalidType: () =>
        new LogtoApiError(422, "application.invalid_type", "Only machine to machine applications can have associated roles."),
    applicationInvalidRoleType: () =>
        new LogtoApiError(422, "application.invalid_role_type", "Can not assign user type role to machine to machine application."),
    secretNameExists: () => new LogtoApiError(422, "application.secret_name_exists", "Secret name already exists."),
    organizationRequireMembership: () =>
        new LogtoApiError(422, "organization.require_membership", "The user must be a member of the organization to proceed."),
    noLegacySecretFound: () => new LogtoApiError(400, "application.no_legacy_secret_found", "The application does not have a legacy secret."),
} as const;

/** Logto's `details`: one line per zod issue, naming the key path, so a person sees every failure at once. */
export function formatZodIssues(error: ZodError): string {
    return error.issues
        .map((issue) => `Error in key path "${issue.path.map(String).join(".")}": (${issue.code}) ${issue.message}`)
        .join("\n");
}
