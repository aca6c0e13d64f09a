import { z } from "zod";
import { LogtoErrors } from "../errors";
import { json, noContent, text } from "../http";
import { newId } from "../ids";
import { paginate } from "../pagination";
import type { Route } from "../router";
import { applySearch, parseSearch } from "../search";
import type { ApplicationRow, RoleRow, ScopeRow } from "../store";
import { guard, varchar } from "../validation";
import { applicationView, resourceView, roleView, scopeView } from "../views";
import type { RouteDeps } from "./deps";

// roles.name and roles.description are varchar(128); the description is required (Logto's console fills it).
const roleType = z.enum(["User", "MachineToMachine"]);
const createRoleBody = z.object({
    name: varchar(128),
    description: varchar(128),
    type: roleType.optional(),
    isDefault: z.boolean().optional(),
    scopeIds: z.array(z.string().min(1)).optional(),
});
// `type` is immutable: not in the schema, so dropped.
const patchRoleBody = z.object({
    name: varchar(128).optional(),
    description: varchar(128).optional(),
    isDefault: z.boolean().optional(),
});
const listRolesQuery = z.object({ type: roleType.optional() });
const scopeIdsBody = z.object({ scopeIds: z.array(z.string().min(1)).min(1) });
const applicationIdsBody = z.object({ applicationIds: z.array(z.string().min(1)).min(1) });

/** Logto hides its own roles (`#internal:admin`, ...) from the list, though they can be fetched by id. */
const isInternalRoleName = (name: string) => name.startsWith("#internal:");

