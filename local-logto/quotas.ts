import { z } from "zod";
import { LogtoApiError } from "./errors";
import type { Store } from "./store";

/**
 * Logto Cloud's plan quotas on the objects served here, by Logto's own keys. Logto OSS has none; Cloud checks
 * them before a create and answers 403 `subscription.limit_exceeded`. Its body carries only `code` and `message`
 * (Logto's quota library passes `data: { key, limit, usage }` inside the error's i18n interpolation, not as the
 * body's `data`), so a client cannot read which limit it hit: only the request says it.
 */
export const quotaKeys = [
    "applicationsLimit",
    "machineToMachineLimit",
    "resourcesLimit",
    "scopesPerResourceLimit",
    "machineToMachineRolesLimit",
    "userRolesLimit",
    "scopesPerRoleLimit",
] as const;
export type QuotaKey = (typeof quotaKeys)[number];
/** A limit per key; a key left out is unlimited (Logto's `null`). */
export type Quotas = Partial<Record<QuotaKey, number>>;

export const quotasSchema = z.object(Object.fromEntries(quotaKeys.map((k) => [k, z.number().int().min(0).optional()])) as Record<QuotaKey, z.ZodOptional<z.ZodNumber>>).strict();

const limitExceeded = () => new LogtoApiError(403, "subscription.limit_exceeded", "You have reached the limit of your subscription plan.");

function field(body: unknown, key: string): unknown {
    return body !== null && typeof body === "object" ? (body as Record<string, unknown>)[key] : undefined;
}

/** Usage + what the request adds must stay within the limit (Logto: `usage + consumeUsageCount <= limit`). */
function within(quotas: Quotas, key: QuotaKey, usage: number, adds = 1): boolean {
    const limit = quotas[key];
    return limit === undefined || usage + adds <= limit;
}

/**
 * The quota refusal of a Management API request, or `undefined`. Checked where Logto checks it: after
 * authentication, before the create.
 */
export function quotaRefusal(store: Store, quotas: Quotas, managementApiResourceId: string, route: { method: string; pattern: string; params: Record<string, string>; body: unknown }): LogtoApiError | undefined {
    if (route.method !== "POST" || Object.keys(quotas).length === 0) return undefined;
    const { params, body } = route;
    switch (route.pattern) {
        case "/api/applications": {
            const apps = store.listApplications();
            if (field(body, "type") === "MachineToMachine" && !within(quotas, "machineToMachineLimit", apps.filter((a) => a.type === "MachineToMachine").length)) return limitExceeded();
            return within(quotas, "applicationsLimit", apps.length) ? undefined : limitExceeded();
        }
        case "/api/resources":
            // The built-in Management API does not count.
            return within(quotas, "resourcesLimit", store.listResources().filter((r) => r.id !== managementApiResourceId).length) ? undefined : limitExceeded();
        case "/api/resources/:id/scopes":
            return within(quotas, "scopesPerResourceLimit", store.listScopes(params.id ?? "").length) ? undefined : limitExceeded();
        case "/api/roles": {
            const type = field(body, "type") === "MachineToMachine" ? "MachineToMachine" : "User";
            const key: QuotaKey = type === "MachineToMachine" ? "machineToMachineRolesLimit" : "userRolesLimit";
            return within(quotas, key, store.listRoles().filter((r) => r.type === type).length) ? undefined : limitExceeded();
        }
        case "/api/roles/:id/scopes": {
            const scopeIds = field(body, "scopeIds");
            const adds = Array.isArray(scopeIds) ? scopeIds.length : 1;
            return within(quotas, "scopesPerRoleLimit", store.listRoleScopes(params.id ?? "").length, adds) ? undefined : limitExceeded();
        }
        default:
            return undefined;
    }
}
