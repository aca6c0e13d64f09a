import { applicationMarkerKey, stackOfMarker } from "../client/marker";
import {
    BUILT_IN_MANAGEMENT_ROLE, DEFAULT_SECRET_NAME, MANAGEMENT_API, MANAGEMENT_API_SCOPE, appSchema, resourceSchema, roleSchema, secretSchema,
    type AppInput, type ResourceInput, type RoleInput, type SecretInput, type SpecInput,
} from "../spec/schema";
import { formatPath, validateSpec } from "../spec/validate";
import { exportOrganizations, type ExportedOrganizations } from "./exportOrganizations";
import type { TenantSnapshot } from "./reader";

/**
 * A live tenant's M2M topology as a spec that adopts it: every resource and role says `adopt: true` and every app
 * its `adoptId`, so the first `pulumi up` of the spec takes each object over as it is (no write), and the next
 * makes no call. What the spec cannot say is never dropped silently: it is a warning, and the object stays
 * outside the stack (a role that cannot be declared whole is referenced by name, as the built-in one is).
 */
export interface ExportedSpec {
    spec: SpecInput;
    /** One line each, naming the Logto object (and its id) and what happens to it. */
    warnings: string[];
    counts: { resources: number; permissions: number; roles: number; referencedRoles: number; apps: number; secrets: number } & Partial<ExportedOrganizations["counts"]>;
}

export interface ExportOptions {
    /** Clock for expired secrets (epoch ms). */
    now?: number;
}

const shapeProblem = (error: { issues: Array<{ path: PropertyKey[]; message: string }> }): string =>
    error.issues.map((i) => `${formatPath(i.path) || "(entry)"}: ${i.message}`).join("; ");

/** An expiry as the spec writes it and reads back to the same epoch milliseconds: a date, a date-time or ms. */
export function expiryText(ms: number): string | number {
    if (ms % 1000 !== 0) return ms;
    const iso = new Date(ms).toISOString().replace(".000Z", "Z");
    return iso.endsWith("T00:00:00Z") ? iso.slice(0, 10) : iso;
}

