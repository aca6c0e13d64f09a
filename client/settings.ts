import { z } from "zod";

/**
 * How to reach one Logto tenant's Management API: the tenant's endpoint and the bootstrap M2M app whose
 * token (scope `all`) the client uses. `tenantId` set means Logto Cloud; unset means self-hosted.
 */
export type ConnectionSettings = {
    endpoint: string;
    tenantId?: string;
    appId: string;
    appSecret: string;
    managementIndicator?: string;
    /**
     * Allow plain `http://` to a host that is not a loopback address. Off by default: the bootstrap app's secret
     * (full Management API access) and every token would cross the network unencrypted.
     */
    allowInsecureHttp?: boolean;
};

/** Settings after validation, with everything derived from them. */
export interface ResolvedConnection {
    /** The endpoint without trailing slashes, e.g. `https://abc123.logto.app`. */
    readonly endpoint: string;
    readonly tenantId?: string;
    readonly appId: string;
    readonly appSecret: string;
    /** The resource indicator of the Management API, the `resource` of the token request. */
    readonly managementIndicator: string;
    /** `{endpoint}/oidc/token`. */
    readonly tokenEndpoint: string;
    /** `{endpoint}/api`. */
    readonly apiBase: string;
    /** Plain http:// to a host that is not loopback was allowed explicitly (see `ConnectionSettings`). */
    readonly allowInsecureHttp?: boolean;
}

/** Indicator of the built-in Management API resource on self-hosted Logto (every OSS tenant uses it). */
export const selfHostedManagementIndicator = "https://default.logto.app/api";

export function cloudManagementIndicator(tenantId: string): string {
    return `https://${tenantId}.logto.app/api`;
}

/** `https://{tenantId}.logto.app`: the only host that issues Management API tokens of a Cloud tenant. */
export function cloudEndpoint(tenantId: string): string {
    return `https://${tenantId}.logto.app`;
}

function stripTrailingSlashes(value: string): string {
    return value.replace(/\/+$/, "");
}

/**
 * Loopback hosts, the only ones plain `http://` may reach without `allowInsecureHttp`: traffic to them never
 * leaves the machine. `localhost` (as WHATWG URL lower-cases it), 127.0.0.0/8 (URL normalises `127.1` and the
 * like to dotted quads) and `[::1]`.
 */
export function isLoopbackHost(hostname: string): boolean {
    return hostname === "localhost" || hostname === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** `true`/`false` (also 1/0, yes/no) as given in stack config or the environment; anything else unchanged. */
function flagFromText(value: unknown): unknown {
    if (typeof value !== "string") return value;
    const v = value.trim().toLowerCase();
    return v === "true" || v === "1" || v === "yes" ? true : v === "false" || v === "0" || v === "no" ? false : value;
}

/** Why plain http is refused, and how to allow it: the message of the refusal. */
export const insecureHttpReason = "plain http:// would send the bootstrap app's secret (full Management API access) and " +
    "every token unencrypted: use https://, or allow http:// explicitly with logto:allowInsecureHttp=true (env " +
    "LOGTO_ALLOW_INSECURE_HTTP=true); loopback addresses (localhost, 127.0.0.0/8, ::1) are always allowed";

function parseUrl(value: string): URL | undefined {
    try {
        return new URL(value);
    } catch {
        return undefined;
    }
}

/**
 * True when the token endpoint would accept `value` as a `resource`: an absolute URI, no fragment, no
 * whitespace. Logto's Management API stores anything, but a resource with another indicator can never get a
 * token (invalid_target), and indicators compare as exact strings.
 */
export function isUsableIndicator(value: string): boolean {
    if (/\s/.test(value) || value.includes("#")) return false;
    const url = parseUrl(value);
    // new URL accepts "a:" as a whole URI; require something after the scheme.
    return url !== undefined && value.length > url.protocol.length;
}

// Messages are written by hand: a zod default message could one day echo the received value, and for
// `appSecret` that value is the secret.
const endpointSchema = z.string({ error: "required, e.g. https://abc123.logto.app" })
    .trim()
    .min(1, { error: "required, e.g. https://abc123.logto.app" })
    .refine((v) => {
        const url = parseUrl(v);
        return url !== undefined && (url.protocol === "https:" || url.protocol === "http:");
    }, { error: "must be an absolute http(s) URL such as https://abc123.logto.app" })
    .refine((v) => {
        const url = parseUrl(v);
        return url === undefined || (url.search === "" && url.hash === "" && url.username === "" && url.password === "");
    }, { error: "must not carry a query, a fragment or credentials" });

/**
 * Validates settings as given by a user; the output keeps the input's shape (see `resolveConnection`).
 * @internal zod stays out of the published declarations (see tsconfig `stripInternal`).
 */
export const connectionSettingsSchema = z.object({
    endpoint: endpointSchema,
    tenantId: z.string({ error: "must be a string" })
        .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, { error: "must be a Logto Cloud tenant ID such as abc123 (lowercase letters and digits)" })
        .optional(),
    appId: z.string({ error: "required: the App ID of the M2M app that holds the Logto Management API access role" })
        .trim()
        .min(1, { error: "required: the App ID of the M2M app that holds the Logto Management API access role" }),
    appSecret: z.string({ error: "required: the App Secret of that M2M app" })
        .min(1, { error: "required: the App Secret of that M2M app" }),
    managementIndicator: z.string({ error: "must be a string" })
        .refine(isUsableIndicator, { error: "must be an absolute URI without a fragment, e.g. https://default.logto.app/api" })
        .optional(),
    allowInsecureHttp: z.preprocess(flagFromText, z.boolean({ error: "must be true or false" })).optional(),
}).superRefine((settings, ctx) => {
    const endpoint = parseUrl(settings.endpoint.trim());
    if (endpoint?.protocol === "http:" && !isLoopbackHost(endpoint.hostname) && settings.allowInsecureHttp !== true) {
        ctx.addIssue({ code: "custom", path: ["endpoint"], message: insecureHttpReason });
    }
    if (settings.tenantId === undefined) {
        return;
    }
    const url = parseUrl(settings.endpoint.trim());
    const expectedHost = `${settings.tenantId}.logto.app`;
    if (url !== undefined && (url.protocol !== "https:" || url.host !== expectedHost)) {
        ctx.addIssue({
            code: "custom",
            path: ["endpoint"],
            message: `on Logto Cloud use ${cloudEndpoint(settings.tenantId)}: only that endpoint issues Management API ` +
                `tokens for tenant ${settings.tenantId} (custom domains cannot)`,
        });
    }
});

