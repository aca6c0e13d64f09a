import { agentFetch } from "../client/http";
import type { Grants } from "./references";

/**
 * The verify step: after `up`, each app asks Logto for a token for each of its resources, exactly as a service
 * does (Logto's M2M guide), and the scopes granted are compared with the spec. It catches what no diff can:
 * a role edited or an assignment removed outside Pulumi, a secret that no longer authenticates.
 */

/** What verify needs of an app: the stack outputs of `LogtoM2M` with the secret revealed. */
export interface VerifiableApp {
    appId: string;
    appSecret: string;
    tokenEndpoint: string;
    /** Permissions the app should hold, by resource indicator. */
    resources: Grants;
    /** The app's organizations (by the spec's key) and what it should hold in each. */
    organizations?: Record<string, VerifiableMembership>;
}

/** What an app should get in organization tokens for one organization. */
export interface VerifiableMembership {
    organizationId: string;
    /** Organization permissions: the scope of a token with `organization_id` alone. */
    permissions: string[];
    /** API permissions by indicator, for tokens with `organization_id` and `resource`. */
    resources: Grants;
}

export interface TokenResponse {
    accessToken: string;
    /** The access token's claims (its payload, read without checking the signature: it came from Logto itself). */
    claims: Record<string, unknown>;
    /** Granted scopes; empty when Logto sent none. */
    scope: string[];
    expiresIn: number;
}

/** A refusal by the token endpoint, with the OAuth error code (`invalid_client`, `invalid_target`, ...). */
export class TokenRequestError extends Error {
    override readonly name = "TokenRequestError";
    constructor(message: string, readonly status: number, readonly error?: string) {
        super(message);
    }
}

/**
 * One client-credentials token request as Logto's M2M guide writes it: POST `{endpoint}/oidc/token`, HTTP Basic
 * with App ID and App Secret, form-encoded `grant_type`, `resource` and `scope` (space-separated; without it
 * Logto grants no scope at all). With `organizationId`, an organization token: `organization_id` alone (audience
 * `urn:logto:organization:<id>`, organization permissions) or with `resource` (the API's permissions that the
 * app's organization roles grant, and an `organization_id` claim).
 */
export async function requestClientCredentialsToken(req: {
    tokenEndpoint: string;
    appId: string;
    appSecret: string;
    resource?: string;
    organizationId?: string;
    scopes: string[];
}): Promise<TokenResponse> {
    const body = new URLSearchParams({ grant_type: "client_credentials" });
    if (req.resource !== undefined) body.set("resource", req.resource);
    if (req.organizationId !== undefined) body.set("organization_id", req.organizationId);
    if (req.scopes.length > 0) body.set("scope", req.scopes.join(" "));
    const target = [req.organizationId !== undefined ? `organization ${req.organizationId}` : "", req.resource ?? ""].filter(Boolean).join(" and ");
    // Through the client's agent: HTTPS_PROXY is honoured and TLS verification cannot be switched off.
    const response = await agentFetch(req.tokenEndpoint, {
        method: "POST",
        headers: {
            authorization: `Basic ${Buffer.from(`${req.appId}:${req.appSecret}`).toString("base64")}`,
            "content-type": "application/x-www-form-urlencoded",
            accept: "application/json",
        },
        body,
    });
    const text = await response.text();
    let json: Record<string, unknown> = {};
    try {
        json = JSON.parse(text) as Record<string, unknown>;
    } catch {
        // Not JSON (a proxy's page): reported below with the status.
    }
    if (!response.ok || typeof json.access_token !== "string") {
        const error = typeof json.error === "string" ? json.error : undefined;
        const description = typeof json.error_description === "string" ? json.error_description : text.slice(0, 200);
        throw new TokenRequestError(`token request for ${target} refused: HTTP ${response.status} ${error ?? ""} ${description}`.replace(/\s+/g, " ").trim(),
            response.status, error);
    }
    return {
        accessToken: json.access_token,
        claims: claimsOf(json.access_token),
        scope: typeof json.scope === "string" && json.scope !== "" ? json.scope.split(" ") : [],
        expiresIn: typeof json.expires_in === "number" ? json.expires_in : 0,
    };
}

/** A JWT's payload; `{}` for an opaque token. */
function claimsOf(token: string): Record<string, unknown> {
    try {
        const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as unknown;
        return payload !== null && typeof payload === "object" ? payload as Record<string, unknown> : {};
    } catch {
        return {};
    }
}

/** The audience of organization tokens without a resource. */
export function organizationAudience(organizationId: string): string {
    return `urn:logto:organization:${organizationId}`;
}

/** The outcome for one app and one resource (and organization, for an organization token). */
export interface GrantCheck {
    app: string;
    /** The organization's key in the spec, for an organization token. */
    organization?: string;
    /** The indicator; for an organization token without resource, the organization's audience. */
    resource: string;
    expected: string[];
    granted: string[];
    /** In the spec, not in the token. */
    missing: string[];
    /** In the token, not in the spec. */
    unexpected: string[];
    /** Set when no token could be had at all. */
    error?: string;
}

