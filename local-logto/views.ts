import { tenantId, type ApplicationRow, type ResourceRow, type RoleRow, type ScopeRow, type SecretRow } from "./store";
import type { OrganizationRoleRow, OrganizationRow, OrganizationScopeRow } from "./organization-store";

/** The JSON shapes Logto answers with, field for field (see @logto/api's generated types). */

export const resourceView = (r: ResourceRow) => ({
    tenantId,
    id: r.id,
    name: r.name,
    indicator: r.indicator,
    isDefault: r.isDefault,
    accessTokenTtl: r.accessTokenTtl,
});

export const scopeView = (s: ScopeRow) => ({
    tenantId,
    id: s.id,
    resourceId: s.resourceId,
    name: s.name,
    description: s.description,
    createdAt: s.createdAt,
});

export const roleView = (r: RoleRow) => ({
    tenantId,
    id: r.id,
    name: r.name,
    description: r.description,
    type: r.type,
    isDefault: r.isDefault,
});

/** Logto >= 1.42 never returns an application's secret here: secrets are read from `/secrets`. */
export const applicationView = (a: ApplicationRow) => ({
    tenantId,
    id: a.id,
    name: a.name,
    description: a.description,
    type: a.type,
    oidcClientMetadata: a.oidcClientMetadata,
    customClientMetadata: a.customClientMetadata,
    protectedAppMetadata: null,
    customData: a.customData,
    isThirdParty: a.isThirdParty,
    appLevelAccessControlEnabled: false,
    createdAt: a.createdAt,
});

export const secretView = (s: SecretRow) => ({
    tenantId,
    applicationId: s.applicationId,
    name: s.name,
    value: s.value,
    createdAt: s.createdAt,
    expiresAt: s.expiresAt,
});

export const organizationView = (o: OrganizationRow) => ({
    tenantId,
    id: o.id,
    name: o.name,
    description: o.description,
    customData: o.customData,
    isMfaRequired: o.isMfaRequired,
    color: o.color,
    branding: o.branding,
    customCss: o.customCss,
    createdAt: o.createdAt,
});

export const organizationScopeView = (s: OrganizationScopeRow) => ({ tenantId, id: s.id, name: s.name, description: s.description });

export const organizationRoleView = (r: OrganizationRoleRow) => ({ tenantId, id: r.id, name: r.name, description: r.description, type: r.type });
