import * as pulumi from "@pulumi/pulumi";
import { connectionEnvVars } from "../client/settings";
import { ApiResource } from "../providers/apiResource";
import { ApiScope } from "../providers/apiScope";
import { ApplicationSecret } from "../providers/applicationSecret";
import { M2MApplication } from "../providers/m2mApplication";
import { M2MRole } from "../providers/m2mRole";
import { ExistingOrganization, Organization } from "../providers/organization";
import { OrganizationApplication } from "../providers/organizationApplication";
import { OrganizationRole } from "../providers/organizationRole";
import { OrganizationScope } from "../providers/organizationScope";
import { MANAGEMENT_API_SCOPE, type ValidSpec } from "../spec/schema";
import { validateSpec } from "../spec/validate";
import { ExistingRole, ManagementApiReference, type Grants } from "./references";

/** Everything a downstream service needs to get its token, per app. */
export interface AppAccess {
    appId: pulumi.Output<string>;
    /** The app's "Default secret" (a Pulumi secret). */
    appSecret: pulumi.Output<string>;
    /** `{endpoint}/oidc/token`, where the app POSTs its client-credentials request. */
    tokenEndpoint: string;
    /** The permissions the app holds, by resource indicator: the `resource` and `scope` of its token requests. */
    resources: pulumi.Output<Grants>;
    /** The app's extra named secrets (Pulumi secrets), by name. */
    secrets: Record<string, pulumi.Output<string>>;
    /** The organizations the app is a member of, by the spec's key (name, or id): what it may do there. */
    organizations: Record<string, OrganizationAccess>;
}

/** An app's membership: the `organization_id` of its organization tokens and what they may carry. */
export interface OrganizationAccess {
    organizationId: pulumi.Output<string>;
    /** The organization roles the app holds there. */
    roles: string[];
    /** Organization permissions: the `scope` of a token with `organization_id` alone. */
    permissions: string[];
    /** API permissions by indicator: the `resource` and `scope` of a token with `organization_id` and `resource`. */
    resources: Grants;
}

/** A resource the spec's apps can get tokens for: declared ones and the Management API when used. */
export interface ResourceInfo {
    name: string;
    /** Every permission the resource has (declared ones; `all` for the Management API). */
    permissions: string[];
}

export interface LogtoM2MArgs {
    /** The spec as written (YAML or config, parsed); validated here, before any child is declared. */
    spec: unknown;
    /** Logto endpoint, for `tokenEndpoint`; defaults to stack config `logto:endpoint`, else env LOGTO_ENDPOINT. */
    endpoint?: string;
    /** Logto Cloud tenant id; defaults to `logto:tenantId`, else env LOGTO_TENANT_ID. Self-hosted: none. */
    tenantId?: string;
    /** Override of the Management API indicator; defaults to `logto:managementIndicator`, else derived. */
    managementIndicator?: string;
    /**
     * Take over resources, permissions, roles and app secrets that already exist by natural key (default: stack
     * config `logto:adoptExisting`; a spec entry's own `adopt` wins). Apps have none: they are created, unless the
     * spec gives an app's `adoptId` (an app an interrupted run of this stack made is found by its marker).
     */
    adopt?: boolean;
    /** Where the spec came from, for error messages. */
    source?: string;
}

function setting(key: "endpoint" | "tenantId" | "managementIndicator"): string | undefined {
    const value = pulumi.runtime.getConfig(`logto:${key}`) ?? process.env[connectionEnvVars[key]];
    return value !== undefined && value.trim() !== "" ? value.trim() : undefined;
}

/**
 * Child names: `<component>/<kind>/<key>`. Indicators never hold `#` (the spec refuses it), so `#` separates an
 * indicator from a permission; app names may hold anything, so theirs is escaped before `#` separates a secret.
 */
