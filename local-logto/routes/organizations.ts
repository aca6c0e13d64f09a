import { z } from "zod";
import { LogtoErrors } from "../errors";
import { json, noContent, text } from "../http";
import { newOrganizationId } from "../ids";
import type { OrganizationRow } from "../organization-store";
import { paginate } from "../pagination";
import type { Route } from "../router";
import { applyKeyword } from "../search";
import { guard, varchar } from "../validation";
import { applicationView, organizationRoleView, organizationView } from "../views";
import type { RouteDeps } from "./deps";

const jsonObject = z.record(z.string(), z.unknown());
// organizations.name is varchar(128), description varchar(256); names need not be unique.
const organizationFields = {
    name: varchar(128),
    description: varchar(256).nullable().optional(),
    customData: jsonObject.optional(),
    isMfaRequired: z.boolean().optional(),
    color: jsonObject.optional(),
    branding: jsonObject.optional(),
    customCss: z.string().nullable().optional(),
};
const createOrganizationBody = z.object(organizationFields);
const patchOrganizationBody = z.object(organizationFields).partial();
const applicationIdsBody = (min: number) => z.object({ applicationIds: z.array(z.string().min(1)).min(min) });
const organizationRoleIdsBody = z.object({ organizationRoleIds: z.array(z.string().min(1)).min(1) });

/**
 * Organizations (`/api/organizations`), their applications (memberships, machine-to-machine apps only) with
 * each member's organization roles (machine-to-machine roles only), and an application's organizations.
 */
