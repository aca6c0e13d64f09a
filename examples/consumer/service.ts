import type { RequestInit, Response } from "undici";
import { agentFetch, closeHttpAgent } from "../../client/http";

/**
 * The service side of the downstream stack, as Logto's M2M guide writes it: get an access token with the
 * client-credentials grant, then call the API with it. Run: `node dist/examples/consumer/service.js` with the
 * env the consumer stack outputs (`serviceEnv`) and SHOPPING_API_URL.
 */

export interface ServiceEnv {
    LOGTO_TOKEN_ENDPOINT: string;
    LOGTO_APP_ID: string;
    LOGTO_APP_SECRET: string;
    API_RESOURCE: string;
    API_SCOPE: string;
}

export interface AccessToken {
    access_token: string;
    expires_in: number;
    token_type: "Bearer";
    scope?: string;
}

/** POST {endpoint}/oidc/token, Basic auth with App ID and App Secret, form-encoded grant, resource and scope. */
export async function fetchAccessToken(env: ServiceEnv): Promise<AccessToken> {
    // The client's HTTP agent: HTTPS_PROXY/NO_PROXY honoured, TLS verification always on.
    const response = await agentFetch(env.LOGTO_TOKEN_ENDPOINT, {
        method: "POST",
        headers: {
            "Content-Type": "application/x-www-form-urlencoded",
            Authorization: `Basic ${Buffer.from(`${env.LOGTO_APP_ID}:${env.LOGTO_APP_SECRET}`).toString("base64")}`,
        },
        body: new URLSearchParams({
            grant_type: "client_credentials",
            resource: env.API_RESOURCE,
            // Without `scope` Logto grants no permission at all.
            scope: env.API_SCOPE,
        }).toString(),
    });
    if (!response.ok) throw new Error(`token request failed: ${response.status} ${await response.text()}`);
    return (await response.json()) as AccessToken;
}

/** Calls the API with the token in the Authorization header. */
export async function callApi(url: string, token: AccessToken, init: Omit<RequestInit, "dispatcher"> = {}): Promise<Response> {
    return agentFetch(url, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), Authorization: `Bearer ${token.access_token}` } });
}

async function main(): Promise<void> {
    const names = ["LOGTO_TOKEN_ENDPOINT", "LOGTO_APP_ID", "LOGTO_APP_SECRET", "API_RESOURCE", "API_SCOPE", "SHOPPING_API_URL"] as const;
    const missing = names.filter((n) => !process.env[n]);
    if (missing.length > 0) throw new Error(`set ${missing.join(", ")}`);
    const env = process.env as unknown as ServiceEnv & { SHOPPING_API_URL: string };
    const token = await fetchAccessToken(env);
    console.log(`token for ${env.API_RESOURCE}, scope "${token.scope ?? ""}", expires in ${token.expires_in} s`);
    const response = await callApi(`${env.SHOPPING_API_URL.replace(/\/+$/, "")}/products`, token);
    console.log(`GET /products -> ${response.status} ${await response.text()}`);
    await closeHttpAgent();
}

if (require.main === module) {
    main().catch((error: unknown) => {
        console.error((error as Error).message);
        process.exit(1);
    });
}
