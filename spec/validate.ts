import type { z } from "zod";
import { parseExpiry } from "../providers/validation";
import {
    DEFAULT_SECRET_NAME, MANAGEMENT_API, MANAGEMENT_API_SCOPE, appSchema, organizationEntrySchema, organizationPermissionSchema, organizationRoleSchema, organizationsSchema, resourceSchema, roleSchema, specSchema,
    type AppSpec, type ExternalRoleRef, type OrganizationsSpec, type RawSpec, type ResourceSpec, type RoleSpec, type ValidSpec,
} from "./schema";

/** One thing wrong with a spec, at a path such as `roles[1].permissions[0].resource`. */
export interface SpecIssue {
    path: string;
    message: string;
    /** The unknown key an `unknown key` issue is about (the object at `path` holds it). */
    key?: string;
    /** Where a YAML syntax error is (a spec that parsed is placed by `LoadedSpec.locate`). */
    line?: number;
    column?: number;
}

/** A spec that cannot be applied. Thrown before anything is created; `issues` lists every problem found. */
export class SpecError extends Error {
    override readonly name = "SpecError";
    constructor(readonly issues: SpecIssue[], readonly source?: string) {
        super(SpecError.describe(issues, source));
    }

    private static describe(issues: SpecIssue[], source?: string): string {
        const where = source ? ` in ${source}` : "";
        const head = issues.length === 1 ? `The M2M spec${where} has an error:` : `The M2M spec${where} has ${issues.length} errors:`;
        return [head, ...issues.map((i) => `  ${i.path || "(spec)"}: ${i.message}`)].join("\n");
    }
}

export interface ValidateOptions {
    /** The Management API indicator of the target Logto; derived from `tenantId` when not given. */
    managementIndicator?: string;
    /** Logto Cloud tenant id; none for self-hosted Logto. */
    tenantId?: string;
    /** Clock for secret expiry checks (epoch ms). */
    now?: number;
    /** Where the spec came from (a file name, a config key), for messages. */
    source?: string;
}

const SELF_HOSTED_MANAGEMENT_INDICATOR = "https://default.logto.app/api";

/** The Management API indicator: `https://{tenantId}.logto.app/api` on Logto Cloud, the default one self-hosted. */
export function managementIndicatorFor(tenantId?: string): string {
    return tenantId ? `https://${tenantId}.logto.app/api` : SELF_HOSTED_MANAGEMENT_INDICATOR;
}

/** Looks like some tenant's Management API, whichever tenant. */
function looksLikeManagementIndicator(indicator: string): boolean {
    return /^https:\/\/[^/]+\.logto\.app\/api\/?$/.test(indicator);
}

/** `["roles", 1, "name"]` -> `roles[1].name`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
    let out = "";
    for (const key of path) {
        if (typeof key === "number") out += `[${key}]`;
        else out += out ? `.${String(key)}` : String(key);
    }
    return out;
}

function zodIssues(error: z.ZodError): SpecIssue[] {
    return error.issues.map((issue) => {
        if (issue.code === "unrecognized_keys") {
            return {
                path: formatPath(issue.path),
                message: `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}`,
                ...(issue.keys[0] === undefined ? {} : { key: issue.keys[0] }),
            };
        }
        return { path: formatPath(issue.path), message: issue.message };
    });
}

/** A list of the spec as far as its shape is right: an entry whose shape is wrong is a hole (undefined). */
type Salvaged<T> = Array<T | undefined>;

/** The spec's lists with every well-shaped entry, and the names and indicators that the broken ones declare. */
interface SalvagedSpec {
    resources: Salvaged<RawSpec["resources"][number]>;
    roles: Salvaged<RawSpec["roles"][number]>;
    apps: Salvaged<RawSpec["apps"][number]>;
    /** The organizations part with its well-shaped entries; undefined when absent or not an object. */
    organizations?: SalvagedOrganizations;
    /** Indicators of resources whose shape is wrong: roles may name them without an "unknown resource" error. */
    brokenIndicators: Set<string>;
    /** Names of roles whose shape is wrong: apps may name them without an "unknown role" error. */
    brokenRoleNames: Set<string>;
}