export function roleRoutes({ store, managementApiResourceId, now, listOrder }: RouteDeps): Route[] {
    const mustFindRole = (id: string): RoleRow => {
        const role = store.findRole(id);
        if (!role) throw LogtoErrors.notExistsWithId("roles", id);
        return role;
    };
    const mustFindScope = (id: string): ScopeRow => {
        const scope = store.findScope(id);
        if (!scope) throw LogtoErrors.notExistsWithId("scopes", id);
        return scope;
    };
    /** Unknown scopes -> 404; Management API scopes only on machine-to-machine roles. */
    const assertAssignableScopes = (role: RoleRow, scopeIds: readonly string[]) => {
        for (const scopeId of scopeIds) {
            const scope = mustFindScope(scopeId);
            if (scope.resourceId === managementApiResourceId && role.type === "User") throw LogtoErrors.managementApiScopesNotAssignableToUserRole();
        }
    };
    const roleSearch = { id: (r: RoleRow) => r.id, name: (r: RoleRow) => r.name, description: (r: RoleRow) => r.description };
    const scopeSearch = { id: (s: ScopeRow) => s.id, name: (s: ScopeRow) => s.name, description: (s: ScopeRow) => s.description };
    const applicationSearch = { id: (a: ApplicationRow) => a.id, name: (a: ApplicationRow) => a.name, description: (a: ApplicationRow) => a.description };

    return [
        {
            method: "GET",
            pattern: "/api/roles",
            handler: (ctx) => {
                const { type } = guard(listRolesQuery, { type: ctx.query.get("type") ?? undefined }, "query");
                const excludeApplicationId = ctx.query.get("excludeApplicationId");
                let roles = listOrder.unordered(store.listRoles()).filter((r) => !isInternalRoleName(r.name));
                if (type) roles = roles.filter((r) => r.type === type);
                if (excludeApplicationId) roles = roles.filter((r) => !store.hasApplicationRole(excludeApplicationId, r.id));
                roles = applySearch(roles, parseSearch(ctx.query), roleSearch);
                const items = roles.map((r) => {
                    const applications = store.listRoleApplications(r.id);
                    return {
                        ...roleView(r),
                        usersCount: 0,
                        featuredUsers: [],
                        applicationsCount: applications.length,
                        featuredApplications: applications.slice(0, 3).map((a) => ({ id: a.id, name: a.name, type: a.type })),
                    };
                });
                return paginate(ctx, items, "always");
            },
        },
        {
            method: "POST",
            pattern: "/api/roles",
            handler: (ctx) => {
                const body = guard(createRoleBody, ctx.body);
                if (store.findRoleByName(body.name)) throw LogtoErrors.roleNameInUse(body.name);
                const role: RoleRow = {
                    id: newId(),
                    name: body.name,
                    description: body.description,
                    type: body.type ?? "User",
                    isDefault: body.isDefault ?? false,
                    createdAt: now(),
                };
                // Not atomic, like Logto: the role is committed first, so a bad scope id answers 404 and the
                // role stays behind. Callers must create, then assign, and clean up on failure.
                store.insertRole(role);
                if (body.scopeIds && body.scopeIds.length > 0) {
                    const scopeIds = [...new Set(body.scopeIds)];
                    assertAssignableScopes(role, scopeIds);
                    store.transaction(() => scopeIds.forEach((scopeId) => store.insertRoleScope(role.id, scopeId)));
                }
                return json(200, roleView(role));
            },
        },
        {
            method: "GET",
            pattern: "/api/roles/:id",
            handler: (ctx) => json(200, roleView(mustFindRole(ctx.params.id!))),
        },
        {
            method: "PATCH",
            pattern: "/api/roles/:id",
            handler: (ctx) => {
                const body = guard(patchRoleBody, ctx.body);
                if (body.name === undefined && body.description === undefined && body.isDefault === undefined) throw LogtoErrors.emptyUpdate();
                const role = mustFindRole(ctx.params.id!);
                if (body.name !== undefined) {
                    const holder = store.findRoleByName(body.name);
                    if (holder && holder.id !== role.id) throw LogtoErrors.roleNameInUse(body.name);
                }
                const updated: RoleRow = {
                    ...role,
                    name: body.name ?? role.name,
                    description: body.description ?? role.description,
                    isDefault: body.isDefault ?? role.isDefault,
                };
                store.updateRole(updated);
                return json(200, roleView(updated));
            },
        },
        {
            method: "DELETE",
            pattern: "/api/roles/:id",
            handler: (ctx) => {
                // Assignments to applications and scope grants cascade away.
                if (store.deleteRole(ctx.params.id!) === 0) throw LogtoErrors.notExistsWithId("roles", ctx.params.id!);
                return noContent();
            },
        },
        {
            method: "GET",
            pattern: "/api/roles/:id/scopes",
            handler: (ctx) => {
                const role = mustFindRole(ctx.params.id!);
                const scopes = applySearch(listOrder.unordered(store.listRoleScopes(role.id)), parseSearch(ctx.query), scopeSearch);
                const items = scopes.map((s) => {
                    const resource = store.findResource(s.resourceId);
                    return { ...scopeView(s), resource: resource ? resourceView(resource) : null };
                });
                return paginate(ctx, items, "optional");
            },
        },
        {
            method: "POST",
            pattern: "/api/roles/:id/scopes",
            handler: (ctx) => {
                const { scopeIds } = guard(scopeIdsBody, ctx.body);
                const role = mustFindRole(ctx.params.id!);
                const unique = [...new Set(scopeIds)];
                for (const scopeId of unique) {
                    mustFindScope(scopeId);
                    if (store.hasRoleScope(role.id, scopeId)) throw LogtoErrors.roleScopeExists(scopeId);
                }
                assertAssignableScopes(role, unique);
                store.transaction(() => unique.forEach((scopeId) => store.insertRoleScope(role.id, scopeId)));
                // 201 with every scope the role now holds, not only the added ones.
                return json(201, listOrder.unordered(store.listRoleScopes(role.id)).map(scopeView));
            },
        },
        {
            method: "DELETE",
            pattern: "/api/roles/:id/scopes/:scopeId",
            handler: (ctx) => {
                const role = mustFindRole(ctx.params.id!);
                if (store.deleteRoleScope(role.id, ctx.params.scopeId!) === 0) throw LogtoErrors.notFound();
                return noContent();
            },
        },
        {
            method: "GET",
            pattern: "/api/roles/:id/applications",
            handler: (ctx) => {
                const role = mustFindRole(ctx.params.id!);
                const search = parseSearch(ctx.query);
                const held = listOrder.unordered(store.listRoleApplications(role.id));
                // Logto looks at the search fields only when the role has applications.
                const applications = held.length === 0 ? held : applySearch(held, search, applicationSearch);
                return paginate(ctx, applications.map(applicationView), "always");
            },
        },
        {
            method: "POST",
            pattern: "/api/roles/:id/applications",
            handler: (ctx) => {
                const { applicationIds } = guard(applicationIdsBody, ctx.body);
                const role = mustFindRole(ctx.params.id!);
                const unique = [...new Set(applicationIds)];
                for (const applicationId of unique) {
                    const application = store.findApplication(applicationId);
                    if (!application) throw LogtoErrors.notExistsWithId("applications", applicationId);
                    if (store.hasApplicationRole(applicationId, role.id)) throw LogtoErrors.roleApplicationExists();
                    // Logto enforces the pairing in the database, hence the generic constraint error here
                    // (the same request from the application's side gets `application.invalid_role_type`).
                    if (role.type !== "MachineToMachine" || application.type !== "MachineToMachine") throw LogtoErrors.dbConstraintViolated();
                }
                store.transaction(() => unique.forEach((applicationId) => store.insertApplicationRole(applicationId, role.id)));
                return text(201, "Created");
            },
        },
        {
            method: "DELETE",
            pattern: "/api/roles/:id/applications/:applicationId",
            handler: (ctx) => {
                const role = mustFindRole(ctx.params.id!);
                if (store.deleteApplicationRole(ctx.params.applicationId!, role.id) === 0) throw LogtoErrors.notFound();
                return noContent();
            },
        },
    ];
}
