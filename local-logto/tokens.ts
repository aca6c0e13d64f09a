import type { IncomingHttpHeaders } from "node:http";
import type { HttpResponse } from "./http";
import { newJti } from "./ids";
import type { JoseRuntime } from "./jose-runtime";
import type { SigningKey } from "./jose-ops";
import type { ResourceRow, Store } from "./store";

export interface TokenEndpointDeps {
    store: Store;
    jose: JoseRuntime;
    signingKey: SigningKey;
    /** `{endpoint}/oidc`: the tokens' `iss` and the realm of WWW-Authenticate. */
    issuer: string;
    /** Set by tests and benchmarks to get short-lived tokens; undefined = the resource's accessTokenTtl. */
    tokenTtlOverride(): number | undefined;
    now(): number;
}

/** oidc-provider's default access token lifetime, used when a resource's accessTokenTtl is 0. */
const providerDefaultTtlSeconds = 600;
/** The lifetime of an organization token without a resource (observed: always 3600). */
const organizationTokenTtlSeconds = 3600;

/** Grant types the provider knows; any other is `unsupported_grant_type`, a known one the client lacks `unauthorized_client`. */
const knownGrantTypes = new Set([
    "client_credentials",
    "authorization_code",
    "refresh_token",
    "urn:ietf:params:oauth:grant-type:token-exchange",
    "urn:ietf:params:oauth:grant-type:device_code",
]);

/** An OAuth error as Logto answers it: the OIDC fields plus Logto's `code` and `message`. */
class OidcError extends Error {
    constructor(
        readonly status: number,
        readonly error: string,
        readonly description: string,
        readonly headers: Record<string, string> = {},
    ) {
        super(description);
    }
}

const invalidRequest = (description: string) => new OidcError(400, "invalid_request", description);
const invalidTarget = (description: string) => new OidcError(400, "invalid_target", description);

/** Logto's own message for each OIDC error code (its i18n phrase), beside oidc-provider's description. */
const oidcMessages: Record<string, string> = {
    invalid_request: "Request is invalid.",
    invalid_client: "An OIDC error occurred: oidc.invalid_client.",
    invalid_target: "Invalid resource indicator.",
    unsupported_grant_type: "Unsupported `grant_type` requested.",
    access_denied: "Access denied.",
};

export function oidcErrorResponse(status: number, error: string, description: string, headers: Record<string, string> = {}): HttpResponse {
    return {
        status,
        headers: { "cache-control": "no-store", ...headers },
        body: { code: `oidc.${error}`, message: oidcMessages[error] ?? `An OIDC error occurred: oidc.${error}.`, error, error_description: description },
    };
}

/** All values of each parameter, from a form or a JSON body (Logto accepts both). */
function readParams(contentType: string | undefined, raw: Buffer): Map<string, string[]> {
    const params = new Map<string, string[]>();
    const add = (key: string, value: unknown) => {
        if (value === undefined || value === null || value === "") return; // oidc-provider treats empty as absent
        const values = Array.isArray(value) ? value.map(String) : [String(value)];
        params.set(key, [...(params.get(key) ?? []), ...values]);
    };
    const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
    const source = raw.toString("utf8");
    if (type === "application/json") {
        let parsed: unknown;
        try {
            parsed = JSON.parse(source);
        } catch {
            parsed = undefined; // Logto reads a body that does not parse as no parameters at all
        }
        if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
            for (const [key, value] of Object.entries(parsed)) add(key, value);
        }
    } else if (type === "application/x-www-form-urlencoded") {
        for (const [key, value] of new URLSearchParams(source)) add(key, value);
    }
    return params;
}

interface ClientCredentials {
    clientId: string;
    clientSecret: string | undefined;
    viaBasic: boolean;
}

function decodeBasicPart(part: string): string {
    return decodeURIComponent(part.replace(/\+/g, "%20"));
}

