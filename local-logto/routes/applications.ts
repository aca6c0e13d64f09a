import { z } from "zod";
import { LogtoApiError, LogtoErrors } from "../errors";
import { json, noContent, text } from "../http";
import { newId, newSecret } from "../ids";
import { paginate } from "../pagination";
import type { Route } from "../router";
import { applySearch, parseSearch } from "../search";
import { applicationTypes, type ApplicationRow, type RoleRow, type Store } from "../store";
import { guard, varchar } from "../validation";
import { applicationView, roleView, secretView } from "../views";
import type { RouteDeps } from "./deps";

const jsonObject = z.record(z.string(), z.unknown());
const oidcClientMetadata = z.looseObject({
    redirectUris: z.array(z.string()).optional(),
    postLogoutRedirectUris: z.array(z.string()).optional(),
});
// applications.name is varchar(256); names need not be unique.
const createApplicationBody = z.object({
    name: varchar(256),
    description: z.string().nullable().optional(),
    type: z.enum(applicationTypes),
    oidcClientMetadata: oidcClientMetadata.optional(),
    customClientMetadata: jsonObject.optional(),
    customData: jsonObject.optional(),
    isThirdParty: z.boolean().optional(),
});
// `type` and `secret` are not in the schema, so they are silently ignored: the type is immutable.
const patchApplicationBody = z.object({
    name: varchar(256).optional(),
    description: z.string().nullable().optional(),
    oidcClientMetadata: oidcClientMetadata.optional(),
    customClientMetadata: jsonObject.optional(),
    customData: jsonObject.optional(),
});
const listApplicationsQuery = z.object({
    types: z.array(z.enum(applicationTypes)).optional(),
    isThirdParty: z.enum(["true", "false"]).optional(),
});
const roleIdsBody = z.object({ roleIds: z.array(z.string().min(1)).min(1) });
// Application secret names are varchar(256); `expiresAt` is epoch milliseconds (an ISO string is refused).
const createSecretBody = z.object({
    name: varchar(256),
    expiresAt: z.number().int().nullable().optional(),
});
const renameSecretBody = z.object({ name: varchar(256) });

/** Application types that authenticate with a secret, and so get a "Default secret" on creation. */
const confidentialTypes = new Set<string>(["MachineToMachine", "Traditional", "Protected"]);
export const defaultSecretName = "Default secret";

/** Creates an application the way POST /api/applications does (the seed uses it too). */
export function createApplication(store: Store, now: number, input: z.output<typeof createApplicationBody>): ApplicationRow {
    const application: ApplicationRow = {
        id: newId(),
        name: input.name,
        description: input.description ?? null,
        type: input.type,
        oidcClientMetadata: { redirectUris: [], postLogoutRedirectUris: [], ...input.oidcClientMetadata },
        customClientMetadata: input.customClientMetadata ?? {},
        customData: input.customData ?? {},
        isThirdParty: input.isThirdParty ?? false,
        createdAt: now,
    };
    store.transaction(() => {
        store.insertApplication(application);
        if (confidentialTypes.has(application.type)) {
            store.insertSecret({ applicationId: application.id, name: defaultSecretName, value: newSecret(), createdAt: now, expiresAt: null });
        }
    });
    return application;
}

