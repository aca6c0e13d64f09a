import type { z } from "zod";
import {
    DEFAULT_SECRET_NAME, MANAGEMENT_API, MANAGEMENT_API_SCOPE, specSchema,
    type AppSpec, type ExternalRoleRef, type RawSpec, type ResourceSpec, type RoleSpec, type ValidSpec,
} from "./schema";

/** One thing wrong with a spec, at a path such as `roles[1].permissions[0].resource`. */
export interface SpecIssue {
    path: string;
    message: string;
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
            return { path: formatPath(issue.path), message: `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}` };
        }
        return { path: formatPath(issue.path), message: issue.message };
    });
}

/**
 * Checks a spec's shape and every cross-reference, and returns it normalized: permission entries as objects,
 * `management` replaced by the real indicator, role descriptions filled in, secret expiries in epoch ms.
 * Roles that apps name but the spec does not declare are listed in `externalRoles`, to be looked up in Logto
 * (`resolveExternalRoles`) before anything is created. Throws `SpecError` naming every problem's path.
 */
export function validateSpec(input: unknown, options: ValidateOptions = {}): ValidSpec {
    const parsed = specSchema.safeParse(input ?? {});
    if (!parsed.success) throw new SpecError(zodIssues(parsed.error), options.source);
    const checker = new CrossReferences(parsed.data, {
        managementIndicator: options.managementIndicator ?? managementIndicatorFor(options.tenantId),
        now: options.now ?? Date.now(),
    });
    const spec = checker.run();
    if (checker.issues.length > 0) throw new SpecError(checker.issues, options.source);
    return spec;
}

class CrossReferences {
    readonly issues: SpecIssue[] = [];
    /** indicator -> permission names, for declared resources. */
    private readonly permissionsByResource = new Map<string, Set<string>>();

    constructor(private readonly raw: RawSpec, private readonly ctx: { managementIndicator: string; now: number }) {}

    private issue(path: string, message: string): void {
        this.issues.push({ path, message });
    }

    /** Reports every repeat of a key after its first occurrence. */
    private unique<T>(items: T[], key: (item: T) => string, path: (i: number) => string, what: string): void {
        const first = new Map<string, number>();
        items.forEach((item, i) => {
            const k = key(item);
            const seen = first.get(k);
            if (seen === undefined) first.set(k, i);
            else this.issue(path(i), `duplicate ${what} ${JSON.stringify(k)} (first at ${path(seen)})`);
        });
    }

    run(): ValidSpec {
        const resources = this.resources();
        const roles = this.roles();
        const { apps, externalRoles } = this.apps(new Set(roles.map((r) => r.name)));
        return {
            managementIndicator: this.ctx.managementIndicator,
            resources,
            roles,
            apps,
            externalRoles,
            usesManagementApi: roles.some((r) => r.permissions.some((g) => g.resource === this.ctx.managementIndicator)),
        };
    }

    private resources(): ResourceSpec[] {
        const { raw } = this;
        this.unique(raw.resources, (r) => r.indicator, (i) => `resources[${i}].indicator`, "indicator");
        this.unique(raw.resources, (r) => r.name, (i) => `resources[${i}].name`, "resource name");
        return raw.resources.map((r, i) => {
            if (r.indicator === this.ctx.managementIndicator || looksLikeManagementIndicator(r.indicator)) {
                this.issue(`resources[${i}].indicator`, `${r.indicator} is Logto's built-in Management API: do not declare it, refer to it as "${MANAGEMENT_API}" in roles`);
            }
            this.unique(r.permissions, (p) => p.name, (j) => `resources[${i}].permissions[${j}]`, "permission");
            if (!this.permissionsByResource.has(r.indicator)) this.permissionsByResource.set(r.indicator, new Set(r.permissions.map((p) => p.name)));
            return {
                name: r.name,
                indicator: r.indicator,
                ...(r.accessTokenTtl === undefined ? {} : { accessTokenTtl: r.accessTokenTtl }),
                permissions: r.permissions.map((p) => (p.description === undefined ? { name: p.name } : { name: p.name, description: p.description })),
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
        return raw.roles.map((role, i) => {
            const grants = role.permissions.map((grant, j) => {
                const base = `roles[${i}].permissions[${j}]`;
                const indicator = this.resolveResource(grant.resource, `${base}.resource`);
                this.unique(grant.permissions, (p) => p, (k) => `${base}.permissions[${k}]`, "permission");
                if (indicator !== undefined) grant.permissions.forEach((p, k) => this.checkPermission(indicator, p, `${base}.permissions[${k}]`));
                return { resource: indicator ?? grant.resource, permissions: [...grant.permissions] };
            });
            // Two entries for one resource would be merged silently by Logto; make the author say it once.
            this.unique(grants, (g) => g.resource, (j) => `roles[${i}].permissions[${j}].resource`, "resource");
            return { name: role.name, description: role.description ?? role.name, permissions: grants };
        });
    }

    private checkPermission(indicator: string, permission: string, path: string): void {
        if (indicator === this.ctx.managementIndicator) {
            if (permission !== MANAGEMENT_API_SCOPE) this.issue(path, `the Management API has one permission, "${MANAGEMENT_API_SCOPE}", not ${JSON.stringify(permission)}`);
            return;
        }
        const held = this.permissionsByResource.get(indicator);
        if (held?.has(permission)) return;
        if (/\s/.test(permission)) {
            this.issue(path, `a permission name must not contain whitespace (${JSON.stringify(permission)}): list permissions one per entry`);
            return;
        }
        const owners = [...this.permissionsByResource].filter(([, names]) => names.has(permission)).map(([ind]) => ind);
        if (owners.length > 0) this.issue(path, `${permission} is a permission of ${owners.join(", ")}, not of ${indicator}`);
        else this.issue(path, `unknown permission ${JSON.stringify(permission)} on ${indicator} (declared: ${[...(held ?? [])].join(", ") || "none"})`);
    }

    private apps(declaredRoles: Set<string>): { apps: AppSpec[]; externalRoles: ExternalRoleRef[] } {
        const { raw } = this;
        const external = new Map<string, string[]>();
        this.unique(raw.apps, (a) => a.name, (i) => `apps[${i}].name`, "app name");
        const apps = raw.apps.map((app, i): AppSpec => {
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
            };
        });
        return { apps, externalRoles: [...external].map(([name, paths]) => ({ name, paths })) };
    }

    private expiry(value: number | string | Date, path: string): number | undefined {
        let ms: number;
        if (typeof value === "number") {
            // Seconds are a common slip; Logto wants milliseconds and would read seconds as 1970.
            if (value < 1e11) {
                this.issue(path, `${value} looks like epoch seconds; give a date (2027-01-01) or epoch milliseconds`);
                return undefined;
            }
            ms = value;
        } else if (value instanceof Date) {
            ms = value.getTime();
        } else {
            ms = /^\d{4}-\d{2}-\d{2}(T.*)?$/.test(value) ? Date.parse(value) : NaN;
        }
        if (!Number.isFinite(ms)) {
            this.issue(path, `${JSON.stringify(String(value))} is not a date (write 2027-01-01 or 2027-01-01T00:00:00Z)`);
            return undefined;
        }
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
