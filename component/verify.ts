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
}

export interface TokenResponse {
    accessToken: string;
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
 * Logto grants no scope at all).
 */
export async function requestClientCredentialsToken(req: {
    tokenEndpoint: string;
    appId: string;
    appSecret: string;
    resource: string;
    scopes: string[];
}): Promise<TokenResponse> {
    const body = new URLSearchParams({ grant_type: "client_credentials", resource: req.resource });
    if (req.scopes.length > 0) body.set("scope", req.scopes.join(" "));
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
        throw new TokenRequestError(`token request for ${req.resource} refused: HTTP ${response.status} ${error ?? ""} ${description}`.replace(/\s+/g, " ").trim(),
            response.status, error);
    }
    return {
        accessToken: json.access_token,
        scope: typeof json.scope === "string" && json.scope !== "" ? json.scope.split(" ") : [],
        expiresIn: typeof json.expires_in === "number" ? json.expires_in : 0,
    };
}

/** The outcome for one app and one resource. */
export interface GrantCheck {
    app: string;
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
            ...bad.map((c) => `  app ${JSON.stringify(c.app)} on ${c.resource}: ` + (c.error !== undefined ? c.error : [
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
            try {
                const token = await requestClientCredentialsToken({ ...access, resource, scopes: requested });
                check.granted = [...token.scope].sort();
                check.missing = check.expected.filter((p) => !token.scope.includes(p));
                check.unexpected = check.granted.filter((p) => !expected.includes(p));
            } catch (error) {
                check.error = (error as Error).message;
            }
            checks.push(check);
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
    return verifyGrants(apps, { knownPermissions: Object.fromEntries(Object.entries(resources).map(([ind, r]) => [ind, r.permissions])) });
}