/** Client authentication: HTTP Basic or client_id/client_secret in the body, never both. */
function readClientCredentials(headers: IncomingHttpHeaders, params: Map<string, string[]>): ClientCredentials {
    const bodyId = params.get("client_id")?.[0];
    const bodySecret = params.get("client_secret")?.[0];
    const authorization = headers.authorization;
    if (authorization) {
        const [scheme, value] = authorization.split(" ", 2);
        if (scheme?.toLowerCase() !== "basic" || !value) throw invalidRequest("invalid authorization header value format");
        const decoded = Buffer.from(value, "base64").toString("utf8");
        const colon = decoded.indexOf(":");
        if (colon < 0) throw invalidRequest("invalid authorization header value format");
        let clientId: string;
        let clientSecret: string;
        try {
            clientId = decodeBasicPart(decoded.slice(0, colon));
            clientSecret = decodeBasicPart(decoded.slice(colon + 1));
        } catch {
            throw invalidRequest("client_id and client_secret in the authorization header are not properly encoded");
        }
        if (bodySecret !== undefined) throw invalidRequest("client authentication must only be provided using one mechanism");
        if (bodyId !== undefined && bodyId !== clientId) throw invalidRequest("mismatch in body and authorization client ids");
        return { clientId, clientSecret, viaBasic: true };
    }
    if (bodyId === undefined) throw invalidRequest("no client authentication mechanism provided");
    return { clientId: bodyId, clientSecret: bodySecret, viaBasic: false };
}

/** Indicators must be absolute URIs without a fragment, checked before looking the resource up. */
function checkResourceIndicator(indicator: string): void {
    let url: URL;
    try {
        url = new URL(indicator);
    } catch {
        throw invalidTarget("resource indicator must be an absolute URI");
    }
    if (url.hash !== "" || indicator.includes("#")) throw invalidTarget("resource indicator must not contain a fragment component");
}

/**
 * `POST /oidc/token` for the client credentials grant, as Logto (oidc-provider) answers it. Granted scope is the
 * requested scopes that the app holds through its machine-to-machine roles on that resource, in request order;
 * no `scope` asked -> no scope at all (no `scope` key, no claim). Unknown or unheld scopes are dropped silently.
 */
export async function handleTokenRequest(headers: IncomingHttpHeaders, raw: Buffer, deps: TokenEndpointDeps): Promise<HttpResponse> {
    try {
        return await issueToken(headers, raw, deps);
    } catch (error) {
        if (error instanceof OidcError) return oidcErrorResponse(error.status, error.error, error.description, error.headers);
        throw error;
    }
}