function childName(component: string, kind: string, ...key: string[]): string {
    return `${component}/${kind}/${key.join("#")}`;
}
const escapeHash = (s: string): string => s.replace(/%/g, "%25").replace(/#/g, "%23");

function mergeGrants(into: Grants, from: Grants): Grants {
    for (const [indicator, permissions] of Object.entries(from)) {
        into[indicator] = [...new Set([...(into[indicator] ?? []), ...permissions])].sort();
    }
    return into;
}

/**
 * A whole M2M topology from a spec: API resources and their permissions, M2M roles, M2M apps with their roles
 * and extra secrets, as children of one component. Roles the spec names without declaring them (e.g. Logto's
 * "Logto Management API access") and the Management API are referenced, never managed: every managed child
 * waits for those references, so a missing role fails the `up` before anything is created.
 *
 * ```ts
 * const m2m = new LogtoM2M("m2m", { spec: parse(readFileSync("m2m.yaml", "utf8")) });
 * export const storefrontId = m2m.apps["storefront"].appId;
 * ```
 */
export class LogtoM2M extends pulumi.ComponentResource {
    /** The validated spec (normalized: `management` replaced by the real indicator, defaults filled in). */
    readonly spec: ValidSpec;
    readonly tokenEndpoint: string;
    /** Per app name. */
    readonly apps: Record<string, AppAccess>;
    /** Per indicator: declared resources, plus the Management API when a declared role uses it. */
    readonly resources: Record<string, ResourceInfo>;
    /** The Pulumi resources, for `dependsOn` and further wiring. */
    readonly apiResources: Record<string, ApiResource>;
    readonly permissions: Record<string, Record<string, ApiScope>>;
    readonly roles: Record<string, M2MRole>;
    readonly existingRoles: Record<string, ExistingRole>;
    readonly applications: Record<string, M2MApplication>;
    readonly applicationSecrets: Record<string, Record<string, ApplicationSecret>>;
    readonly organizationScopes: Record<string, OrganizationScope>;
    readonly organizationRoles: Record<string, OrganizationRole>;
    /** By the spec's key; existing organizations are references. */
    readonly organizations: Record<string, Organization | ExistingOrganization>;
    /** By organization key, then app name. */
    readonly organizationMemberships: Record<string, Record<string, OrganizationApplication>>;

    constructor(name: string, args: LogtoM2MArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validated before the component registers: a bad spec declares nothing at all.
        const managementIndicator = args.managementIndicator ?? setting("managementIndicator");
        const tenantId = args.tenantId ?? setting("tenantId");
        const spec = validateSpec(args.spec, {
            ...(managementIndicator !== undefined ? { managementIndicator } : {}),
            ...(tenantId !== undefined ? { tenantId } : {}),
            ...(args.source !== undefined ? { source: args.source } : {}),
        });
        const endpoint = args.endpoint ?? setting("endpoint");
        if (endpoint === undefined) {
            throw new Error("LogtoM2M needs the Logto endpoint: set stack config logto:endpoint (or env LOGTO_ENDPOINT), or pass endpoint");
        }
        super("logto-m2m:index:LogtoM2M", name, {}, opts);
        this.spec = spec;
        this.tokenEndpoint = `${endpoint.replace(/\/+$/, "")}/oidc/token`;
        const child = { parent: this };
        // An object's own `adopt` in the spec wins over the component's (whose default is logto:adoptExisting).
        const adoptIf = (own: boolean | undefined): { adopt?: boolean } => {
            const value = own ?? args.adopt;
            return value === undefined ? {} : { adopt: value };
        };

        // References first; every managed child depends on them (see the class comment).
        const references: pulumi.Resource[] = [];
        const management = spec.usesManagementApi ? new ManagementApiReference(childName(name, "management-api"), child) : undefined;
        if (management) references.push(management);
        this.existingRoles = {};
        for (const ref of spec.externalRoles) {
            // The alias hands the state of a role this stack managed under that name until now (dropped from
            // `roles:` while an app still lists it) to the reference's check, which refuses to take it over.
            const role = new ExistingRole(childName(name, "existing-role", ref.name), { name: ref.name, usedAt: ref.paths },
                { ...child, aliases: [{ name: childName(name, "role", ref.name), type: M2MRole.typeToken }] });
            this.existingRoles[ref.name] = role;
            references.push(role);
        }
        // The roots of the creation order wait for the references, so a missing role fails before anything is
        // created; permissions and secrets wait through their resource and app inputs, and an explicit
        // dependency there would only store the same URNs again in every entry of the state. Permissions and
        // secrets are `deletedWith` their resource and app: Logto deletes them along, so when both go in one run
        // the engine skips their own DELETE (one removed alone is still deleted).
        const managed: pulumi.CustomResourceOptions = { parent: this, dependsOn: references };

        this.apiResources = {};
        this.permissions = {};
        this.resources = {};
        const scopeIds = new Map<string, pulumi.Output<string>>(); // `${indicator}#${permission}` -> scope id
        for (const r of spec.resources) {
            const resource = new ApiResource(childName(name, "resource", r.indicator), {
                name: r.name,
                indicator: r.indicator,
                ...(r.accessTokenTtl !== undefined ? { accessTokenTtl: r.accessTokenTtl } : {}),
                ...adoptIf(r.adopt),
            }, managed);
            this.apiResources[r.indicator] = resource;
            this.permissions[r.indicator] = {};
            for (const p of r.permissions) {
                const scope = new ApiScope(childName(name, "permission", r.indicator, p.name), {
                    resourceId: resource.id,
                    name: p.name,
                    ...(p.description !== undefined ? { description: p.description } : {}),
                    ...adoptIf(r.adopt),
                }, { ...child, deletedWith: resource });
                this.permissions[r.indicator]![p.name] = scope;
                scopeIds.set(`${r.indicator}#${p.name}`, scope.id);
            }
            this.resources[r.indicator] = { name: r.name, permissions: r.permissions.map((p) => p.name) };
        }
        if (management) {
            // Not an id, but known in every preview: the reference never changes (its diff is always none).
            scopeIds.set(`${spec.managementIndicator}#${MANAGEMENT_API_SCOPE}`, management.allScopeId);
            this.resources[spec.managementIndicator] = { name: "Logto Management API", permissions: [MANAGEMENT_API_SCOPE] };
        }

        this.roles = {};
        const declaredGrants = new Map<string, Grants>();
        for (const role of spec.roles) {
            const ids = role.permissions.flatMap((g) => g.permissions.map((p) => scopeIds.get(`${g.resource}#${p}`)!));
            this.roles[role.name] = new M2MRole(childName(name, "role", role.name), {
                name: role.name,
                description: role.description,
                scopeIds: ids,
                ...adoptIf(role.adopt),
            }, managed);
            declaredGrants.set(role.name, mergeGrants({}, Object.fromEntries(role.permissions.map((g) => [g.resource, g.permissions]))));
        }

        this.applications = {};
        this.applicationSecrets = {};
        this.apps = {};
        for (const app of spec.apps) {
            // Ids, never other outputs: a preview of an update knows a resource's id but none of its other outputs
            // (`ExistingRole.roleId` is its id), and an unknown input would preview a change that up never makes.
            const roleIds = app.roles.map((r) => (this.roles[r]?.id ?? this.existingRoles[r]!.id));
            const application = new M2MApplication(childName(name, "app", app.name), {
                name: app.name,
                roleIds,
                ...(app.description !== undefined ? { description: app.description } : {}),
                ...(app.customData !== undefined ? { customData: app.customData } : {}),
                // Not the component's `adopt`: an app has no natural key to be found by (names repeat), so the
                // component makes its apps unless the spec names the one to take over by its App ID; one that an
                // interrupted run of this stack made is found by its marker all the same.
                ...(app.adoptId !== undefined ? { adopt: true, adoptAppId: app.adoptId } : {}),
                // Any other secret of the app is drift (removed by up, or only reported with "keep").
                managedSecrets: app.secrets.map((s) => s.name),
                ...(app.unmanagedSecrets !== undefined ? { unmanagedSecrets: app.unmanagedSecrets } : {}),
            }, managed);
            this.applications[app.name] = application;
            const secrets: Record<string, pulumi.Output<string>> = {};
            this.applicationSecrets[app.name] = {};
            for (const s of app.secrets) {
                const secret = new ApplicationSecret(childName(name, "secret", escapeHash(app.name), s.name), {
                    applicationId: application.id,
                    name: s.name,
                    ...(s.expiresAt !== undefined ? { expiresAt: s.expiresAt } : {}),
                    // An app taken over keeps its secrets: each is taken over by its name, never made again.
                    ...adoptIf(app.adoptId !== undefined ? true : undefined),
                }, { ...child, deletedWith: application });
                this.applicationSecrets[app.name]![s.name] = secret;
                secrets[s.name] = secret.value;
            }
            const fixed = app.roles.filter((r) => declaredGrants.has(r)).reduce((acc, r) => mergeGrants(acc, declaredGrants.get(r)!), {} as Grants);
            const external = app.roles.filter((r) => !declaredGrants.has(r)).map((r) => this.existingRoles[r]!.grants);
            this.apps[app.name] = {
                appId: application.id,
                appSecret: application.appSecret,
                tokenEndpoint: this.tokenEndpoint,
                resources: pulumi.all(external).apply((list) => list.reduce((acc, g) => mergeGrants(acc, g ?? {}), mergeGrants({}, fixed))),
                secrets,
                organizations: {},
            };
        }

        this.organizationScopes = {};
        this.organizationRoles = {};
        this.organizations = {};
        this.organizationMemberships = {};
        const orgs = spec.organizations;
        for (const p of orgs.permissions) {
            this.organizationScopes[p.name] = new OrganizationScope(childName(name, "organization-permission", p.name), {
                name: p.name,
                ...(p.description !== undefined ? { description: p.description } : {}),
                ...adoptIf(p.adopt),
            }, managed);
        }
        const orgRoleGrants = new Map<string, { permissions: string[]; resources: Grants }>();
        for (const role of orgs.roles) {
            this.organizationRoles[role.name] = new OrganizationRole(childName(name, "organization-role", role.name), {
                name: role.name,
                ...(role.description !== undefined ? { description: role.description } : {}),
                organizationScopeIds: role.permissions.map((p) => this.organizationScopes[p]!.id),
                resourceScopeIds: role.resources.flatMap((g) => g.permissions.map((p) => scopeIds.get(`${g.resource}#${p}`)!)),
                ...adoptIf(role.adopt),
            }, managed);
            orgRoleGrants.set(role.name, { permissions: [...role.permissions].sort(), resources: mergeGrants({}, Object.fromEntries(role.resources.map((g) => [g.resource, g.permissions]))) });
        }
        for (const org of orgs.list) {
            const organization = org.existing
                ? new ExistingOrganization(childName(name, "existing-organization", org.key), {
                    ...(org.id !== undefined ? { organizationId: org.id } : { name: org.key }),
                    usedAt: [`organizations.list[${orgs.list.indexOf(org)}]`],
                }, child)
                : new Organization(childName(name, "organization", org.key), {
                    name: org.name!,
                    ...(org.description !== undefined ? { description: org.description } : {}),
                    ...(org.customData !== undefined ? { customData: org.customData } : {}),
                }, managed);
            this.organizations[org.key] = organization;
            this.organizationMemberships[org.key] = {};
            for (const member of org.apps) {
                // Deleted with a managed organization (Logto removes its members); an existing one stays, so its
                // memberships are removed one by one.
                this.organizationMemberships[org.key]![member.app] = new OrganizationApplication(
                    childName(name, "organization-member", escapeHash(org.key), escapeHash(member.app)), {
                        organizationId: organization.id,
                        applicationId: this.applications[member.app]!.id,
                        organizationRoleIds: member.roles.map((r) => this.organizationRoles[r]!.id),
                    }, org.existing ? child : { ...child, deletedWith: organization });
                const grants = member.roles.map((r) => orgRoleGrants.get(r)!);
                this.apps[member.app]!.organizations[org.key] = {
                    organizationId: organization.id,
                    roles: [...member.roles],
                    permissions: [...new Set(grants.flatMap((g) => g.permissions))].sort(),
                    resources: grants.reduce((acc, g) => mergeGrants(acc, g.resources), {} as Grants),
                };
            }
        }

        // Apps may hold resources known only through an existing role (e.g. the Management API through the
        // preconfigured role): those appear in the apps' `resources`; `this.resources` lists what the spec knows.
        this.registerOutputs({ tokenEndpoint: this.tokenEndpoint, apps: this.apps, resources: this.resources });
    }

    /**
     * The stack outputs of the program: per app `appId`, `appSecret` (secret), `tokenEndpoint`, `resources`
     * (indicator -> permissions held), `secrets` (name -> value, secret) and `organizations` (key -> organization id,
     * roles, organization permissions, API permissions); per resource its permissions.
     */
    stackOutputs(): M2MStackOutputs {
        return {
            tokenEndpoint: this.tokenEndpoint,
            apps: Object.fromEntries(Object.entries(this.apps).map(([n, a]) => [n, {
                appId: a.appId,
                appSecret: pulumi.secret(a.appSecret),
                tokenEndpoint: a.tokenEndpoint,
                resources: a.resources,
                secrets: a.secrets,
                // Only for members of organizations: stacks without any keep their outputs as they were.
                ...(Object.keys(a.organizations).length > 0 ? { organizations: a.organizations } : {}),
            }])),
            resources: this.resources,
            // Only with organizations, so that stacks without any keep their outputs as they were.
            ...(this.spec.organizations.permissions.length > 0 ? { organizationPermissions: this.spec.organizations.permissions.map((p) => p.name) } : {}),
        };
    }
}

export interface M2MStackOutputs {
    tokenEndpoint: string;
    apps: Record<string, {
        appId: pulumi.Output<string>;
        appSecret: pulumi.Output<string>;
        tokenEndpoint: string;
        resources: pulumi.Output<Grants>;
        secrets: Record<string, pulumi.Output<string>>;
        /** Absent for an app that is a member of no organization. */
        organizations?: Record<string, OrganizationAccess>;
    }>;
    resources: Record<string, ResourceInfo>;
    /** Every organization permission of the spec (absent when it declares none). */
    organizationPermissions?: string[];
}
