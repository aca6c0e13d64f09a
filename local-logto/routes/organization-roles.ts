import { z } from "zod";
import { LogtoErrors } from "../errors";
import { json, noContent, text } from "../http";
import { newId } from "../ids";
import type { OrganizationRoleRow } from "../organization-store";
import { paginate } from "../pagination";
import type { Route } from "../router";
import { applyKeyword } from "../search";
import { guard, varchar } from "../validation";
import { organizationRoleView, organizationScopeView, scopeView } from "../views";
import type { RouteDeps } from "./deps";

// organization_roles.name is varchar(128) and unique, description varchar(256); unlike a role's, the type may change.
const roleType = z.enum(["User", "MachineToMachine"]);
const createRoleBody = z.object({
    name: varchar(128),
    description: varchar(256).nullable().optional(),
    type: roleType.optional(),
    organizationScopeIds: z.array(z.string()).optional(),
    resourceScopeIds: z.array(z.string()).optional(),
});
const patchRoleBody = z.object({
    name: varchar(128).optional(),
    description: varchar(256).nullable().optional(),
    type: roleType.optional(),
});
const organizationScopeIdsBody = (min: number) => z.object({ organizationScopeIds: z.array(z.string().min(1)).min(min) });
const resourceScopeIdsBody = (min: number) => z.object({ scopeIds: z.array(z.string().min(1)).min(min) });

