// The library entry point: what platform repos import.
// Pulumi resources and lookups. Each module also exports its `provider`, which stays internal.
export { ApiResource, type ApiResourceArgs } from "./providers/apiResource";
export { ApiScope, type ApiScopeArgs } from "./providers/apiScope";
export { M2MRole, type M2MRoleArgs } from "./providers/m2mRole";
export { M2MApplication, type M2MApplicationArgs, applicationMarker, defaultSecretName } from "./providers/m2mApplication";
export { ApplicationSecret, type ApplicationSecretArgs } from "./providers/applicationSecret";
export { OrganizationScope, type OrganizationScopeArgs } from "./providers/organizationScope";
export { OrganizationRole, type OrganizationRoleArgs } from "./providers/organizationRole";
export { Organization, ExistingOrganization, existingOrganizationProvider, type OrganizationArgs, type ExistingOrganizationArgs } from "./providers/organization";
export { OrganizationApplication, type OrganizationApplicationArgs } from "./providers/organizationApplication";
export { StackIdentity, stackIdentity } from "./providers/stackIdentity";
export * from "./providers/lookups";
export { connectionConfigKeys, adoptExistingKey, connectionFromConfig } from "./providers/connection";
// The M2M topology from a spec.
export { LogtoM2M, type LogtoM2MArgs, type AppAccess, type ResourceInfo, type M2MStackOutputs } from "./component/logtoM2M";
export { ExistingRole, ManagementApiReference, existingRoleProvider, managementApiProvider, type Grants } from "./component/references";
export { verifyGrants, verifyStackOutputs, requestClientCredentialsToken, GrantMismatchError, TokenRequestError, type GrantCheck, type VerifiableApp } from "./component/verify";
export { logtoM2MProgram, type ProgramOptions } from "./program";
export * from "./spec";
