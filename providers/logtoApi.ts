import type { ConnectionSettings, ManagementClient } from "../client";
export type { Application as LogtoApplication, ApplicationSecret as LogtoSecret, Resource as LogtoResource, Role as LogtoRole, Scope as LogtoScope } from "../client";
export { applicationMarkerKey } from "../client/marker";

/** The Management API as the providers use it: the package's client, one per connection and process. */
export type LogtoApi = ManagementClient;

/**
 * The client for `settings`, shared by every provider in this process (one token, one request budget). Making it
 * fetches nothing: the first API call gets the token.
 */
export function connect(settings: ConnectionSettings): LogtoApi {
    // Required here, not at the top: the dynamic-provider host loads a provider for every check and diff (all a
    // preview does), which need no HTTP stack; undici and the client load with the first connection.
    const { ManagementClient: Client } = require("../client") as typeof import("../client");
    return Client.forConnection(settings);
}

/** A 404 of the client's `LogtoApiError`, recognised by its data rather than its class (one copy per install). */
export function isNotFound(error: unknown): boolean {
    return typeof error === "object" && error !== null && (error as { status?: unknown }).status === 404;
}

/** Logto's error code of a `LogtoApiError`, if any. */
export function logtoCode(error: unknown): string | undefined {
    const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
    return typeof code === "string" ? code : undefined;
}

/** `undefined` instead of a 404 (e.g. the parent of the object is gone). */
export async function orUndefinedIfGone<T>(call: Promise<T>): Promise<T | undefined> {
    try {
        return await call;
    } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
    }
}

/**
 * The error Pulumi's dynamic-provider host turns into ErrorResourceInitFailed: the object exists in Logto (its id
 * and actual properties go into state), but the operation did not finish. The next `up` diffs against these
 * properties and completes the job; nothing is orphaned.
 */
export class PartialFailure extends Error {
    readonly reasons: string[];

    readonly properties: Record<string, unknown>;

    /** `inputs` lends its `__provider`, without which later operations on the object could not load this provider. */
    constructor(readonly id: string, properties: object, inputs: Record<string, unknown>, cause: unknown, what: string) {
        const reason = cause instanceof Error ? cause.message : String(cause);
        super(`${what}: ${reason} (the object is kept in the stack; run up again to finish)`, { cause });
        this.name = "PartialFailure";
        this.properties = { ...properties, __provider: inputs.__provider };
        // The engine shows the reasons of an init failure, not its message.
        this.reasons = [this.message];
    }
}