/** One problem of the settings: the field and what to fix. Never the value. */
export interface SettingsIssue {
    field: string;
    message: string;
}

export class ConnectionSettingsError extends Error {
    constructor(readonly issues: SettingsIssue[], source = "Logto connection settings") {
        super(`invalid ${source}: ${issues.map((i) => `${i.field}: ${i.message}`).join("; ")}`);
        this.name = "ConnectionSettingsError";
    }
}

function issuesOf(error: z.ZodError): SettingsIssue[] {
    return error.issues.map((issue) => ({
        field: issue.path.map(String).join(".") || "(settings)",
        // An unknown-key or type issue of zod names no value; custom messages above name none either.
        message: issue.message,
    }));
}

/** Validates and normalizes settings, deriving the indicator and URLs. Throws `ConnectionSettingsError`. */
export function resolveConnection(input: unknown): ResolvedConnection {
    const parsed = connectionSettingsSchema.safeParse(input);
    if (!parsed.success) {
        throw new ConnectionSettingsError(issuesOf(parsed.error));
    }
    const settings = parsed.data;
    const endpoint = stripTrailingSlashes(settings.endpoint);
    const managementIndicator = settings.managementIndicator
        // A trailing slash is a different indicator to Logto (exact string compare), so keep it as given.
        ?? (settings.tenantId !== undefined ? cloudManagementIndicator(settings.tenantId) : selfHostedManagementIndicator);
    return {
        endpoint,
        ...(settings.tenantId !== undefined ? { tenantId: settings.tenantId } : {}),
        appId: settings.appId,
        appSecret: settings.appSecret,
        managementIndicator,
        tokenEndpoint: `${endpoint}/oidc/token`,
        apiBase: `${endpoint}/api`,
        ...(settings.allowInsecureHttp === true ? { allowInsecureHttp: true } : {}),
    };
}

/** The environment variables read by `connectionFromEnv`, by field. */
export const connectionEnvVars = {
    endpoint: "LOGTO_ENDPOINT",
    tenantId: "LOGTO_TENANT_ID",
    appId: "LOGTO_APP_ID",
    appSecret: "LOGTO_APP_SECRET",
    managementIndicator: "LOGTO_MANAGEMENT_INDICATOR",
    allowInsecureHttp: "LOGTO_ALLOW_INSECURE_HTTP",
} as const;

/**
 * Reads and validates settings from LOGTO_ENDPOINT, LOGTO_TENANT_ID, LOGTO_APP_ID, LOGTO_APP_SECRET and
 * LOGTO_MANAGEMENT_INDICATOR. Empty variables count as unset. Errors name the variable.
 */
export function connectionFromEnv(env: NodeJS.ProcessEnv = process.env): ConnectionSettings {
    const read = (name: string): string | undefined => {
        const value = env[name];
        return value === undefined || value.trim() === "" ? undefined : value;
    };
    const candidate: Record<string, string | undefined> = {};
    for (const [field, name] of Object.entries(connectionEnvVars)) {
        const value = read(name);
        if (value !== undefined) {
            candidate[field] = value;
        }
    }
    const parsed = connectionSettingsSchema.safeParse(candidate);
    if (!parsed.success) {
        const issues = issuesOf(parsed.error).map((issue) => {
            const name = (connectionEnvVars as Record<string, string>)[issue.field];
            return name === undefined ? issue : { field: `${name} (${issue.field})`, message: issue.message };
        });
        throw new ConnectionSettingsError(issues, "Logto connection settings from the environment");
    }
    const s = parsed.data;
    return {
        endpoint: s.endpoint,
        ...(s.tenantId !== undefined ? { tenantId: s.tenantId } : {}),
        appId: s.appId,
        appSecret: s.appSecret,
        ...(s.managementIndicator !== undefined ? { managementIndicator: s.managementIndicator } : {}),
        ...(s.allowInsecureHttp !== undefined ? { allowInsecureHttp: s.allowInsecureHttp } : {}),
    };
}
