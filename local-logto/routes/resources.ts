import { z } from "zod";
import { LogtoErrors } from "../errors";
import { json, noContent } from "../http";
import { newId } from "../ids";
import { paginate } from "../pagination";
import type { Route } from "../router";
import { applySearch, parseSearch } from "../search";
import type { ResourceRow, ScopeRow } from "../store";
import { guard, varchar } from "../validation";
import { resourceView, scopeView } from "../views";
import type { RouteDeps } from "./deps";

// Logto's resource columns are `text`: no maximum length, no URI check on the indicator (the token endpoint
// refuses unusable indicators instead), no range check on the TTL (0 and negatives are stored).
const createResourceBody = z.object({
    name: z.string().min(1),
    indicator: z.string().min(1),
    accessTokenTtl: z.number().optional(),
});
// `indicator` and `isDefault` are not in the schema, so they are silently dropped: the indicator is immutable.
const patchResourceBody = z.object({
    name: z.string().min(1).optional(),
    accessTokenTtl: z.number().optional(),
});
const isDefaultBody = z.object({ isDefault: z.boolean() });
// scopes.name is varchar(256); the description is text, and "" is stored as null.
const createScopeBody = z.object({
    name: varchar(256),
    description: z.string().nullable().optional(),
});
const patchScopeBody = z.object({
    name: varchar(256).optional(),
    description: z.string().nullable().optional(),
});

/** Any whitespace in a scope name is refused: the token endpoint splits `scope` on spaces. */
const hasWhitespace = (name: string) => /\s/.test(name);