export class GrantMismatchError extends Error {
    override readonly name = "GrantMismatchError";
    constructor(readonly checks: GrantCheck[]) {
        const bad = checks.filter((c) => c.error !== undefined || c.missing.length > 0 || c.unexpected.length > 0);
        super([
            `verify: ${bad.length} of ${checks.length} token checks differ from the spec (was a role, permission or assignment changed outside Pulumi? ` +
            "run `pulumi refresh` then `pulumi up` to put the spec back):",
            ...bad.map((c) => `  app ${JSON.stringify(c.app)}${c.organization !== undefined ? ` in organization ${JSON.stringify(c.organization)}` : ""} on ${c.resource}: ` + (c.error !== undefined ? c.error : [
                c.missing.length > 0 ? `missing ${c.missing.join(" ")}` : "",
                c.unexpected.length > 0 ? `not in the spec ${c.unexpected.join(" ")}` : "",
                `(granted: ${c.granted.join(" ") || "none"})`,
            ].filter(Boolean).join("; ")),
            ),
        ].join("\n"));
    }
}

export interface VerifyOptions {
    /**
     * Every permission each resource has (`resources` output of the stack). Verify asks for these too, so a
     * permission held beyond the spec shows up as unexpected; without it only missing ones are found.
     */
    knownPermissions?: Record<string, string[]>;
    /** Every organization permission of the spec (output `organizationPermissions`), asked for likewise. */
    knownOrganizationPermissions?: string[];
}

/** Requests one token and compares it: scopes with `expected`, and the claims `aud` and `organization_id`. */
async function checkToken(check: GrantCheck, request: Parameters<typeof requestClientCredentialsToken>[0], claims: Record<string, string | undefined>): Promise<GrantCheck> {
    try {
        const token = await requestClientCredentialsToken(request);
        check.granted = [...token.scope].sort();
        check.missing = check.expected.filter((p) => !token.scope.includes(p));
        check.unexpected = check.granted.filter((p) => !check.expected.includes(p));
        const wrong = Object.entries(claims).filter(([claim, value]) => token.claims[claim] !== value)
            .map(([claim, value]) => `claim ${claim} is ${JSON.stringify(token.claims[claim] ?? null)}, not ${JSON.stringify(value ?? null)}`);
        if (wrong.length > 0) check.error = wrong.join("; ");
    } catch (error) {
        check.error = (error as Error).message;
    }
    return check;
}

/**
 * Requests a token for each app and each resource it holds permissions on, and compares the granted scopes with
 * the spec. Resolves with every check when all match; rejects with `GrantMismatchError` listing the differences.
 */
export async function verifyGrants(apps: Record<string, VerifiableApp>, options: VerifyOptions = {}): Promise<GrantCheck[]> {
    const checks: GrantCheck[] = [];
    // One app after another: a few requests each, and no burst against a rate-limited Logto Cloud token endpoint.
    for (const [app, access] of Object.entries(apps)) {
        for (const [resource, expected] of Object.entries(access.resources)) {
            const requested = [...new Set([...expected, ...(options.knownPermissions?.[resource] ?? [])])];
            const check: GrantCheck = { app, resource, expected: [...expected].sort(), granted: [], missing: [], unexpected: [] };
            checks.push(await checkToken(check, { ...access, resource, scopes: requested }, {}));
        }
        for (const [organization, membership] of Object.entries(access.organizations ?? {})) {
            const organizationId = membership.organizationId;
            const audience = organizationAudience(organizationId);
            const requested = [...new Set([...membership.permissions, ...(options.knownOrganizationPermissions ?? [])])];
            // Logto puts no organization_id claim into a token without resource (its audience names the organization).
            checks.push(await checkToken({ app, organization, resource: audience, expected: [...membership.permissions].sort(), granted: [], missing: [], unexpected: [] },
                { ...access, organizationId, scopes: requested }, { aud: audience }));
            for (const [resource, expected] of Object.entries(membership.resources)) {
                const scopes = [...new Set([...expected, ...(options.knownPermissions?.[resource] ?? [])])];
                checks.push(await checkToken({ app, organization, resource, expected: [...expected].sort(), granted: [], missing: [], unexpected: [] },
                    { ...access, organizationId, resource, scopes }, { aud: resource, organization_id: organizationId }));
            }
        }
    }
    if (checks.some((c) => c.error !== undefined || c.missing.length > 0 || c.unexpected.length > 0)) throw new GrantMismatchError(checks);
    return checks;
}

/** The outputs of a stack run by the program (Automation API `OutputMap` shape, secrets revealed). */
export type StackOutputValues = Record<string, { value: unknown; secret?: boolean }>;

/** `verifyGrants` on a stack's outputs (`stack.outputs()` of the Automation API, or a StackReference's). */
export function verifyStackOutputs(outputs: StackOutputValues): Promise<GrantCheck[]> {
    const apps = (outputs.apps?.value ?? {}) as Record<string, VerifiableApp>;
    const resources = (outputs.resources?.value ?? {}) as Record<string, { permissions: string[] }>;
    const organizationPermissions = outputs.organizationPermissions?.value;
    return verifyGrants(apps, {
        knownPermissions: Object.fromEntries(Object.entries(resources).map(([ind, r]) => [ind, r.permissions])),
        ...(Array.isArray(organizationPermissions) ? { knownOrganizationPermissions: organizationPermissions.map(String) } : {}),
    });
}