type RawOrganizations = z.output<typeof organizationsSchema>;

/** The organizations part's lists with every well-shaped entry, and the names the broken ones declare. */
interface SalvagedOrganizations {
    permissions: Salvaged<RawOrganizations["permissions"][number]>;
    roles: Salvaged<RawOrganizations["roles"][number]>;
    list: Salvaged<RawOrganizations["list"][number]>;
    /** Organization permissions and roles whose shape is wrong: references to them are no "unknown" error. */
    brokenPermissionNames?: Set<string>;
    brokenRoleNames?: Set<string>;
}

/**
 * After a shape error, the entries that are well-shaped, so that their cross-references are checked too and the
 * author sees every error at once. Names in broken entries still count as declared, so that an error of shape
 * is not reported a second time as an unknown reference.
 */
function salvage(input: unknown): SalvagedSpec | undefined {
    if (input === null || typeof input !== "object" || Array.isArray(input)) return undefined;
    const lists = input as Record<string, unknown>;
    const brokenIndicators = new Set<string>();
    const brokenRoleNames = new Set<string>();
    const entries = <S extends z.ZodType>(key: string, schema: S, broken?: { field: string; into: Set<string>; plainName?: true }, from = lists): Salvaged<z.output<S>> => {
        const list = from[key];
        if (!Array.isArray(list)) return [];
        return list.map((entry) => {
            const parsed = schema.safeParse(entry);
            if (parsed.success) return parsed.data;
            // An entry written as a plain name (an organization permission) declares that name.
            const value = typeof entry === "string" && broken?.plainName === true ? entry : entry !== null && typeof entry === "object" ? (entry as Record<string, unknown>)[broken?.field ?? ""] : undefined;
            if (broken !== undefined && typeof value === "string") broken.into.add(value);
            return undefined;
        });
    };
    return {
        resources: entries("resources", resourceSchema, { field: "indicator", into: brokenIndicators }),
        roles: entries("roles", roleSchema, { field: "name", into: brokenRoleNames }),
        apps: entries("apps", appSchema),
        ...salvagedOrganizations(lists.organizations),
        brokenIndicators,
        brokenRoleNames,
    };

    function salvagedOrganizations(value: unknown): { organizations?: SalvagedOrganizations } {
        if (value === null || typeof value !== "object" || Array.isArray(value)) return {};
        const part = value as Record<string, unknown>;
        const brokenPermissionNames = new Set<string>();
        const brokenOrganizationRoles = new Set<string>();
        return {
            organizations: {
                permissions: entries("permissions", organizationPermissionSchema, { field: "name", into: brokenPermissionNames, plainName: true }, part),
                roles: entries("roles", organizationRoleSchema, { field: "name", into: brokenOrganizationRoles }, part),
                list: entries("list", organizationEntrySchema, undefined, part),
                brokenPermissionNames,
                brokenRoleNames: brokenOrganizationRoles,
            },
        };
    }
}

/**
 * Checks a spec's shape and every cross-reference, and returns it normalized: permission entries as objects,
 * `management` replaced by the real indicator, role descriptions filled in, secret expiries in epoch ms.
 * Roles that apps name but the spec does not declare are listed in `externalRoles`, to be looked up in Logto
 * (`resolveExternalRoles`) before anything is created. Throws `SpecError` naming every problem's path.
 */