export function resourceRoutes({ store, managementApiResourceId, now, listOrder }: RouteDeps): Route[] {
    const mustFindResource = (id: string): ResourceRow => {
        const resource = store.findResource(id);
        if (!resource) throw LogtoErrors.notExistsWithId("resources", id);
        return resource;
    };
    const assertScopeNameFree = (resourceId: string, name: string, exceptScopeId?: string) => {
        if (hasWhitespace(name)) throw LogtoErrors.scopeNameWithSpace();
        const existing = store.findScopeByName(resourceId, name);
        if (existing && existing.id !== exceptScopeId) throw LogtoErrors.scopeNameExists(name);
    };
    const scopeSearch = { id: (s: ScopeRow) => s.id, name: (s: ScopeRow) => s.name, description: (s: ScopeRow) => s.description };

    return [
        {
            method: "GET",
            pattern: "/api/resources",
            handler: (ctx) => {
                // Logto ignores `search` here: providers find a resource by indicator client-side.
                const includeScopes = ctx.query.get("includeScopes") === "true";
                const resources = listOrder.unordered(store.listResources()).map((r) =>
                    includeScopes ? { ...resourceView(r), scopes: listOrder.unordered(store.listScopes(r.id)).map(scopeView) } : resourceView(r),
                );
                return paginate(ctx, resources, "optional");
            },
        },
        {
            method: "POST",
            pattern: "/api/resources",
            handler: (ctx) => {
                const body = guard(createResourceBody, ctx.body);
                if (store.findResourceByIndicator(body.indicator)) throw LogtoErrors.resourceIdentifierInUse(body.indicator);
                const resource: ResourceRow = {
                    id: newId(),
                    name: body.name,
                    indicator: body.indicator,
                    isDefault: false,
                    accessTokenTtl: body.accessTokenTtl ?? 3600,
                };
                store.insertResource(resource);
                // Create is the one answer that carries `scopes: []`; GET of one resource has no `scopes`.
                return json(201, { ...resourceView(resource), scopes: [] });
            },
        },
        {
            method: "GET",
            pattern: "/api/resources/:id",
            handler: (ctx) => json(200, resourceView(mustFindResource(ctx.params.id!))),
        },
        {
            method: "PATCH",
            pattern: "/api/resources/:id",
            handler: (ctx) => {
                const body = guard(patchResourceBody, ctx.body);
                if (ctx.params.id === managementApiResourceId) throw LogtoErrors.cannotModifyManagementApi();
                if (body.name === undefined && body.accessTokenTtl === undefined) throw LogtoErrors.emptyUpdate();
                const resource = mustFindResource(ctx.params.id!);
                const updated = { ...resource, name: body.name ?? resource.name, accessTokenTtl: body.accessTokenTtl ?? resource.accessTokenTtl };
                store.updateResource(updated);
                return json(200, resourceView(updated));
            },
        },
        {
            method: "PATCH",
            pattern: "/api/resources/:id/is-default",
            handler: (ctx) => {
                const body = guard(isDefaultBody, ctx.body);
                const resource = mustFindResource(ctx.params.id!);
                // At most one default resource per tenant: setting one clears the others.
                return store.transaction(() => {
                    if (body.isDefault) store.clearDefaultResource();
                    const updated = { ...resource, isDefault: body.isDefault };
                    store.updateResource(updated);
                    return json(200, resourceView(updated));
                });
            },
        },
        {
            method: "DELETE",
            pattern: "/api/resources/:id",
            handler: (ctx) => {
                if (ctx.params.id === managementApiResourceId) throw LogtoErrors.cannotDeleteManagementApi();
                // Its scopes go with it, and with them every role's grant of those scopes (the roles stay).
                if (store.deleteResource(ctx.params.id!) === 0) throw LogtoErrors.notExistsWithId("resources", ctx.params.id!);
                return noContent();
            },
        },
        {
            method: "GET",
            pattern: "/api/resources/:id/scopes",
            handler: (ctx) => {
                const scopes = applySearch(listOrder.unordered(store.listScopes(ctx.params.id!)), parseSearch(ctx.query), scopeSearch);
                return paginate(ctx, scopes.map(scopeView), "always");
            },
        },
        {
            method: "POST",
            pattern: "/api/resources/:id/scopes",
            handler: (ctx) => {
                const body = guard(createScopeBody, ctx.body);
                const resource = mustFindResource(ctx.params.id!);
                if (resource.id === managementApiResourceId) throw LogtoErrors.cannotModifyManagementApi();
                assertScopeNameFree(resource.id, body.name);
                const scope: ScopeRow = { id: newId(), resourceId: resource.id, name: body.name, description: body.description || null, createdAt: now() };
                store.insertScope(scope);
                return json(201, scopeView(scope));
            },
        },
        {
            method: "PATCH",
            pattern: "/api/resources/:id/scopes/:scopeId",
            handler: (ctx) => {
                const body = guard(patchScopeBody, ctx.body);
                const resource = mustFindResource(ctx.params.id!);
                if (resource.id === managementApiResourceId) throw LogtoErrors.cannotModifyManagementApi();
                if (body.name === undefined && body.description === undefined) throw LogtoErrors.emptyUpdate();
                const scope = store.findScope(ctx.params.scopeId!);
                if (!scope || scope.resourceId !== resource.id) throw LogtoErrors.notExistsWithId("scopes", ctx.params.scopeId!);
                if (body.name !== undefined) assertScopeNameFree(resource.id, body.name, scope.id);
                const updated: ScopeRow = {
                    ...scope,
                    name: body.name ?? scope.name,
                    description: body.description === undefined ? scope.description : body.description || null,
                };
                store.updateScope(updated);
                return json(200, scopeView(updated));
            },
        },
        {
            method: "DELETE",
            pattern: "/api/resources/:id/scopes/:scopeId",
            handler: (ctx) => {
                const resource = mustFindResource(ctx.params.id!);
                if (resource.id === managementApiResourceId) throw LogtoErrors.cannotModifyManagementApi();
                const scope = store.findScope(ctx.params.scopeId!);
                if (!scope || scope.resourceId !== resource.id) throw LogtoErrors.notFound();
                // Cascades: the scope disappears from every role holding it.
                store.deleteScope(scope.id);
                return noContent();
            },
        },
    ];
}