export function exportSpec(snapshot: TenantSnapshot, options: ExportOptions = {}): ExportedSpec {
    const now = options.now ?? Date.now();
    const warnings: string[] = [];
    const warn = (line: string): void => void warnings.push(line);
    const mgmt = snapshot.managementIndicator;

    // ---- resources: each whole, or not at all (a role on one left out is then referenced, not declared)
    const resources: ResourceInput[] = [];
    const exportedIndicators = new Set<string>();
    const resourceNames = new Map<string, string>();
    for (const r of [...snapshot.resources].sort((a, b) => a.indicator.localeCompare(b.indicator))) {
        if (r.indicator === mgmt) continue;
        const entry: ResourceInput = {
            name: r.name,
            indicator: r.indicator,
            accessTokenTtl: r.accessTokenTtl,
            permissions: [...r.scopes].sort((a, b) => a.name.localeCompare(b.name))
                .map((s) => (s.description ? { name: s.name, description: s.description } : s.name)),
            adopt: true,
        };
        if (/^https:\/\/[^/]+\.logto\.app\/api\/?$/.test(r.indicator)) {
            warn(`API resource ${r.indicator} (${r.id}) is another tenant's Management API: the spec cannot declare it; left out`);
            continue;
        }
        const parsed = resourceSchema.safeParse(entry);
        if (!parsed.success) {
            warn(`API resource ${r.indicator} (${r.id}) cannot be written as a spec entry (${shapeProblem(parsed.error)}): left out, unmanaged`);
            continue;
        }
        const sameName = resourceNames.get(r.name);
        if (sameName !== undefined) {
            warn(`API resource ${r.indicator} (${r.id}) has the name of API resource ${sameName}, and a spec names each resource once: left out, ` +
                "unmanaged (rename one of them in Logto and export again)");
            continue;
        }
        if (r.isDefault === true) {
            warn(`API resource ${r.indicator} is the tenant's default API (used by token requests that name no resource): the spec cannot ` +
                "say so; the stack leaves that setting as it is");
        }
        resources.push(entry);
        exportedIndicators.add(r.indicator);
        resourceNames.set(r.name, r.indicator);
    }

    // ---- roles: declared when every permission is on an exported resource; else referenced by name
    const roles: RoleInput[] = [];
    const declaredRoles = new Set<string>();
    for (const { role, scopes } of [...snapshot.roles].sort((a, b) => a.role.name.localeCompare(b.role.name))) {
        if (role.name === BUILT_IN_MANAGEMENT_ROLE) continue;
        const grants = new Map<string, string[]>();
        const outside: string[] = [];
        for (const scope of scopes) {
            const indicator = scope.resource.indicator;
            if (indicator === mgmt && scope.name === MANAGEMENT_API_SCOPE) (grants.get(MANAGEMENT_API) ?? grants.set(MANAGEMENT_API, []).get(MANAGEMENT_API)!).push(scope.name);
            else if (exportedIndicators.has(indicator)) (grants.get(indicator) ?? grants.set(indicator, []).get(indicator)!).push(scope.name);
            else outside.push(`${scope.name} on ${indicator}`);
        }
        if (outside.length > 0) {
            warn(`role ${JSON.stringify(role.name)} (${role.id}) holds permissions the spec does not declare (${outside.join(", ")}): ` +
                "not declared; apps that hold it refer to it by name (unmanaged)");
            continue;
        }
        const entry: RoleInput = {
            name: role.name,
            ...(role.description !== role.name ? { description: role.description } : {}),
            permissions: [...grants].sort(([a], [b]) => a.localeCompare(b)).map(([resource, names]) => ({ resource, permissions: names.sort() })),
            adopt: true,
        };
        const parsed = roleSchema.safeParse(entry);
        if (!parsed.success) {
            warn(`role ${JSON.stringify(role.name)} (${role.id}) cannot be written as a spec entry (${shapeProblem(parsed.error)}): not declared; ` +
                "apps that hold it refer to it by name (unmanaged)");
            continue;
        }
        roles.push(entry);
        declaredRoles.add(role.name);
    }

    // ---- apps: by App ID; names repeat in Logto, not in a spec
    const apps: AppInput[] = [];
    const appNames = new Map<string, string>();
    let secretCount = 0;
    const referenced = new Set<string>();
    for (const { app, roles: held, secrets } of [...snapshot.apps].sort((a, b) => a.app.name.localeCompare(b.app.name) || (a.app.createdAt ?? 0) - (b.app.createdAt ?? 0))) {
        const claimant = app.marker === undefined ? undefined : stackOfMarker(app.marker);
        if (claimant !== undefined) {
            warn(`app ${JSON.stringify(app.name)} (${app.id}) is managed by the Pulumi stack ${claimant} (customData.${applicationMarkerKey}): left out; ` +
                `to move it, take it out of that stack and remove that customData key in Logto, then export again`);
            continue;
        }
        const first = appNames.get(app.name);
        if (first !== undefined) {
            warn(`app ${JSON.stringify(app.name)} (${app.id}) has the name of app ${first}, and a spec names each app once: left out, unmanaged ` +
                "(rename one of them in Logto and export again)");
            continue;
        }
        let keepOthers = false;
        const specSecrets: SecretInput[] = [];
        let hasDefault = false;
        for (const s of [...secrets].sort((a, b) => a.name.localeCompare(b.name))) {
            const expired = s.expiresAt !== null && s.expiresAt <= now;
            if (s.name === DEFAULT_SECRET_NAME) {
                hasDefault ||= !expired;
                continue;
            }
            const entry: SecretInput = s.expiresAt === null ? s.name : { name: s.name, expiresAt: expiryText(s.expiresAt) };
            const parsed = secretSchema.safeParse(entry);
            if (expired || !parsed.success) {
                const why = expired ? `expired at ${new Date(s.expiresAt!).toISOString()} (a spec takes future expiries only)` : shapeProblem(parsed.error!);
                warn(`secret ${JSON.stringify(s.name)} of app ${JSON.stringify(app.name)} (${app.id}) cannot be written in the spec: ${why}; ` +
                    "the app says unmanagedSecrets: keep, so the stack leaves it alone");
                keepOthers = true;
                continue;
            }
            specSecrets.push(entry);
        }
        if (!hasDefault) {
            warn(`app ${JSON.stringify(app.name)} (${app.id}) has no unexpired "${DEFAULT_SECRET_NAME}": adopting it creates one (the stack's appSecret output)`);
        }
        const roleNames = held.map((r) => r.name).sort();
        for (const name of roleNames) if (!declaredRoles.has(name)) referenced.add(name);
        const { [applicationMarkerKey]: _marker, ...customData } = app.customData;
        const entry: AppInput = {
            name: app.name,
            ...(app.description ? { description: app.description } : {}),
            roles: roleNames,
            ...(specSecrets.length > 0 ? { secrets: specSecrets } : {}),
            ...(keepOthers ? { unmanagedSecrets: "keep" as const } : {}),
            ...(Object.keys(customData).length > 0 ? { customData } : {}),
            adoptId: app.id,
        };
        const parsed = appSchema.safeParse(entry);
        if (!parsed.success) {
            warn(`app ${JSON.stringify(app.name)} (${app.id}) cannot be written as a spec entry (${shapeProblem(parsed.error)}): left out, unmanaged`);
            continue;
        }
        appNames.set(app.name, app.id);
        secretCount += specSecrets.length;
        apps.push(entry);
    }
    const orgs = exportOrganizations(snapshot.organizations, {
        managementIndicator: mgmt,
        exportedIndicators,
        appNames: new Map(apps.map((a) => [a.adoptId!, a.name])),
        warn,
    });
    const spec: SpecInput = { resources, roles, apps, ...(orgs.organizations === undefined ? {} : { organizations: orgs.organizations }) };
    // What is written must pass the spec's own checks: a failure here is a fault of the export, not of the tenant.
    validateSpec(spec, { managementIndicator: mgmt, now, source: "the exported spec" });
    return {
        spec,
        warnings,
        counts: {
            resources: resources.length,
            permissions: resources.reduce((n, r) => n + (r.permissions?.length ?? 0), 0),
            roles: roles.length,
            referencedRoles: referenced.size,
            apps: apps.length,
            secrets: secretCount,
            // Only with an organizations part.
            ...(orgs.organizations === undefined ? {} : orgs.counts),
        },
    };
}
