import { z } from "zod";
import { LogtoErrors } from "../errors";
import { json, noContent } from "../http";
import { newId } from "../ids";
import type { OrganizationScopeRow } from "../organization-store";
import { paginate } from "../pagination";
import type { Route } from "../router";
import { applyKeyword } from "../search";
import { guard, varchar } from "../validation";
import { organizationScopeView } from "../views";
import type { RouteDeps } from "./deps";

// organization_scopes.name is varchar(128) and unique (spaces allowed, unlike API scopes); description varchar(256).
const createScopeBody = z.object({
    name: varchar(128),
    description: varchar(256).nullable().optional(),
});
const patchScopeBody = createScopeBody.partial();

/** Organization permissions: `/api/organization-scopes`. */
export function organizationScopeRoutes({ store }: RouteDeps): Route[] {
    const organizations = store.organizations;
    const mustFindScope = (id: string): OrganizationScopeRow => {
        const scope = organizations.findScope(id);
        if (!scope) throw LogtoErrors.notExistsWithId("organization_scopes", id);
        return scope;
    };
    const assertNameFree = (name: string, exceptId?: string) => {
        const holder = organizations.findScopeByName(name);
        if (holder && holder.id !== exceptId) throw LogtoErrors.uniqueIntegrityViolation();
    };

    return [
        {
            method: "GET",
            pattern: "/api/organization-scopes",
            // Paginated only when asked; `q` matches the name alone.
            handler: (ctx) => paginate(ctx, applyKeyword(organizations.listScopes(), ctx.query, [(s) => s.name]).map(organizationScopeView), "optional"),
        },
        {
            method: "POST",
            pattern: "/api/organization-scopes",
            handler: (ctx) => {
                const body = guard(createScopeBody, ctx.body);
                assertNameFree(body.name);
                const scope: OrganizationScopeRow = { id: newId(), name: body.name, description: body.description ?? null };
                organizations.insertScope(scope);
                return json(201, organizationScopeView(scope));
            },
        },
        {
            method: "GET",
            pattern: "/api/organization-scopes/:id",
            handler: (ctx) => json(200, organizationScopeView(mustFindScope(ctx.params.id!))),
        },
        {
            method: "PATCH",
            pattern: "/api/organization-scopes/:id",
            handler: (ctx) => {
                const body = guard(patchScopeBody, ctx.body);
                if (body.name === undefined && body.description === undefined) throw LogtoErrors.emptyUpdate();
                const scope = organizations.findScope(ctx.params.id!);
                if (!scope) throw LogtoErrors.notExists("organization_scope");
                if (body.name !== undefined) assertNameFree(body.name, scope.id);
                const updated: OrganizationScopeRow = {
                    ...scope,
                    name: body.name ?? scope.name,
                    description: body.description === undefined ? scope.description : body.description,
                };
                organizations.updateScope(updated);
                return json(200, organizationScopeView(updated));
            },
        },
        {
            method: "DELETE",
            pattern: "/api/organization-scopes/:id",
            handler: (ctx) => {
                // Its grants to organization roles cascade away.
                if (organizations.deleteScope(ctx.params.id!) === 0) throw LogtoErrors.notFound();
                return noContent();
            },
        },
    ];
}