export function validateSpec(input: unknown, options: ValidateOptions = {}): ValidSpec {
    const ctx = {
        managementIndicator: options.managementIndicator ?? managementIndicatorFor(options.tenantId),
        now: options.now ?? Date.now(),
    };
    const parsed = specSchema.safeParse(input ?? {});
    if (!parsed.success) {
        // Every error at once: the cross-references of the well-shaped entries are checked as well.
        const shapeIssues = zodIssues(parsed.error);
        const salvaged = salvage(input ?? {});
        const referenceIssues = salvaged === undefined ? [] : new CrossReferences(salvaged, ctx).checkOnly();
        throw new SpecError([...shapeIssues, ...referenceIssues], options.source);
    }
    const checker = new CrossReferences({ ...parsed.data, brokenIndicators: new Set(), brokenRoleNames: new Set() }, ctx);
    const spec = checker.run();
    if (checker.issues.length > 0) throw new SpecError(checker.issues, options.source);
    return spec;
}

/** The entries of a salvaged list that are there, each with its index in the spec. */
function present<T>(items: Salvaged<T>): Array<[T, number]> {
    return items.flatMap((item, i) => (item === undefined ? [] : [[item, i] as [T, number]]));
}

class CrossReferences {
    readonly issues: SpecIssue[] = [];
    /** indicator -> permission names, for declared resources (undefined: the resource's shape is wrong). */
    private readonly permissionsByResource = new Map<string, Set<string> | undefined>();

    constructor(private readonly raw: SalvagedSpec, private readonly ctx: { managementIndicator: string; now: number }) {}

    /** The issues of a spec whose shape is partly wrong (its result is not a valid spec). */
    checkOnly(): SpecIssue[] {
        this.run();
        return this.issues;
    }

    private issue(path: string, message: string): void {
        this.issues.push({ path, message });
    }

    /** Reports every repeat of a key after its first occurrence (holes of a salvaged list are skipped). */
    private unique<T>(items: Salvaged<T>, key: (item: T) => string, path: (i: number) => string, what: string): void {
        const first = new Map<string, number>();
        items.forEach((item, i) => {
            if (item === undefined) return;
            const k = key(item);
            const seen = first.get(k);
            if (seen === undefined) first.set(k, i);
            else this.issue(path(i), `duplicate ${what} ${JSON.stringify(k)} (first at ${path(seen)})`);
        });
    }

    run(): ValidSpec {
        const resources = this.resources();
        const roles = this.roles();
        const { apps, externalRoles } = this.apps(new Set([...roles.map((r) => r.name), ...this.raw.brokenRoleNames]));
        const organizations = this.organizations();
        const grants = [...roles.flatMap((r) => r.permissions), ...organizations.roles.flatMap((r) => r.resources)];
        return {
            managementIndicator: this.ctx.managementIndicator,
            resources,
            roles,
            apps,
            organizations,
            externalRoles,
            usesManagementApi: grants.some((g) => g.resource === this.ctx.managementIndicator),
        };
    }

    private resources(): ResourceSpec[] {
        const { raw } = this;
        this.unique(raw.resources, (r) => r.indicator, (i) => `resources[${i}].indicator`, "indicator");
        this.unique(raw.resources, (r) => r.name, (i) => `resources[${i}].name`, "resource name");
        for (const indicator of raw.brokenIndicators) this.permissionsByResource.set(indicator, undefined);
        return present(raw.resources).map(([r, i]) => {
            if (r.indicator === this.ctx.managementIndicator || looksLikeManagementIndicator(r.indicator)) {
                this.issue(`resources[${i}].indicator`, `${r.indicator} is Logto's built-in Management API: do not declare it, refer to it as "${MANAGEMENT_API}" in roles`);
            }
            this.unique(r.permissions, (p) => p.name, (j) => `resources[${i}].permissions[${j}]`, "permission");
            if (this.permissionsByResource.get(r.indicator) === undefined) this.permissionsByResource.set(r.indicator, new Set(r.permissions.map((p) => p.name)));
            return {
                name: r.name,
                indicator: r.indicator,
                ...(r.accessTokenTtl === undefined ? {} : { accessTokenTtl: r.accessTokenTtl }),
                permissions: r.permissions.map((p) => (p.description === undefined ? { name: p.name } : { name: p.name, description: p.description })),
                ...(r.adopt === undefined ? {} : { adopt: r.adopt }),
            };
        });
    }

