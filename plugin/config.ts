import { ConnectionSettingsError, type ConnectionSettings } from "../client/settings";
import { adoptExistingFromConfig, connectionConfigKeys, connectionFromConfig } from "../providers/connection";
import type { Plain } from "./properties";
import { configProperties, packageName } from "./schema";

/**
 * One provider instance's configuration: the args of its `pulumi:providers:logto` resource (for the default
 * provider, the stack's `logto:*` config), keyed without the `logto:` prefix and with secrets unwrapped. The
 * providers read it as they read stack config (`logto:<key>`), each key falling back to its environment variable.
 */
export class ProviderConfig {
    constructor(private readonly values: Plain) {}

    /** `logto:<key>` as the providers' `configure` reads it: text, as stack config holds it. */
    get(key: string): string | undefined {
        const prefix = `${packageName}:`;
        if (!key.startsWith(prefix)) return undefined;
        const value = this.values[key.slice(prefix.length)];
        if (value === undefined || value === null) return undefined;
        return typeof value === "string" ? value : JSON.stringify(value);
    }

    /** The connection (throws `ConnectionSettingsError` naming each bad or missing setting). */
    connection(env: NodeJS.ProcessEnv = process.env): ConnectionSettings {
        return connectionFromConfig((key) => this.get(key), env);
    }

    /**
     * What CheckConfig reports: each setting given that is invalid, by its property name. Missing settings are
     * not failures here: the environment may hold them at run time, and a resource that needs Logto says so then,
     * so a preview of inputs is never blocked by a connection it does not use.
     */
    failures(env: NodeJS.ProcessEnv = process.env): { property: string; reason: string }[] {
        const failures: { property: string; reason: string }[] = [];
        for (const [key, value] of Object.entries(this.values)) {
            const spec = configProperties[key];
            if (spec === undefined || value === undefined || value === null) continue;
            const ok = spec.type === "boolean" ? typeof value === "boolean" || /^(true|false|1|0|yes|no)$/i.test(String(value).trim()) : typeof value === "string";
            if (!ok) failures.push({ property: key, reason: `${packageName}:${key} must be ${spec.type === "boolean" ? "true or false" : "a string"}` });
        }
        try {
            this.connection(env);
        } catch (error) {
            if (!(error instanceof ConnectionSettingsError)) throw error;
            for (const issue of error.issues) {
                const key = (Object.keys(connectionConfigKeys) as (keyof typeof connectionConfigKeys)[])
                    .find((k) => issue.field.startsWith(`${connectionConfigKeys[k]} `));
                if (key !== undefined && this.values[key] !== undefined && !failures.some((f) => f.property === key)) {
                    failures.push({ property: key, reason: `${connectionConfigKeys[key]}: ${issue.message}` });
                }
            }
        }
        if (this.values.adoptExisting !== undefined) {
            try {
                adoptExistingFromConfig((key) => this.get(key), env);
            } catch (error) {
                if (!failures.some((f) => f.property === "adoptExisting")) failures.push({ property: "adoptExisting", reason: (error as Error).message });
            }
        }
        return failures;
    }
}

/** The settings of one provider instance as stack config keys, for the providers' `configure`. */
export function configureRequest(config: ProviderConfig): { config: { get(key: string): string | undefined } } {
    return { config: { get: (key) => config.get(key) } };
}
