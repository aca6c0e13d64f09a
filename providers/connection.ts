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
        this.connection = connect(this.settings);
        return this.connection;
    }

    /** The effective `adopt` of a resource: its own input, else the stack-wide default. */
    adopt(input: unknown): boolean {
        return typeof input === "boolean" ? input : this.adoptExisting;
    }
}