async function issueToken(headers: IncomingHttpHeaders, raw: Buffer, deps: TokenEndpointDeps): Promise<HttpResponse> {
    const params = readParams(headers["content-type"], raw);
    for (const [key, values] of params) {
        // Only `resource` may repeat (and is then refused below with its own message).
        if (key === "organization_id" && values.length > 1) throw invalidRequest("'organization_id' parameter must not be provided twice");
        if (key !== "resource" && values.length > 1) throw invalidRequest(`'${key}' parameter must only be provided once`);
    }

    const credentials = readClientCredentials(headers, params);
    const application = deps.store.findApplication(credentials.clientId);
    if (!application) throw new OidcError(400, "invalid_client", `invalid client ${credentials.clientId}`);
    const now = deps.now();
    // Any unexpired secret of the app authenticates it; an expired one is told apart, a deleted one is unknown.
    const matching = credentials.clientSecret === undefined ? undefined : deps.store.listSecrets(application.id).find((secret) => secret.value === credentials.clientSecret);
    if (matching && matching.expiresAt !== null && matching.expiresAt <= now) throw invalidRequest("client secret has expired");
    if (!matching) {
        const challenge = credentials.viaBasic
            ? { "www-authenticate": `Basic realm="${deps.issuer}", error="invalid_client", error_description="client authentication failed"` }
            : undefined;
        throw new OidcError(401, "invalid_client", "client authentication failed", challenge);
    }

    const grantType = params.get("grant_type")?.[0];
    if (grantType === undefined) throw invalidRequest("missing required parameter 'grant_type'");
    if (!knownGrantTypes.has(grantType)) throw new OidcError(400, "unsupported_grant_type", "unsupported grant_type requested");
    if (grantType !== "client_credentials" || application.type !== "MachineToMachine") {
        throw new OidcError(400, "unauthorized_client", "requested grant type is not allowed for this client");
    }

    const resources = params.get("resource") ?? [];
    const organizationId = params.get("organization_id")?.[0];
    if (resources.length === 0 && organizationId === undefined) throw invalidTarget("both `resource` and `organization_id` are not provided");
    if (resources.length > 1) throw invalidTarget("only a single resource indicator value is supported for this grant type");
    const indicator = resources[0];
    if (indicator !== undefined) checkResourceIndicator(indicator);
    // The membership comes before the resource: an unknown organization with an unknown resource is 403. An
    // unknown organization is answered like one the app is not a member of.
    if (organizationId !== undefined && !deps.store.organizations.isMember(organizationId, application.id)) {
        throw new OidcError(403, "access_denied", "app has not associated with the organization");
    }
    let resource: ResourceRow | undefined;
    if (indicator !== undefined) {
        // Exact string match: "https://shopping.api/" is not "https://shopping.api".
        resource = deps.store.findResourceByIndicator(indicator);
        if (!resource) throw invalidTarget("resource indicator is missing, or unknown");
    }

    // Granted: the requested scopes the app holds, in request order. For an organization token, what its
    // organization roles there grant (organization scopes, or with a resource that resource's scopes);
    // otherwise what its machine-to-machine roles grant on the resource.
    const requested = [...new Set((params.get("scope")?.[0] ?? "").split(" ").filter((s) => s !== ""))];
    const held =
        organizationId === undefined
            ? deps.store.grantedScopeNames(application.id, resource!.id)
            : resource === undefined
              ? deps.store.organizations.grantedOrganizationScopeNames(organizationId, application.id)
              : deps.store.organizations.grantedResourceScopeNames(organizationId, application.id, resource.id);
    const scope = requested.filter((name) => held.has(name)).join(" ");

    // Like oidc-provider's `ttl || default`: a TTL of 0 falls back to the provider's 600 seconds. An organization
    // token without a resource lives Logto's fixed hour.
    const ttl = deps.tokenTtlOverride() ?? (resource ? resource.accessTokenTtl || providerDefaultTtlSeconds : organizationTokenTtlSeconds);
    const iat = Math.floor(now / 1000);
    // Claims in the order Logto emits them; `scope` only when something was granted. With a resource the
    // organization is the first claim; without one it is the audience, `urn:logto:organization:<id>`.
    const payload: Record<string, unknown> = {};
    if (organizationId !== undefined && resource) payload.organization_id = organizationId;
    Object.assign(payload, { jti: newJti(), sub: application.id, iat, exp: iat + ttl });
    if (scope) payload.scope = scope;
    const audience = resource ? resource.indicator : `urn:logto:organization:${organizationId}`;
    Object.assign(payload, { client_id: application.id, iss: deps.issuer, aud: audience });

    const accessToken = await deps.jose.sign(
        deps.signingKey.privateJwk,
        { alg: "ES384", typ: "at+jwt", kid: String(deps.signingKey.publicJwk.kid) },
        payload,
    );
    const body: Record<string, unknown> = { access_token: accessToken, expires_in: ttl, token_type: "Bearer" };
    // The organization token without a resource always names its scope in the answer, "" when none is granted.
    if (scope || (organizationId !== undefined && !resource)) body.scope = scope;
    return { status: 200, headers: { "cache-control": "no-store" }, body };
}