export function applicationRoutes({ store, now, listOrder }: RouteDeps): Route[] {
    const mustFindApplication = (id: string): ApplicationRow => {
        const application = store.findApplication(id);
        if (!application) throw LogtoErrors.notExistsWithId("applications", id);
        return application;
    };
    /** The checks shared by POST and PUT of an application's roles. */
    const assertAssignableRoles = (application: ApplicationRow, roleIds: readonly string[]): RoleRow[] => {
        if (application.type !== "MachineToMachine") throw LogtoErrors.applicationInvalidType();
        const roles = roleIds.map((roleId) => {
            const role = store.findRole(roleId);
            if (!role) throw LogtoErrors.notExistsWithId("roles", roleId);
            return role;
        });
        if (roles.some((role) => role.type !== "MachineToMachine")) throw LogtoErrors.applicationInvalidRoleType();
        return roles;
    };
    const applicationSearch = { id: (a: ApplicationRow) => a.id, name: (a: ApplicationRow) => a.name, description: (a: ApplicationRow) => a.description };
    const roleSearch = { id: (r: RoleRow) => r.id, name: (r: RoleRow) => r.name, description: (r: RoleRow) => r.description };

    return [
        {
            method: "GET",
            pattern: "/api/applications",
            handler: (ctx) => {
                const rawTypes = ctx.query.getAll("types");
                const query = guard(
                    listApplicationsQuery,
                    { types: rawTypes.length > 0 ? rawTypes : undefined, isThirdParty: ctx.query.get("isThirdParty") ?? undefined },
                    "query",
                );
                const excludeRoleId = ctx.query.get("excludeRoleId");
                let applications = store.listApplications();
                if (query.types) applications = applications.filter((a) => query.types!.includes(a.type));
                if (query.isThirdParty) applications = applications.filter((a) => a.isThirdParty === (query.isThirdParty === "true"));
                if (excludeRoleId) applications = applications.filter((a) => !store.hasApplicationRole(a.id, excludeRoleId));
                try {
                    applications = applySearch(applications, parseSearch(ctx.query), applicationSearch);
                } catch (error) {
                    // Logto 1.42's application list lets a bad search escape: 500, not 400.
                    if (error instanceof LogtoApiError && error.code === "request.invalid_input") throw LogtoErrors.internalServerError();
                    throw error;
                }
                return paginate(ctx, applications.map(applicationView), "optional");
            },
        },
        {
            method: "POST",
            pattern: "/api/applications",
            handler: (ctx) => {
                const body = guard(createApplicationBody, ctx.body);
                // 200, not 201, and no secret in the answer: read it from GET /api/applications/{id}/secrets.
                return json(200, applicationView(createApplication(store, now(), body)));
            },
        },
        {
            method: "GET",
            pattern: "/api/applications/:id",
            handler: (ctx) => json(200, { ...applicationView(mustFindApplication(ctx.params.id!)), isAdmin: false }),
        },
        {
            method: "PATCH",
            pattern: "/api/applications/:id",
            handler: (ctx) => {
                const body = guard(patchApplicationBody, ctx.body);
                const application = mustFindApplication(ctx.params.id!);
                // JSON columns are replaced whole, not merged: sending customData sets exactly that object.
                const updated: ApplicationRow = {
                    ...application,
                    name: body.name ?? application.name,
                    description: body.description === undefined ? application.description : body.description,
                    oidcClientMetadata: body.oidcClientMetadata
                        ? { redirectUris: [], postLogoutRedirectUris: [], ...body.oidcClientMetadata }
                        : application.oidcClientMetadata,
                    customClientMetadata: body.customClientMetadata ?? application.customClientMetadata,
                    customData: body.customData ?? application.customData,
                };
                store.updateApplication(updated);
                return json(200, applicationView(updated));
            },
        },
        {
            method: "DELETE",
            pattern: "/api/applications/:id",
            handler: (ctx) => {
                // Its role assignments and secrets cascade away.
                if (store.deleteApplication(ctx.params.id!) === 0) throw LogtoErrors.notExistsWithId("applications", ctx.params.id!);
                return noContent();
            },
        },
        {
            method: "GET",
            pattern: "/api/applications/:id/roles",
            handler: (ctx) => {
                const application = mustFindApplication(ctx.params.id!);
                const roles = applySearch(listOrder.unordered(store.listApplicationRoles(application.id)), parseSearch(ctx.query), roleSearch);
                return paginate(ctx, roles.map(roleView), "always");
            },
        },
        {
            method: "POST",
            pattern: "/api/applications/:id/roles",
            handler: (ctx) => {
                const { roleIds } = guard(roleIdsBody, ctx.body);
                const application = mustFindApplication(ctx.params.id!);
                const unique = [...new Set(roleIds)];
                assertAssignableRoles(application, unique);
                // Idempotent since Logto 1.41: roles already held are skipped and left out of addedRoleIds.
                const addedRoleIds = unique.filter((roleId) => !store.hasApplicationRole(application.id, roleId));
                store.transaction(() => addedRoleIds.forEach((roleId) => store.insertApplicationRole(application.id, roleId)));
                return json(201, { roleIds, addedRoleIds });
            },
        },
        {
            method: "PUT",
            pattern: "/api/applications/:id/roles",
            handler: (ctx) => {
                const { roleIds } = guard(z.object({ roleIds: z.array(z.string().min(1)) }), ctx.body);
                const application = mustFindApplication(ctx.params.id!);
                const wanted = new Set(roleIds);
                assertAssignableRoles(application, [...wanted]);
                const current = store.listApplicationRoles(application.id).map((r) => r.id);
                // Reproduces Logto's bug: the removals are committed first, then inserting an empty list of new
                // roles fails with 422 although the change was applied. Never use PUT; POST + DELETE instead.
                store.transaction(() => current.filter((id) => !wanted.has(id)).forEach((id) => store.deleteApplicationRole(application.id, id)));
                const toAdd = [...wanted].filter((id) => !current.includes(id));
                if (toAdd.length === 0) throw LogtoErrors.emptyUpdate();
                store.transaction(() => toAdd.forEach((id) => store.insertApplicationRole(application.id, id)));
                return text(200, "OK");
            },
        },
        {
            method: "DELETE",
            pattern: "/api/applications/:id/roles/:roleId",
            handler: (ctx) => {
                const application = mustFindApplication(ctx.params.id!);
                if (store.deleteApplicationRole(application.id, ctx.params.roleId!) === 0) throw LogtoErrors.notFound();
                return noContent();
            },
        },
        {
            method: "GET",
            pattern: "/api/applications/:id/secrets",
            // Not paginated: the whole list, plaintext values included, re-readable at any time.
            handler: (ctx) => json(200, store.listSecrets(mustFindApplication(ctx.params.id!).id).map(secretView)),
        },
        {
            method: "POST",
            pattern: "/api/applications/:id/secrets",
            handler: (ctx) => {
                const body = guard(createSecretBody, ctx.body);
                const application = mustFindApplication(ctx.params.id!);
                const createdAt = now();
                if (typeof body.expiresAt === "number" && body.expiresAt <= createdAt) {
                    throw LogtoErrors.requestInvalidInput("The value of `expiresAt` must be in the future.");
                }
                if (store.findSecret(application.id, body.name)) throw LogtoErrors.secretNameExists();
                const secret = { applicationId: application.id, name: body.name, value: newSecret(), createdAt, expiresAt: body.expiresAt ?? null };
                store.insertSecret(secret);
                return json(201, secretView(secret));
            },
        },
        {
            method: "PATCH",
            pattern: "/api/applications/:id/secrets/:name",
            handler: (ctx) => {
                const body = guard(renameSecretBody, ctx.body);
                const application = mustFindApplication(ctx.params.id!);
                const secret = store.findSecret(application.id, ctx.params.name!);
                if (!secret) throw LogtoErrors.secretNotExists();
                if (body.name !== secret.name && store.findSecret(application.id, body.name)) throw LogtoErrors.secretNameExists();
                store.renameSecret(application.id, secret.name, body.name);
                return json(200, secretView({ ...secret, name: body.name }));
            },
        },
        {
            method: "DELETE",
            pattern: "/api/applications/:id/secrets/:name",
            handler: (ctx) => {
                const application = mustFindApplication(ctx.params.id!);
                if (store.deleteSecret(application.id, ctx.params.name!) === 0) throw LogtoErrors.notFound();
                return noContent();
            },
        },
        {
            method: "DELETE",
            pattern: "/api/applications/:id/legacy-secret",
            handler: (ctx) => {
                mustFindApplication(ctx.params.id!);
                // Applications created through this API (Logto >= 1.42) never have a usable legacy secret.
                throw LogtoErrors.noLegacySecretFound();
            },
        },
    ];
}
