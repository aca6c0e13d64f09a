import { execFile } from "node:child_process";
import * as path from "node:path";
import { startLocalLogto, type LocalLogto, type LocalLogtoOptions } from "../../local-logto";

/** The checkout whose compiled code runs (dist/test/local-logto -> repo root). */
export const repoRoot = path.resolve(__dirname, "..", "..", "..");

export interface HttpResult {
    status: number;
    headers: Headers;
    /** Parsed JSON when the answer is JSON, else the text ("" for an empty body). */
    body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read arbitrary response shapes
    text: string;
}

export async function httpRequest(url: string, init: RequestInit = {}): Promise<HttpResult> {
    const response = await fetch(url, init);
    const text = await response.text();
    const isJson = (response.headers.get("content-type") ?? "").includes("json");
    return { status: response.status, headers: response.headers, body: isJson && text ? JSON.parse(text) : text, text };
}

export const basicAuth = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;

/** POST /oidc/token with a form body; `auth` adds HTTP Basic. */
export function tokenRequest(endpoint: string, form: Record<string, string | string[]>, auth?: { id: string; secret: string }): Promise<HttpResult> {
    const body = new URLSearchParams();
    for (const [key, value] of Object.entries(form)) for (const v of [value].flat()) body.append(key, v);
    const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
    if (auth) headers.authorization = basicAuth(auth.id, auth.secret);
    return httpRequest(`${endpoint}/oidc/token`, { method: "POST", headers, body: body.toString() });
}

/** A token for an app and resource, asserting success. */
export async function accessToken(endpoint: string, id: string, secret: string, resource: string, scope?: string): Promise<string> {
    const form: Record<string, string> = { grant_type: "client_credentials", resource };
    if (scope !== undefined) form.scope = scope;
    const result = await tokenRequest(endpoint, form, { id, secret });
    if (result.status !== 200) throw new Error(`token request failed: ${result.status} ${result.text}`);
    return result.body.access_token as string;
}

/** The Management API as the bootstrap app sees it: a `scope=all` token and JSON requests. */
export interface ManagementApi {
    token: string;
    request(method: string, apiPath: string, body?: unknown): Promise<HttpResult>;
    get(apiPath: string): Promise<HttpResult>;
    post(apiPath: string, body?: unknown): Promise<HttpResult>;
    put(apiPath: string, body?: unknown): Promise<HttpResult>;
    patch(apiPath: string, body?: unknown): Promise<HttpResult>;
    delete(apiPath: string): Promise<HttpResult>;
}

/** What a Management API client needs of a Logto: a LocalLogto has it, and so does a real target. */
export interface LogtoConnection {
    endpoint: string;
    bootstrap: { appId: string; appSecret: string };
    managementIndicator: string;
}

export async function managementApi(logto: LogtoConnection): Promise<ManagementApi> {
    const token = await accessToken(logto.endpoint, logto.bootstrap.appId, logto.bootstrap.appSecret, logto.managementIndicator, "all");
    const request = (method: string, apiPath: string, body?: unknown) =>
        httpRequest(`${logto.endpoint}${apiPath}`, {
            method,
            headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
            body: body === undefined ? undefined : JSON.stringify(body),
        });
    return {
        token,
        request,
        get: (p) => request("GET", p),
        post: (p, b) => request("POST", p, b),
        put: (p, b) => request("PUT", p, b),
        patch: (p, b) => request("PATCH", p, b),
        delete: (p) => request("DELETE", p),
    };
}

/** A running local Logto for one test file, with the bootstrap app's Management API client. */
export function useLocalLogto(options: LocalLogtoOptions = {}): { logto: () => LocalLogto; api: () => ManagementApi } {
    let logto: LocalLogto | undefined;
    let api: ManagementApi | undefined;
    beforeAll(async () => {
        logto = await startLocalLogto({ port: 0, ...options });
        api = await managementApi(logto);
    });
    afterAll(async () => {
        await logto?.close();
    });
    return {
        logto: () => logto!,
        api: () => api!,
    };
}

/** An M2M app holding one role with the given scopes of a new resource: the shopping scenario's building block. */
export async function m2mAppWithScopes(api: ManagementApi, indicator: string, scopeNames: string[], accessTokenTtl?: number) {
    const resource = (await api.post("/api/resources", { name: `resource ${indicator}`, indicator, accessTokenTtl })).body;
    const scopes = [];
    for (const name of scopeNames) scopes.push((await api.post(`/api/resources/${resource.id}/scopes`, { name })).body);
    const role = (await api.post("/api/roles", { name: `role for ${indicator}`, description: "test role", type: "MachineToMachine", scopeIds: scopes.map((s) => s.id) })).body;
    const app = (await api.post("/api/applications", { name: `app for ${indicator}`, type: "MachineToMachine" })).body;
    await api.post(`/api/applications/${app.id}/roles`, { roleIds: [role.id] });
    const secret = (await api.get(`/api/applications/${app.id}/secrets`)).body[0].value as string;
    return { resource, scopes, role, app, secret };
}

export const decodeJwtPart = (token: string, index: 0 | 1): Record<string, unknown> =>
    JSON.parse(Buffer.from(token.split(".")[index]!, "base64url").toString("utf8")) as Record<string, unknown>;

/**
 * Verifies a token with jose's createRemoteJWKSet + jwtVerify in a separate Node process: an independent
 * check against the served JWKS (and jose 6 is ESM-only, which jest's sandbox cannot require).
 */
export function verifyWithRemoteJwks(token: string, jwksUrl: string, expected: { issuer: string; audience: string }): Promise<{ payload: Record<string, unknown>; protectedHeader: Record<string, unknown> }> {
    const script = `
        const jose = require(${JSON.stringify(path.join(repoRoot, "node_modules", "jose"))});
        const [token, jwksUrl, issuer, audience] = process.argv.slice(1);
        jose.jwtVerify(token, jose.createRemoteJWKSet(new URL(jwksUrl)), { issuer, audience, algorithms: ["ES384"] })
            .then((r) => process.stdout.write(JSON.stringify({ payload: r.payload, protectedHeader: r.protectedHeader })))
            .catch((e) => { process.stderr.write(e.code + " " + e.message); process.exit(1); });`;
    return new Promise((resolve, reject) => {
        execFile(process.execPath, ["-e", script, token, jwksUrl, expected.issuer, expected.audience], (error, stdout, stderr) => {
            if (error) reject(new Error(`jose verification failed: ${stderr || error.message}`));
            else resolve(JSON.parse(stdout));
        });
    });
}
