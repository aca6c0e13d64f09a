import { createHash } from "node:crypto";
import { z } from "zod";
import { LogtoResponseShapeError, LogtoTokenError, tokenErrorFor } from "./errors";
import { logtoErrorBody, type HttpTransport } from "./http";
import type { ResolvedConnection } from "./settings";

/**
 * Management API tokens per the Logto M2M guide: POST {endpoint}/oidc/token with HTTP Basic (App ID : App
 * Secret) and the form `grant_type=client_credentials&resource=<management indicator>&scope=all`.
 *
 * One token per process and credentials: sources are shared through a module-level cache keyed by endpoint,
 * App ID, indicator and a hash of the secret (the secret itself is kept only inside the source). A token is
 * reused until shortly before it expires; callers arriving while a token is being fetched share that request.
 */

const tokenResponseSchema = z.object({
    access_token: z.string().min(1),
    expires_in: z.number().positive(),
    token_type: z.string().optional(),
    scope: z.string().optional(),
});

/** Refresh this long before expiry: 10% of the lifetime, at most 60 s (a 2-second token is renewed at 1.8 s). */
export function refreshMarginMs(lifetimeMs: number): number {
    return Math.min(60_000, lifetimeMs * 0.1);
}

/** HTTP Basic credentials as RFC 6749 section 2.3.1 asks: each part form-urlencoded, then base64. */
export function basicAuthorization(clientId: string, clientSecret: string): string {
    const encode = (v: string): string => encodeURIComponent(v).replace(/%20/g, "+");
    return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString("base64")}`;
}

export interface TokenGrant {
    accessToken: string;
    /** Granted scopes. */
    scope: string[];
    /** Seconds, as Logto sent it. */
    expiresIn: number;
}

/**
 * One client-credentials token request, mapped to `LogtoTokenError` on an OAuth error. Shared by the
 * Management API token source and `ManagementClient.requestAppToken`.
 */
export async function fetchClientCredentialsToken(init: {
    transport: HttpTransport;
    tokenEndpoint: string;
    appId: string;
    appSecret: string;
    resource: string;
    scopes: string[];
    onAttempt?: () => void;
}): Promise<TokenGrant> {
    const form = new URLSearchParams({ grant_type: "client_credentials", resource: init.resource });
    if (init.scopes.length > 0) {
        form.set("scope", init.scopes.join(" "));
    }
    const response = await init.transport.send({
        method: "POST",
        url: init.tokenEndpoint,
        headers: {
            authorization: basicAuthorization(init.appId, init.appSecret),
            "content-type": "application/x-www-form-urlencoded",
            accept: "application/json",
        },
        body: form.toString(),
        // Issuing a second token has no lasting effect: a token request is safe to repeat.
        idempotent: true,
    }, init.onAttempt !== undefined ? { onAttempt: init.onAttempt } : {});
    if (response.status !== 200) {
        let oidcError: string | undefined;
        let description: string | undefined;
        try {
            const body = JSON.parse(response.body) as { error?: unknown; error_description?: unknown };
            oidcError = typeof body.error === "string" ? body.error : undefined;
            description = typeof body.error_description === "string" ? body.error_description : undefined;
        } catch {
            description = logtoErrorBody(response.body).message;
        }
        throw tokenErrorFor({
            status: response.status,
            ...(oidcError !== undefined ? { oidcError } : {}),
            ...(description !== undefined ? { description } : {}),
            tokenEndpoint: init.tokenEndpoint,
            appId: init.appId,
            resource: init.resource,
        });
    }
    let json: unknown;
    try {
        json = JSON.parse(response.body);
    } catch {
        throw new LogtoResponseShapeError(`POST ${new URL(init.tokenEndpoint).pathname}`, "(body)", "not JSON");
    }
    const parsed = tokenResponseSchema.safeParse(json);
    if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new LogtoResponseShapeError(`POST ${new URL(init.tokenEndpoint).pathname}`,
            issue.path.map(String).join(".") || "(body)", issue.message);
    }
    return {
        accessToken: parsed.data.access_token,
        scope: (parsed.data.scope ?? "").split(" ").filter((s) => s !== ""),
        expiresIn: parsed.data.expires_in,
    };
}

interface CachedToken {
    token: string;
    refreshAt: number;
    expiresAt: number;
}

export interface TokenSourceOptions {
    /** Clock for expiry decisions (tests simulate a skewed clock with it). */
    now?: () => number;
}

export class TokenSource {
    private readonly connection: ResolvedConnection;
    private readonly transport: HttpTransport;
    private readonly now: () => number;
    private cached: CachedToken | undefined;
    private inFlight: Promise<CachedToken> | undefined;
    private requestCount = 0;

    constructor(connection: ResolvedConnection, transport: HttpTransport, options: TokenSourceOptions = {}) {
        this.connection = connection;
        this.transport = transport;
        this.now = options.now ?? Date.now;
    }

    /** The source shared by the process for these credentials (the first caller's transport is used). */
    static shared(connection: ResolvedConnection, transport: HttpTransport): TokenSource {
        const key = tokenCacheKey(connection);
        let source = sharedSources.get(key);
        if (source === undefined) {
            source = new TokenSource(connection, transport);
            sharedSources.set(key, source);
        }
        return source;
    }

    /** Token requests sent (attempts at the token endpoint). */
    get tokenRequests(): number {
        return this.requestCount;
    }

    /** A valid Management API access token. */
    async getToken(): Promise<string> {
        const cached = this.cached;
        if (cached !== undefined && this.now() < cached.refreshAt) {
            return cached.token;
        }
        this.inFlight ??= this.fetch().finally(() => {
            this.inFlight = undefined;
        });
        return (await this.inFlight).token;
    }

    /**
     * Forgets the token after the API refused it (401). With `token`, only that token is dropped: when many
     * calls fail with the same stale token at once, the first refresh is kept rather than fetched again each time.
     */
    invalidate(token?: string): void {
        if (token === undefined || this.cached?.token === token) {
            this.cached = undefined;
        }
    }

    private async fetch(): Promise<CachedToken> {
        const requestedAt = this.now();
        const grant = await fetchClientCredentialsToken({
            transport: this.transport,
            tokenEndpoint: this.connection.tokenEndpoint,
            appId: this.connection.appId,
            appSecret: this.connection.appSecret,
            resource: this.connection.managementIndicator,
            scopes: ["all"],
            onAttempt: () => {
                this.requestCount++;
            },
        });
        if (!grant.scope.includes("all")) {
            throw new LogtoTokenError(
                `Logto issued a token for ${this.connection.managementIndicator} to app ${this.connection.appId} ` +
                `without the scope \`all\` -- give the app the "Logto Management API access" role (or another ` +
                `machine-to-machine role holding the Management API permission \`all\`)`,
                { status: 200, oidcError: "insufficient_scope" });
        }
        const lifetimeMs = grant.expiresIn * 1000;
        // Counted from before the request was sent, so the time in flight is on the safe side.
        const expiresAt = requestedAt + lifetimeMs;
        const cached = { token: grant.accessToken, expiresAt, refreshAt: expiresAt - refreshMarginMs(lifetimeMs) };
        this.cached = cached;
        return cached;
    }
}

export function tokenCacheKey(connection: ResolvedConnection): string {
    const secretHash = createHash("sha256").update(connection.appSecret).digest("hex");
    return JSON.stringify([connection.endpoint, connection.appId, connection.managementIndicator, secretHash]);
}

const sharedSources = new Map<string, TokenSource>();
