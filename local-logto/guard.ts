import { LogtoErrors } from "./errors";
import type { JoseRuntime } from "./jose-runtime";
import type { SigningKey } from "./jose-ops";
import { jwksOf } from "./signing-key";
import type { IncomingHttpHeaders } from "node:http";

export interface GuardDeps {
    jose: JoseRuntime;
    signingKey: SigningKey;
    issuer: string;
    managementIndicator: string;
}

/**
 * Logto's Management API guard: a Bearer JWT signed by the tenant's key, issued by `{endpoint}/oidc`, for the
 * Management API audience (else 401 with jose's error in `data`), holding scope `all` (else 403). No
 * WWW-Authenticate header on these answers, as observed.
 */
export async function authorizeManagementRequest(headers: IncomingHttpHeaders, deps: GuardDeps): Promise<void> {
    const authorization = headers.authorization;
    if (!authorization) throw LogtoErrors.authorizationHeaderMissing();
    const [type, token] = authorization.split(" ", 2);
    if (type !== "Bearer" || !token) throw LogtoErrors.tokenTypeNotSupported();
    const outcome = await deps.jose.verify(token, jwksOf(deps.signingKey), { issuer: deps.issuer, audience: deps.managementIndicator });
    if (!outcome.ok) throw LogtoErrors.unauthorized(outcome.error);
    const scopes = typeof outcome.payload.scope === "string" ? outcome.payload.scope.split(" ") : [];
    if (!scopes.includes("all")) throw LogtoErrors.forbidden();
}