    /** The real indicator a role's `resource` refers to, or undefined (after reporting why). */
    private resolveResource(ref: string, path: string): string | undefined {
        const mgmt = this.ctx.managementIndicator;
        if (ref === MANAGEMENT_API || ref === mgmt) return mgmt;
        if (this.permissionsByResource.has(ref)) return ref;
        if (looksLikeManagementIndicator(ref)) {
            this.issue(path, `${ref} is not this Logto's Management API (${mgmt}); write "${MANAGEMENT_API}" to refer to it`);
            return undefined;
        }
        const declared = [...this.permissionsByResource.keys()];
        const hint = declared.length > 0 ? `declared: ${declared.join(", ")}, or "${MANAGEMENT_API}"` : `declare it under resources, or use "${MANAGEMENT_API}"`;
        this.issue(path, `unknown resource ${JSON.stringify(ref)} (${hint})`);
        return undefined;
    }

    private roles(): RoleSpec[] {
        const { raw } = this;
        this.unique(raw.roles, (r) => r.name, (i) => `roles[${i}].name`, "role name");
        return present(raw.roles).map(([role, i]) => {
            const grants = role.permissions.map((grant, j) => {
                const base = `roles[${i}].permissions[${j}]`;
                const indicator = this.resolveResource(grant.resource, `${base}.resource`);
                this.unique(grant.permissions, (p) => p, (k) => `${base}.permissions[${k}]`, "permission");
                if (indicator !== undefined) grant.permissions.forEach((p, k) => this.checkPermission(indicator, p, `${base}.permissions[${k}]`));
                return { resource: indicator ?? grant.resource, permissions: [...grant.permissions] };
            });
            // Two entries for one resource would be merged silently by Logto; make the author say it once.
            this.unique(grants, (g) => g.resource, (j) => `roles[${i}].permissions[${j}].resource`, "resource");
            return { name: role.name, description: role.description ?? role.name, permissions: grants, ...(role.adopt === undefined ? {} : { adopt: role.adopt }) };
        });
    }

