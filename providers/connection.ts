import type * as pulumi from "@pulumi/pulumi";
import { ConnectionSettingsError, connectionEnvVars, connectionSettingsSchema, type ConnectionSettings } from "../client/settings";
import { connect, type LogtoApi } from "./logtoApi";

/** Stack config keys of the connection, by field; each falls back to the environment variable of the client. */
export const connectionConfigKeys = {
    endpoint: "logto:endpoint",
    tenantId: "logto:tenantId",
    appId: "logto:appId",
    appSecret: "logto:appSecret",
    managementIndicator: "logto:managementIndicator",
    allowInsecureHttp: "logto:allowInsecureHttp",
} as const;

/** Stack-wide default of every resource's `adopt` (recovery after an interrupted `up`). */
export const adoptExistingKey = "logto:adoptExisting";

type Field = keyof typeof connectionConfigKeys;

/**
 * Connection settings from stack config (as `get` returns it: `logto:endpoint`, ...), each key falling back to
 * its environment variable (LOGTO_ENDPOINT, ...). Throws `ConnectionSettingsError` naming the config key and the
 * variable of every missing or invalid field, never a value.
 */
export function connectionFromConfig(get: (key: string) => string | undefined, env: NodeJS.ProcessEnv = process.env): ConnectionSettings {
    const candidate: Partial<Record<Field, string>> = {};
    for (const field of Object.keys(connectionConfigKeys) as Field[]) {
        const fromConfig = get(connectionConfigKeys[field]);
        const fromEnv = env[connectionEnvVars[field]];
        const value = fromConfig !== undefined && fromConfig.trim() !== "" ? fromConfig
            : fromEnv !== undefined && fromEnv.trim() !== "" ? fromEnv : undefined;
        if (value !== undefined) candidate[field] = value;
    }
    const parsed = connectionSettingsSchema.safeParse(candidate);
    if (!parsed.success) {
        throw new ConnectionSettingsError(parsed.error.issues.map((issue) => {
            const field = String(issue.path[0] ?? "") as Field;
            const key = connectionConfigKeys[field];
            return {
                field: key !== undefined ? `${key} (or env ${connectionEnvVars[field]})` : "(settings)",
                // The schema's messages are hand-written and never echo the value.
                message: issue.message,
            };
        }), "Logto connection (stack config logto:*, environment LOGTO_*)");
    }
    const s = parsed.data;
    return {
        endpoint: s.endpoint,
        appId: s.appId,
        appSecret: s.appSecret,
        ...(s.tenantId !== undefined ? { tenantId: s.tenantId } : {}),
        ...(s.managementIndicator !== undefined ? { managementIndicator: s.managementIndicator } : {}),
        ...(s.allowInsecureHttp !== undefined ? { allowInsecureHttp: s.allowInsecureHttp } : {}),
    };
}

/** `logto:adoptExisting` (or env LOGTO_ADOPT_EXISTING) as a boolean; default false. */
export function adoptExistingFromConfig(get: (key: string) => string | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
    const raw = get(adoptExistingKey) ?? env.LOGTO_ADOPT_EXISTING;
    if (raw === undefined || raw.trim() === "") return false;
    const value = raw.trim().toLowerCase();
    if (value === "true" || value === "1" || value === "yes") return true;
    if (value === "false" || value === "0" || value === "no") return false;
    throw new Error(`${adoptExistingKey} must be true or false`);
}

/**
 * What one provider module keeps from `configure`: the settings, validated but not used until the first real
 * API call (a token is fetched only then, so `check` and `diff` stay offline). A configuration error is kept and
 * thrown by the first operation that needs Logto, so a broken config never blocks a preview of inputs.
 */
export class ProviderConnection {
    private settings?: ConnectionSettings;
    private error?: Error;
    private connection?: LogtoApi;
    adoptExisting = false;

    configure(req: pulumi.dynamic.ConfigureRequest): void {
        const get = (key: string): string | undefined => req.config.get(key);
        this.connection = undefined;
        try {
            this.settings = connectionFromConfig(get);
            this.error = undefined;
        } catch (error) {
            this.settings = undefined;
            this.error = error as Error;
        }
        try {
            this.adoptExisting = adoptExistingFromConfig(get);
        } catch (error) {
            this.error ??= error as Error;
        }
    }

    /** The client; configured from the environment alone when the host never called `configure`. */
    get(): LogtoApi {
        if (this.connection !== undefined) return this.connection;
        if (this.error !== undefined) throw this.error;
        this.settings ??= connectionFromConfig(() => undefined);
        this.connection = hinting(connect(this.settings));
        return this.connection;
    }

    /** The effective `adopt` of a resource: its own input, else the stack-wide default. */
    adopt(input: unknown): boolean {
        return typeof input === "boolean" ? input : this.adoptExisting;
    }
}

/** `logto:appId (env LOGTO_APP_ID)`: how a user names a connection setting. */
function setting(field: Field): string {
    return `${connectionConfigKeys[field]} (env ${connectionEnvVars[field]})`;
}

/**
 * The stack settings to check for a failure of the bootstrap connection itself: the client speaks of App IDs and
 * indicators, a Pulumi user edits `logto:*` config. Recognised by the errors' data, not their classes (a program
 * and its provider host may load different copies of the client).
 */
export function settingHint(error: unknown): string | undefined {
    if (typeof error !== "object" || error === null) return undefined;
    const { name, oidcError, path } = error as { name?: unknown; oidcError?: unknown; path?: unknown };
    if (name === "LogtoTokenError") {
        switch (oidcError) {
            case "invalid_client":
                return `check the stack settings ${setting("appId")} and ${setting("appSecret")}. If you have just changed ` +
                    "them (a rotated bootstrap secret): `pulumi refresh` and `pulumi destroy` configure the providers from the " +
                    "settings of the last deployment, not from the stack config; run `pulumi refresh --run-program` or " +
                    "`pulumi destroy --run-program` (or `pulumi up` first), see docs/recovery.md";
            case "insufficient_scope":
                return `the bootstrap app named by ${setting("appId")} must hold the Management API's "all" permission`;
            case "invalid_target":
                return `check ${setting("managementIndicator")} and ${setting("tenantId")}`;
            default:
                return `check ${setting("endpoint")}, ${setting("appId")} and ${setting("appSecret")}`;
        }
    }
    if (name === "LogtoNetworkError") {
        const where = typeof path === "string" && path.includes("/oidc/") ? "no answer from the token endpoint: " : "";
        return `${where}check ${setting("endpoint")} and that Logto is reachable from here`;
    }
    return undefined;
}

/** Appends the settings to check to a connection failure's message; other errors pass unchanged. */
export function withSettingHint(error: unknown): unknown {
    const hint = settingHint(error);
    if (hint !== undefined && error instanceof Error && !error.message.includes(hint)) {
        error.message = `${error.message} (${hint})`;
    }
    return error;
}

/**
 * The client with every failed call's error passed through `withSettingHint`, so whichever resource first meets a
 * bad connection says which setting to fix.
 */
function hinting(client: LogtoApi): LogtoApi {
    return new Proxy(client, {
        get(target, property, receiver) {
            const value: unknown = Reflect.get(target, property, receiver);
            if (typeof value !== "function") return value;
            return (...args: unknown[]) => {
                const result: unknown = value.apply(target, args);
                return result instanceof Promise ? result.catch((error: unknown) => { throw withSettingHint(error); }) : result;
            };
        },
    });
}
