import { useContractTarget } from "./target";

/**
 * Every error the local Logto produces for the Management API routes, with the whole body (keys, code, message)
 * Logto 1.42 answers to the same request: a client may read any of them.
 */
describe("Management API error bodies", () => {
    const target = useContractTarget();
    const api = () => target().api;
    const n = (base: string) => target().name(base);
    const ids: Record<string, string> = {};

    beforeAll(async () => {
        ids.resource = (await api().post("/api/resources", { name: "errors", indicator: target().indicator("errors") })).body.id;
        ids.scope = (await api().post(`/api/resources/${ids.resource}/scopes`, { name: "s1" })).body.id;
        ids.role = (await api().post("/api/roles", { name: n("errors"), description: "d", type: "MachineToMachine", scopeIds: [ids.scope] })).body.id;
        ids.userRole = (await api().post("/api/roles", { name: n("errors-user"), description: "d" })).body.id;
        ids.app = (await api().post("/api/applications", { name: n("errors-app"), type: "MachineToMachine" })).body.id;
        ids.spa = (await api().post("/api/applications", { name: n("errors-spa"), type: "SPA" })).body.id;
        await api().post(`/api/applications/${ids.app}/roles`, { roleIds: [ids.role] });
    });

    // A body naming this run's objects is a function: the names are known once the target runs.
    type Body = Record<string, unknown>;
    type Case = [string, () => [string, string, unknown?], number, Body | (() => Body)];
    const cases: Case[] = [
        ["GET an unknown resource", () => ["GET", "/api/resources/nope"], 404, { code: "entity.not_exists_with_id", message: "The resources with ID `nope` does not exist." }],
        ["GET an unknown role", () => ["GET", "/api/roles/nope"], 404, { code: "entity.not_exists_with_id", message: "The roles with ID `nope` does not exist." }],
        ["GET an unknown application", () => ["GET", "/api/applications/nope"], 404, { code: "entity.not_exists_with_id", message: "The applications with ID `nope` does not exist." }],
        ["a scope for an unknown resource", () => ["POST", "/api/resources/nope/scopes", { name: "x" }], 404, { code: "entity.not_exists_with_id", message: "The resources with ID `nope` does not exist." }],
        ["DELETE an unknown scope", () => ["DELETE", `/api/resources/${ids.resource}/scopes/nope`], 404, { code: "entity.not_found", message: "The resource does not exist." }],
        ["PATCH with only ignored fields", () => ["PATCH", `/api/resources/${ids.resource}`, { indicator: "x" }], 422, { code: "entity.invalid_input", message: "Invalid input. Value list must not be empty." }],
        ["a duplicate indicator", () => ["POST", "/api/resources", { name: "p", indicator: target().indicator("errors") }], 422, () => ({ code: "resource.resource_identifier_in_use", message: `The API identifier ${target().indicator("errors")} is already in use` })],
        ["PATCH the Management API", () => ["PATCH", "/api/resources/management-api", { name: "x" }], 400, { code: "resource.cannot_modify_management_api", message: "Cannot modify Logto Management API." }],
        ["DELETE the Management API", () => ["DELETE", "/api/resources/management-api"], 400, { code: "resource.cannot_delete_management_api", message: "Cannot delete Logto Management API." }],
        ["a duplicate scope name", () => ["POST", `/api/resources/${ids.resource}/scopes`, { name: "s1" }], 422, { code: "scope.name_exists", message: "The scope name s1 is already in use" }],
        ["a scope name with a space", () => ["POST", `/api/resources/${ids.resource}/scopes`, { name: "a b" }], 400, { code: "scope.name_with_space", message: "The name of the scope cannot contain any spaces." }],
        ["bad pagination", () => ["GET", "/api/roles?page=0"], 400, { code: "guard.invalid_pagination", message: "The request pagination value is invalid." }],
        ["a role name in use", () => ["POST", "/api/roles", { name: n("errors"), description: "d" }], 422, () => ({ code: "role.name_in_use", message: `This role name ${n("errors")} is already in use` })],
        ["a scope the role holds", () => ["POST", `/api/roles/${ids.role}/scopes`, { scopeIds: [ids.scope] }], 422, () => ({ code: "role.scope_exists", message: `The scope id ${ids.scope} has already been added to this role` })],
        ["DELETE a scope the role lacks", () => ["DELETE", `/api/roles/${ids.role}/scopes/nope`], 404, { code: "entity.not_found", message: "The resource does not exist." }],
        // Logto leaves the placeholder of this message unfilled.
        ["an application the role holds", () => ["POST", `/api/roles/${ids.role}/applications`, { applicationIds: [ids.app] }], 422, { code: "role.application_exists", message: "The application id {{applicationId}} is already been added to this role" }],
        ["an app on a User role", () => ["POST", `/api/roles/${ids.userRole}/applications`, { applicationIds: [ids.app] }], 422, { code: "entity.db_constraint_violated", message: "Database constraint violated." }],
        ["DELETE an app the role lacks", () => ["DELETE", `/api/roles/${ids.role}/applications/nope`], 404, { code: "entity.not_found", message: "The resource does not exist." }],
        ["Management API scopes on a User role", () => ["POST", `/api/roles/${ids.userRole}/scopes`, { scopeIds: ["management-api-all"] }], 400, { code: "role.management_api_scopes_not_assignable_to_user_role", message: "Cannot assign Management API scopes to a user role." }],
        ["PATCH of a role's type only", () => ["PATCH", `/api/roles/${ids.role}`, { type: "User" }], 422, { code: "entity.invalid_input", message: "Invalid input. Value list must not be empty." }],
        ["roles for a SPA", () => ["POST", `/api/applications/${ids.spa}/roles`, { roleIds: [ids.role] }], 422, { code: "application.invalid_type", message: "Only machine to machine applications can have associated roles." }],
        ["a User role for an M2M app", () => ["POST", `/api/applications/${ids.app}/roles`, { roleIds: [ids.userRole] }], 422, { code: "application.invalid_role_type", message: "Can not assign user type role to machine to machine application." }],
        ["an unknown role for an app", () => ["POST", `/api/applications/${ids.app}/roles`, { roleIds: ["nope"] }], 404, { code: "entity.not_exists_with_id", message: "The roles with ID `nope` does not exist." }],
        ["DELETE a role the app lacks", () => ["DELETE", `/api/applications/${ids.app}/roles/nope`], 404, { code: "entity.not_found", message: "The resource does not exist." }],
        ["a duplicate secret name", () => ["POST", `/api/applications/${ids.app}/secrets`, { name: "Default secret" }], 422, { code: "application.secret_name_exists", message: "Secret name already exists." }],
        ["a secret expiring in the past", () => ["POST", `/api/applications/${ids.app}/secrets`, { name: "p", expiresAt: Date.now() - 1000 }], 400, { code: "request.invalid_input", message: "Input is invalid. The value of `expiresAt` must be in the future." }],
        ["DELETE an unknown secret", () => ["DELETE", `/api/applications/${ids.app}/secrets/nope`], 404, { code: "entity.not_found", message: "The resource does not exist." }],
        ["PATCH an unknown secret", () => ["PATCH", `/api/applications/${ids.app}/secrets/nope`, { name: "x" }], 404, { code: "entity.not_exists", message: "The application_secret does not exist." }],
        ["DELETE a legacy secret the app lacks", () => ["DELETE", `/api/applications/${ids.app}/legacy-secret`], 400, { code: "application.no_legacy_secret_found", message: "The application does not have a legacy secret." }],
    ];

    it.each(cases)("%s", async (_name, request, status, body) => {
        const [method, path, payload] = request();
        const result = await api().request(method, path, payload);
        expect({ status: result.status, body: result.body }).toEqual({ status, body: typeof body === "function" ? body() : body });
    });

    it("a creation with an unknown scope id: 404 with the scopes table named, no data", async () => {
        const result = await api().post("/api/roles", { name: n("errors-half"), description: "d", type: "MachineToMachine", scopeIds: ["nope"] });
        expect({ status: result.status, body: result.body }).toEqual({ status: 404, body: { code: "entity.not_exists_with_id", message: "The scopes with ID `nope` does not exist." } });
    });

    it("guard.invalid_input carries code, message, data {issues, name} and details", async () => {
        const result = await api().post("/api/resources", { name: "", indicator: "x" });
        expect(result.status).toBe(400);
        expect(Object.keys(result.body).sort()).toEqual(["code", "data", "details", "message"]);
        expect(Object.keys(result.body.data).sort()).toEqual(["issues", "name"]);
        expect(result.body).toMatchObject({ code: "guard.invalid_input", message: "The request body is invalid.", data: { name: "ZodError" } });
    });
});