    /** The organizations part: permissions, roles on them and on declared resources, organizations and their members. */
    private organizations(): OrganizationsSpec {
        const org = this.raw.organizations;
        if (org === undefined) return { permissions: [], roles: [], list: [] };
        const base = "organizations";
        this.unique(org.permissions, (p) => p.name, (i) => `${base}.permissions[${i}].name`, "organization permission");
        const permissions = new Set(present(org.permissions).map(([p]) => p.name));
        const knownPermissions = new Set([...permissions, ...(org.brokenPermissionNames ?? [])]);
        this.unique(org.roles, (r) => r.name, (i) => `${base}.roles[${i}].name`, "organization role name");
        const roles = present(org.roles).map(([role, i]) => {
            const at = `${base}.roles[${i}]`;
            this.unique(role.permissions, (p) => p, (j) => `${at}.permissions[${j}]`, "organization permission");
            role.permissions.forEach((p, j) => {
                if (!knownPermissions.has(p)) {
                    this.issue(`${at}.permissions[${j}]`, `unknown organization permission ${JSON.stringify(p)} (declared under organizations.permissions: ${[...permissions].join(", ") || "none"})`);
                }
            });
            const resources = role.resources.map((grant, j) => {
                const g = `${at}.resources[${j}]`;
                const indicator = this.resolveResource(grant.resource, `${g}.resource`);
                this.unique(grant.permissions, (p) => p, (k) => `${g}.permissions[${k}]`, "permission");
                if (indicator !== undefined) grant.permissions.forEach((p, k) => this.checkPermission(indicator, p, `${g}.permissions[${k}]`));
                return { resource: indicator ?? grant.resource, permissions: [...grant.permissions] };
            });
            this.unique(resources, (g) => g.resource, (j) => `${at}.resources[${j}].resource`, "resource");
            return { name: role.name, ...(role.description ? { description: role.description } : {}), permissions: [...role.permissions], resources, ...(role.adopt === undefined ? {} : { adopt: role.adopt }) };
        });
        const roleNames = new Set(roles.map((r) => r.name));
        const knownRoles = new Set([...roleNames, ...(org.brokenRoleNames ?? [])]);
        const appNames = new Set(present(this.raw.apps).map(([a]) => a.name));
        // Holes stay (a broken entry), so that the paths below keep the spec's indices.
        const list = org.list.map((entry, i) => {
            if (entry === undefined) return undefined;
            const at = `${base}.list[${i}]`;
            const existing = entry.existing === true || entry.id !== undefined;
            this.unique(entry.apps, (m) => m.app, (j) => `${at}.apps[${j}].app`, "app");
            entry.apps.forEach((m, j) => {
                if (!appNames.has(m.app)) this.issue(`${at}.apps[${j}].app`, `unknown app ${JSON.stringify(m.app)} (declared under apps: ${[...appNames].join(", ") || "none"})`);
                this.unique(m.roles, (r) => r, (k) => `${at}.apps[${j}].roles[${k}]`, "organization role");
                m.roles.forEach((r, k) => {
                    if (!knownRoles.has(r)) this.issue(`${at}.apps[${j}].roles[${k}]`, `unknown organization role ${JSON.stringify(r)} (declared under organizations.roles: ${[...roleNames].join(", ") || "none"})`);
                });
            });
            return {
                key: entry.id ?? entry.name ?? "",
                existing,
                ...(entry.name !== undefined ? { name: entry.name } : {}),
                ...(entry.id !== undefined ? { id: entry.id } : {}),
                ...(entry.description ? { description: entry.description } : {}),
                ...(entry.customData !== undefined ? { customData: entry.customData } : {}),
                apps: entry.apps.map((m) => ({ app: m.app, roles: [...m.roles] })),
            };
        });
        // The key names the organization in the outputs and in the stack: the same name twice is one too many.
        this.unique(list, (o) => o.key, (i) => `${base}.list[${i}].${list[i]!.id !== undefined ? "id" : "name"}`, "organization");
        return {
            permissions: present(org.permissions).map(([p]) => ({ name: p.name, ...(p.description === undefined ? {} : { description: p.description }), ...(p.adopt === undefined ? {} : { adopt: p.adopt }) })),
            roles,
            list: present(list).map(([o]) => o),
        };
    }

    private checkPermission(indicator: string, permission: string, path: string): void {
        if (indicator === this.ctx.managementIndicator) {
            if (permission !== MANAGEMENT_API_SCOPE) this.issue(path, `the Management API has one permission, "${MANAGEMENT_API_SCOPE}", not ${JSON.stringify(permission)}`);
            return;
        }
        const held = this.permissionsByResource.get(indicator);
        // A resource whose shape is wrong: its permissions are not known well enough to judge.
        if (held === undefined || held.has(permission)) return;
        if (/\s/.test(permission)) {
            this.issue(path, `a permission name must not contain whitespace (${JSON.stringify(permission)}): list permissions one per entry`);
            return;
        }
        const owners = [...this.permissionsByResource].filter(([, names]) => names?.has(permission)).map(([ind]) => ind);
        if (owners.length > 0) this.issue(path, `${permission} is a permission of ${owners.join(", ")}, not of ${indicator}`);
        else this.issue(path, `unknown permission ${JSON.stringify(permission)} on ${indicator} (declared: ${[...(held ?? [])].join(", ") || "none"})`);
    }

