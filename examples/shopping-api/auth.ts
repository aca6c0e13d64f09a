import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from "jose";

/**
 * Authorization as the last section of Logto's M2M guide asks of an API: the access token is a JWT whose
 * signature checks against Logto's JWKS, whose issuer is `{endpoint}/oidc`, whose audience is this API's
 * indicator, which has not expired, and whose `scope` holds the permission the route needs. jose does the JOSE
 * work (and caches the JWKS, refetching it when an unknown key id shows up after a key rotation).
 */

export interface TokenVerifierOptions {
    /** The Logto endpoint, e.g. `http://127.0.0.1:3001` or `https://abc123.logto.app`. */
    endpoint: string;
    /** This API's resource indicator, e.g. `https://shopping.api`. */
    audience: string;
}

export type AuthResult =
    | { ok: true; payload: JWTPayload; scopes: string[] }
    | { ok: false; status: 401 | 403; wwwAuthenticate: string; reason: string };

/**
 * Checks a request's bearer token for `requiredScope`. With `organizationId`, only an organization token for that
 * organization passes: one requested with `organization_id` and this API as `resource`, which carries the claim
 * `organization_id` and the API permissions the app's organization roles grant there (403 otherwise).
 */
export type TokenVerifier = (authorization: string | undefined, requiredScope: string, organizationId?: string) => Promise<AuthResult>;

export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
    const endpoint = options.endpoint.replace(/\/+$/, "");
    const jwks = createRemoteJWKSet(new URL(`${endpoint}/oidc/jwks`));
    const issuer = `${endpoint}/oidc`;
    const quoted = (s: string) => s.replace(/["\\]/g, "");
    const unauthorized = (reason: string): AuthResult => ({
        ok: false, status: 401, reason,
        wwwAuthenticate: `Bearer error="invalid_token", error_description="${quoted(reason)}"`,
    });

    return async (authorization, requiredScope, organizationId) => {
        const match = /^Bearer +([^ ]+)$/i.exec(authorization ?? "");
        if (!match) return { ok: false, status: 401, reason: "no bearer token", wwwAuthenticate: "Bearer" };
        let payload: JWTPayload;
        try {
            ({ payload } = await jwtVerify(match[1]!, jwks, { issuer, audience: options.audience, typ: "at+jwt" }));
        } catch (error) {
            if (error instanceof errors.JWTExpired) return unauthorized("token expired");
            if (error instanceof errors.JWTClaimValidationFailed) return unauthorized(`token ${error.claim} is not valid for this API`);
            if (error instanceof errors.JOSEError) return unauthorized(`token rejected (${error.code})`);
            throw error;
        }
        if (organizationId !== undefined && payload.organization_id !== organizationId) {
            const reason = typeof payload.organization_id === "string" ? "token is for another organization" : "requires an organization token";
            return { ok: false, status: 403, reason, wwwAuthenticate: `Bearer error="insufficient_scope", error_description="${quoted(reason)}"` };
        }
        const scopes = typeof payload.scope === "string" ? payload.scope.split(" ").filter(Boolean) : [];
        if (!scopes.includes(requiredScope)) {
            return {
                ok: false, status: 403, reason: `requires ${requiredScope}`,
                wwwAuthenticate: `Bearer error="insufficient_scope", scope="${quoted(requiredScope)}"`,
            };
        }
        return { ok: true, payload, scopes };
    };
}