/** Organization roles: `/api/organization-roles`, with their organization scopes and API resource scopes. */
export function organizationRoleRoutes({ store, listOrder }: RouteDeps): Route[] {
    const organizations = store.organizations;
    const mustFindRole = (id: string): OrganizationRoleRow => {
        const role = organizations.findRole(id);
        if (!role) throw LogtoErrors.notFound();
        return role;
    };
    const assertNameFree = (name: string, exceptId?: string) => {
        const holder = organizations.findRoleByName(name);
        if (holder && holder.id !== exceptId) throw LogtoErrors.uniqueIntegrityViolation();
    };
    // Logto inserts the relation rows and lets the foreign keys refuse unknown ids: a role that does not exist
    // and a scope that does not exist both answer 422, and nothing of the request is written.
    const assertScopesExist = (roleId: string, organizationScopeIds: readonly string[], resourceScopeIds: readonly string[]) => {
        if (!organizations.findRole(roleId)) throw LogtoErrors.relationForeignKeyNotFound();
        if (organizationScopeIds.some((id) => !organizations.findScope(id))) throw LogtoErrors.relationForeignKeyNotFound();
        if (resourceScopeIds.some((id) => !store.findScope(id))) throw LogtoErrors.relationForeignKeyNotFound();
    };
    const resourceScopeSummary = (roleId: string) =>
        listOrder.unordered(organizations.listRoleResourceScopes(roleId)).map((s) => {
            const resource = store.findResource(s.resourceId);
            return { id: s.id, name: s.name, resource: resource ? { id: resource.id, name: resource.name } : null };
        });

    return [
        {
            method: "GET",
            pattern: "/api/organization-roles",
            handler: (ctx) => {
                const roles = applyKeyword(organizations.listRoles(), ctx.query, [(r) => r.id, (r) => r.name, (r) => r.description]);
                const items = roles.map((r) => ({
                    ...organizationRoleView(r),
                    scopes: organizations.listRoleScopes(r.id).map((s) => ({ id: s.id, name: s.name })),
                    resourceScopes: resourceScopeSummary(r.id),
                }));
                return paginate(ctx, items, "always");
            },
        },
        {
            method: "POST",
            pattern: "/api/organization-roles",
            handler: (ctx) => {
                const body = guard(createRoleBody, ctx.body);
                assertNameFree(body.name);
                const role: OrganizationRoleRow = { id: newId(), name: body.name, description: body.description ?? null, type: body.type ?? "User" };
                const organizationScopeIds = [...new Set(body.organizationScopeIds ?? [])];
                const resourceScopeIds = [...new Set(body.resourceScopeIds ?? [])];
                // Atomic, unlike POST /api/roles: an unknown scope id leaves no role behind.
                store.transaction(() => {
                    organizations.insertRole(role);
                    assertScopesExist(role.id, organizationScopeIds, resourceScopeIds);
                    organizations.addRoleScopes(role.id, organizationScopeIds);
                    organizations.addRoleResourceScopes(role.id, resourceScopeIds);
                });
                return json(201, organizationRoleView(role));
            },
        },
        {
            method: "GET",
            pattern: "/api/organization-roles/:id",
            handler: (ctx) => json(200, organizationRoleView(mustFindRole(ctx.params.id!))),
        },
        {
            method: "PATCH",
            pattern: "/api/organization-roles/:id",
            handler: (ctx) => {
                const body = guard(patchRoleBody, ctx.body);
                if (body.name === undefined && body.description === undefined && body.type === undefined) throw LogtoErrors.emptyUpdate();
                const role = organizations.findRole(ctx.params.id!);
                if (!role) throw LogtoErrors.notExists("organization_role");
                if (body.name !== undefined) assertNameFree(body.name, role.id);
                // A type change keeps the role's members, even applications holding a role now of type User.
                const updated: OrganizationRoleRow = {
                    ...role,
                    name: body.name ?? role.name,
                    description: body.description === undefined ? role.description : body.description,
                    type: body.type ?? role.type,
                };
                organizations.updateRole(updated);
                return json(200, organizationRoleView(updated));
            },
        },
        {
            method: "DELETE",
            pattern: "/api/organization-roles/:id",
            handler: (ctx) => {
                // Its scope grants and its assignments to members cascade away.
                if (organizations.deleteRole(ctx.params.id!) === 0) throw LogtoErrors.notFound();
                return noContent();
            },
        },
        {
            method: "GET",
            pattern: "/api/organization-roles/:id/scopes",
            handler: (ctx) => {
                const role = mustFindRole(ctx.params.id!);
                const scopes = applyKeyword(organizations.listRoleScopes(role.id), ctx.query, [(s) => s.name]);
                return paginate(ctx, scopes.map(organizationScopeView), "optional");
            },
        },
        {
            method: "POST",
            pattern: "/api/organization-roles/:id/scopes",
            handler: (ctx) => {
                const { organizationScopeIds } = guard(organizationScopeIdsBody(1), ctx.body);
                const unique = [...new Set(organizationScopeIds)];
                assertScopesExist(ctx.params.id!, unique, []);
                // Idempotent: scopes the role already has are skipped.
                store.transaction(() => organizations.addRoleScopes(ctx.params.id!, unique));
                return text(201, "Created");
            },
        },
        {
            method: "PUT",
            pattern: "/api/organization-roles/:id/scopes",
            handler: (ctx) => {
                const { organizationScopeIds } = guard(organizationScopeIdsBody(0), ctx.body);
                const unique = [...new Set(organizationScopeIds)];
                // An empty list to a role that does not exist is 204 too: there is nothing to insert to refuse.
                if (unique.length > 0) assertScopesExist(ctx.params.id!, unique, []);
                store.transaction(() => {
                    organizations.removeRoleScopesExcept(ctx.params.id!, unique);
                    organizations.addRoleScopes(ctx.params.id!, unique);
                });
                return noContent();
            },
        },
        {
            method: "DELETE",
            pattern: "/api/organization-roles/:id/scopes/:organizationScopeId",
            handler: (ctx) => {
                if (organizations.deleteRoleScope(ctx.params.id!, ctx.params.organizationScopeId!) === 0) throw LogtoErrors.notFound();
                return noContent();
            },
        },
        {
            method: "GET",
            pattern: "/api/organization-roles/:id/resource-scopes",
            handler: (ctx) => {
                const role = mustFindRole(ctx.params.id!);
                const scopes = applyKeyword(listOrder.unordered(organizations.listRoleResourceScopes(role.id)), ctx.query, [(s) => s.name]);
                return paginate(ctx, scopes.map(scopeView), "optional");
            },
        },
        {
            method: "POST",
            pattern: "/api/organization-roles/:id/resource-scopes",
            handler: (ctx) => {
                const { scopeIds } = guard(resourceScopeIdsBody(1), ctx.body);
                const unique = [...new Set(scopeIds)];
                // Any API resource's scopes, the Management API's `all` included.
                assertScopesExist(ctx.params.id!, [], unique);
                store.transaction(() => organizations.addRoleResourceScopes(ctx.params.id!, unique));
                return text(201, "Created");
            },
        },
        {
            method: "PUT",
            pattern: "/api/organization-roles/:id/resource-scopes",
            handler: (ctx) => {
                const { scopeIds } = guard(resourceScopeIdsBody(0), ctx.body);
                const unique = [...new Set(scopeIds)];
                if (unique.length > 0) assertScopesExist(ctx.params.id!, [], unique);
                store.transaction(() => {
                    organizations.removeRoleResourceScopesExcept(ctx.params.id!, unique);
                    organizations.addRoleResourceScopes(ctx.params.id!, unique);
                });
                return noContent();
            },
        },
        {
            method: "DELETE",
            pattern: "/api/organization-roles/:id/resource-scopes/:scopeId",
            handler: (ctx) => {
                if (organizations.deleteRoleResourceScope(ctx.params.id!, ctx.params.scopeId!) === 0) throw LogtoErrors.notFound();
                return noContent();
            },
        },
    ];
}