export function organizationRoutes({ store, now, listOrder }: RouteDeps): Route[] {
    const organizations = store.organizations;
    const mustFindOrganization = (id: string): OrganizationRow => {
        const organization = organizations.findOrganization(id);
        if (!organization) throw LogtoErrors.notExistsWithId("organizations", id);
        return organization;
    };
    // The relation tables refuse what they cannot hold: an unknown organization or application is a missing
    // foreign key, another application type a failed constraint; nothing of the request is written.
    const assertCanJoin = (organizationId: string, applicationIds: readonly string[]) => {
        if (!organizations.findOrganization(organizationId)) throw LogtoErrors.relationForeignKeyNotFound();
        const applications = applicationIds.map((id) => store.findApplication(id));
        if (applications.some((a) => a === undefined)) throw LogtoErrors.relationForeignKeyNotFound();
        if (applications.some((a) => a!.type !== "MachineToMachine")) throw LogtoErrors.dbConstraintViolated();
    };
    const assertMember = (organizationId: string, applicationId: string) => {
        if (!organizations.isMember(organizationId, applicationId)) throw LogtoErrors.organizationRequireMembership();
    };
    const assertAssignableRoles = (roleIds: readonly string[]) => {
        const roles = roleIds.map((id) => organizations.findRole(id));
        if (roles.some((r) => r === undefined)) throw LogtoErrors.relationForeignKeyNotFound();
        if (roles.some((r) => r!.type !== "MachineToMachine")) throw LogtoErrors.dbConstraintViolated();
    };
    const roleSummary = (organizationId: string, applicationId: string) =>
        listOrder.unordered(organizations.listMemberRoles(organizationId, applicationId)).map((r) => ({ id: r.id, name: r.name }));

    return [
        {
            method: "GET",
            pattern: "/api/organizations",
            handler: (ctx) => {
                const found = applyKeyword(listOrder.unordered(organizations.listOrganizations()), ctx.query, [(o) => o.id, (o) => o.name]);
                return paginate(ctx, found.map(organizationView), "always");
            },
        },
        {
            method: "POST",
            pattern: "/api/organizations",
            handler: (ctx) => {
                const body = guard(createOrganizationBody, ctx.body);
                const organization: OrganizationRow = {
                    id: newOrganizationId(),
                    name: body.name,
                    description: body.description ?? null,
                    customData: body.customData ?? {},
                    isMfaRequired: body.isMfaRequired ?? false,
                    color: body.color ?? {},
                    branding: body.branding ?? {},
                    customCss: body.customCss ?? null,
                    createdAt: now(),
                };
                organizations.insertOrganization(organization);
                return json(201, organizationView(organization));
            },
        },
        {
            method: "GET",
            pattern: "/api/organizations/:id",
            handler: (ctx) => json(200, organizationView(mustFindOrganization(ctx.params.id!))),
        },
        {
            method: "PATCH",
            pattern: "/api/organizations/:id",
            handler: (ctx) => {
                const body = guard(patchOrganizationBody, ctx.body);
                if (Object.values(body).every((value) => value === undefined)) throw LogtoErrors.emptyUpdate();
                const organization = organizations.findOrganization(ctx.params.id!);
                if (!organization) throw LogtoErrors.notExists("organization");
                // JSON columns are replaced whole, not merged.
                const updated: OrganizationRow = {
                    ...organization,
                    name: body.name ?? organization.name,
                    description: body.description === undefined ? organization.description : body.description,
                    customData: body.customData ?? organization.customData,
                    isMfaRequired: body.isMfaRequired ?? organization.isMfaRequired,
                    color: body.color ?? organization.color,
                    branding: body.branding ?? organization.branding,
                    customCss: body.customCss === undefined ? organization.customCss : body.customCss,
                };
                organizations.updateOrganization(updated);
                return json(200, organizationView(updated));
            },
        },
        {
            method: "DELETE",
            pattern: "/api/organizations/:id",
            handler: (ctx) => {
                // Its memberships and their roles cascade away.
                if (organizations.deleteOrganization(ctx.params.id!) === 0) throw LogtoErrors.notFound();
                return noContent();
            },
        },
        {
            method: "GET",
            pattern: "/api/organizations/:id/applications",
            handler: (ctx) => {
                // An unknown organization has no members: 200 [], not 404.
                const members = applyKeyword(listOrder.unordered(organizations.listMembers(ctx.params.id!)), ctx.query, [(a) => a.id, (a) => a.name, (a) => a.description]);
                const items = members.map((a) => ({ ...applicationView(a), organizationRoles: roleSummary(ctx.params.id!, a.id) }));
                return paginate(ctx, items, "always");
            },
        },
        {
            method: "POST",
            pattern: "/api/organizations/:id/applications",
            handler: (ctx) => {
                const { applicationIds } = guard(applicationIdsBody(1), ctx.body);
                const unique = [...new Set(applicationIds)];
                assertCanJoin(ctx.params.id!, unique);
                // Idempotent: members already there keep their membership and roles.
                store.transaction(() => organizations.addMembers(ctx.params.id!, unique));
                return text(201, "Created");
            },
        },
        {
            method: "PUT",
            pattern: "/api/organizations/:id/applications",
            handler: (ctx) => {
                const { applicationIds } = guard(applicationIdsBody(0), ctx.body);
                const unique = [...new Set(applicationIds)];
                if (unique.length > 0) assertCanJoin(ctx.params.id!, unique);
                // Members left out lose their membership and its roles; members kept keep their roles.
                store.transaction(() => {
                    organizations.removeMembersExcept(ctx.params.id!, unique);
                    organizations.addMembers(ctx.params.id!, unique);
                });
                return noContent();
            },
        },
        {
            method: "DELETE",
            pattern: "/api/organizations/:id/applications/:applicationId",
            handler: (ctx) => {
                if (organizations.deleteMember(ctx.params.id!, ctx.params.applicationId!) === 0) throw LogtoErrors.notFound();
                return noContent();
            },
        },
        {
            method: "GET",
            pattern: "/api/organizations/:id/applications/:applicationId/roles",
            handler: (ctx) => {
                assertMember(ctx.params.id!, ctx.params.applicationId!);
                const roles = listOrder.unordered(organizations.listMemberRoles(ctx.params.id!, ctx.params.applicationId!));
                return paginate(ctx, roles.map(organizationRoleView), "optional");
            },
        },
        {
            method: "POST",
            pattern: "/api/organizations/:id/applications/:applicationId/roles",
            handler: (ctx) => {
                const { organizationRoleIds } = guard(organizationRoleIdsBody, ctx.body);
                assertMember(ctx.params.id!, ctx.params.applicationId!);
                const unique = [...new Set(organizationRoleIds)];
                assertAssignableRoles(unique);
                // Idempotent: roles the member already holds are skipped.
                store.transaction(() => organizations.addMemberRoles(ctx.params.id!, ctx.params.applicationId!, unique));
                return text(201, "Created");
            },
        },
        {
            method: "PUT",
            pattern: "/api/organizations/:id/applications/:applicationId/roles",
            handler: (ctx) => {
                // At least one role, unlike PUT of memberships: a member's roles are removed one by one.
                const { organizationRoleIds } = guard(organizationRoleIdsBody, ctx.body);
                assertMember(ctx.params.id!, ctx.params.applicationId!);
                const unique = [...new Set(organizationRoleIds)];
                assertAssignableRoles(unique);
                store.transaction(() => {
                    organizations.removeMemberRolesExcept(ctx.params.id!, ctx.params.applicationId!, unique);
                    organizations.addMemberRoles(ctx.params.id!, ctx.params.applicationId!, unique);
                });
                return noContent();
            },
        },
        {
            method: "DELETE",
            pattern: "/api/organizations/:id/applications/:applicationId/roles/:organizationRoleId",
            handler: (ctx) => {
                assertMember(ctx.params.id!, ctx.params.applicationId!);
                if (organizations.deleteMemberRole(ctx.params.id!, ctx.params.applicationId!, ctx.params.organizationRoleId!) === 0) throw LogtoErrors.notFound();
                return noContent();
            },
        },
        {
            method: "GET",
            pattern: "/api/applications/:id/organizations",
            handler: (ctx) => {
                const application = store.findApplication(ctx.params.id!);
                if (!application) throw LogtoErrors.notExistsWithId("applications", ctx.params.id!);
                // Paginated only when asked; no `q` here.
                const items = organizations.listMemberships(application.id).map((o) => ({ ...organizationView(o), organizationRoles: roleSummary(o.id, application.id) }));
                return paginate(ctx, items, "optional");
            },
        },
    ];
}