    private apps(declaredRoles: Set<string>): { apps: AppSpec[]; externalRoles: ExternalRoleRef[] } {
        const { raw } = this;
        const external = new Map<string, string[]>();
        this.unique(raw.apps, (a) => a.name, (i) => `apps[${i}].name`, "app name");
        // One Logto app taken over by two entries would be managed twice, each undoing the other's roles.
        this.unique(raw.apps.map((a) => (a?.adoptId === undefined ? undefined : a)), (a) => a.adoptId!, (i) => `apps[${i}].adoptId`, "adoptId");
        const apps = present(raw.apps).map(([app, i]): AppSpec => {
            this.unique(app.roles, (r) => r, (j) => `apps[${i}].roles[${j}]`, "role");
            app.roles.forEach((role, j) => {
                if (declaredRoles.has(role)) return;
                const paths = external.get(role) ?? [];
                paths.push(`apps[${i}].roles[${j}]`);
                external.set(role, paths);
            });
            this.unique(app.secrets, (s) => s.name, (j) => `apps[${i}].secrets[${j}].name`, "secret name");
            const secrets = app.secrets.map((secret, j) => {
                const path = `apps[${i}].secrets[${j}]`;
                if (secret.name === DEFAULT_SECRET_NAME) this.issue(`${path}.name`, `"${DEFAULT_SECRET_NAME}" is the secret Logto creates with every app (output appSecret); pick another name`);
                const expiresAt = secret.expiresAt === undefined ? undefined : this.expiry(secret.expiresAt, `${path}.expiresAt`);
                return expiresAt === undefined ? { name: secret.name } : { name: secret.name, expiresAt };
            });
            return {
                name: app.name,
                ...(app.description === undefined ? {} : { description: app.description }),
                roles: [...app.roles],
                secrets,
                ...(app.unmanagedSecrets === undefined ? {} : { unmanagedSecrets: app.unmanagedSecrets }),
                ...(app.customData === undefined ? {} : { customData: app.customData }),
                ...(app.adoptId === undefined ? {} : { adoptId: app.adoptId }),
            };
        });
        return { apps, externalRoles: [...external].map(([name, paths]) => ({ name, paths })) };
    }

    private expiry(value: number | string | Date, path: string): number | undefined {
        // Its form passed the schema.
        const expiry = value instanceof Date ? { ms: value.getTime() } : parseExpiry(value);
        if (!("ms" in expiry)) return undefined;
        const { ms } = expiry;
        if (ms <= this.ctx.now) {
            this.issue(path, `${new Date(ms).toISOString()} is in the past: Logto only takes future expiries (rotate by naming a new secret)`);
            return undefined;
        }
        return ms;
    }
}

/** A role found in Logto by exact name. */
export interface FoundRole {
    id: string;
    name: string;
    /** `MachineToMachine` or `User`; undefined when the lookup does not say. */
    type?: string;
}

/**
 * Looks up the roles a spec uses without declaring them (e.g. Logto's preconfigured "Logto Management API
 * access"), and fails with every path that names a missing role or a User role. Run before creating anything.
 */
export async function resolveExternalRoles(
    spec: ValidSpec,
    lookup: (name: string) => Promise<FoundRole | undefined>,
    source?: string,
): Promise<Map<string, FoundRole>> {
    const found = new Map<string, FoundRole>();
    const issues: SpecIssue[] = [];
    for (const ref of spec.externalRoles) {
        const role = await lookup(ref.name);
        if (!role) {
            for (const path of ref.paths) {
                issues.push({ path, message: `unknown role ${JSON.stringify(ref.name)}: declare it under roles, or create it in Logto (names are case-sensitive)` });
            }
        } else if (role.type !== undefined && role.type !== "MachineToMachine") {
            for (const path of ref.paths) {
                issues.push({ path, message: `role ${JSON.stringify(ref.name)} is a ${role.type} role; apps can only hold machine-to-machine roles` });
            }
        } else {
            found.set(ref.name, role);
        }
    }
    if (issues.length > 0) throw new SpecError(issues, source);
    return found;
}
