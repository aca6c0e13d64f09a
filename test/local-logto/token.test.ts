import { accessToken, basicAuth, decodeJwtPart, httpRequest, m2mAppWithScopes, tokenRequest, verifyWithRemoteJwks } from "./support";
import { itLocalOnly, useContractTarget } from "./target";

describe("token endpoint: client credentials grant", () => {
    const target = useContractTarget();
    const logto = target;
    const api = () => target().api;
    let shopping: string;
    let shop: Awaited<ReturnType<typeof m2mAppWithScopes>>;
    const creds = () => ({ id: shop.app.id as string, secret: shop.secret });

    beforeAll(async () => {
        shopping = target().indicator("shopping");
        shop = await m2mAppWithScopes(api(), shopping, ["read:products", "write:products", "admin:products"], 600);
        // The role holds read and write only; admin:products exists on the resource but is not granted.
        await api().delete(`/api/roles/${shop.role.id}/scopes/${shop.scopes[2].id}`);
    });

    describe("a granted token", () => {
        it("answers access_token, expires_in, token_type Bearer and scope, not cacheable", async () => {
            const result = await tokenRequest(logto().endpoint, { grant_type: "client_credentials", resource: shopping, scope: "read:products write:products" }, creds());
            expect(result.status).toBe(200);
            expect(Object.keys(result.body)).toEqual(["access_token", "expires_in", "token_type", "scope"]);
            expect(result.body).toMatchObject({ expires_in: 600, token_type: "Bearer", scope: "read:products write:products" });
            expect(result.headers.get("cache-control")).toBe("no-store");
        });

        it("is an ES384 at+jwt whose kid is in the JWKS and whose signature verifies with jose against /oidc/jwks", async () => {
            const token = await accessToken(logto().endpoint, shop.app.id, shop.secret, shopping, "read:products");
            const { protectedHeader, payload } = await verifyWithRemoteJwks(token, `${logto().endpoint}/oidc/jwks`, { issuer: `${logto().endpoint}/oidc`, audience: shopping });
            expect(protectedHeader).toEqual({ alg: "ES384", typ: "at+jwt", kid: expect.any(String) });
            const jwks = (await httpRequest(`${logto().endpoint}/oidc/jwks`)).body;
            expect(jwks.keys.map((k: { kid: string }) => k.kid)).toContain(protectedHeader.kid);
            expect(jwks.keys[0]).toMatchObject({ kty: "EC", crv: "P-384" });
            expect(jwks.keys[0].d).toBeUndefined();
            expect(payload.scope).toBe("read:products");
        });

        it("carries exactly the claims jti, sub, iat, exp, scope, client_id, iss, aud", async () => {
            const token = await accessToken(logto().endpoint, shop.app.id, shop.secret, shopping, "read:products");
            const claims = decodeJwtPart(token, 1);
            expect(Object.keys(claims)).toEqual(["jti", "sub", "iat", "exp", "scope", "client_id", "iss", "aud"]);
            expect(claims).toMatchObject({ sub: shop.app.id, client_id: shop.app.id, iss: `${logto().endpoint}/oidc`, aud: shopping });
            expect(claims.exp as number).toBe((claims.iat as number) + 600);
        });

        it("grants the requested scopes the app holds through its roles, in request order, dropping the rest silently", async () => {
            const ask = (scope: string) => tokenRequest(logto().endpoint, { grant_type: "client_credentials", resource: shopping, scope }, creds());
            expect((await ask("write:products read:products")).body.scope).toBe("write:products read:products");
            expect((await ask("read:products admin:products unknown:thing")).body.scope).toBe("read:products");
        });

        it("has no scope at all (no key, no claim) when no scope is requested or none is held", async () => {
            for (const scope of [undefined, "", "admin:products", "all", "openid"]) {
                const form: Record<string, string> = { grant_type: "client_credentials", resource: shopping };
                if (scope !== undefined) form.scope = scope;
                const result = await tokenRequest(logto().endpoint, form, creds());
                expect(result.status).toBe(200);
                expect(result.body).not.toHaveProperty("scope");
                expect(decodeJwtPart(result.body.access_token, 1)).not.toHaveProperty("scope");
            }
        });

        it("is issued for a resource the app has no role for: that aud, no scope", async () => {
            const other = (await api().post("/api/resources", { name: "other", indicator: target().indicator("other") })).body;
            const result = await tokenRequest(logto().endpoint, { grant_type: "client_credentials", resource: other.indicator, scope: "read:products" }, creds());
            expect(result.status).toBe(200);
            expect(decodeJwtPart(result.body.access_token, 1)).toMatchObject({ aud: other.indicator });
            expect(result.body.scope).toBeUndefined();
        });

        it("reflects a permission removed from the role in the next token", async () => {
            const extra = (await api().post(`/api/resources/${shop.resource.id}/scopes`, { name: "temp:products" })).body;
            await api().post(`/api/roles/${shop.role.id}/scopes`, { scopeIds: [extra.id] });
            const ask = () => tokenRequest(logto().endpoint, { grant_type: "client_credentials", resource: shopping, scope: "temp:products" }, creds());
            expect((await ask()).body.scope).toBe("temp:products");
            await api().delete(`/api/roles/${shop.role.id}/scopes/${extra.id}`);
            expect((await ask()).body.scope).toBeUndefined();
        });
    });

    describe("client authentication", () => {
        it("accepts client_id and client_secret in the form body (client_secret_post)", async () => {
            const result = await tokenRequest(logto().endpoint, { grant_type: "client_credentials", resource: shopping, scope: "read:products", client_id: shop.app.id, client_secret: shop.secret });
            expect(result.status).toBe(200);
            expect(result.body.scope).toBe("read:products");
        });

        it("accepts a JSON body", async () => {
            const result = await httpRequest(`${logto().endpoint}/oidc/token`, {
                method: "POST",
                headers: { "content-type": "application/json", authorization: basicAuth(shop.app.id, shop.secret) },
                body: JSON.stringify({ grant_type: "client_credentials", resource: shopping, scope: "read:products" }),
            });
            expect(result.status).toBe(200);
        });

        it("refuses Basic and body credentials at once with 400 invalid_request", async () => {
            const result = await tokenRequest(logto().endpoint, { grant_type: "client_credentials", resource: shopping, client_id: shop.app.id, client_secret: shop.secret }, creds());
            expect(result.status).toBe(400);
            expect(result.body).toEqual({ code: "oidc.invalid_request", message: "Request is invalid.", error: "invalid_request", error_description: "client authentication must only be provided using one mechanism" });
        });

        it("refuses a wrong secret with 401 invalid_client and a Basic challenge", async () => {
            const result = await tokenRequest(logto().endpoint, { grant_type: "client_credentials", resource: shopping }, { id: shop.app.id, secret: "wrong" });
            expect(result.status).toBe(401);
            expect(result.body).toEqual({ code: "oidc.invalid_client", message: "An OIDC error occurred: oidc.invalid_client.", error: "invalid_client", error_description: "client authentication failed" });
            expect(result.headers.get("www-authenticate")).toMatch(new RegExp(`^Basic realm="${target().issuer.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}", error="invalid_client"`));
        });

        it("refuses an unknown client with 400 invalid_client", async () => {
            const result = await tokenRequest(logto().endpoint, { grant_type: "client_credentials", resource: shopping }, { id: "nope", secret: "x" });
            expect(result.status).toBe(400);
            expect(result.body).toMatchObject({ code: "oidc.invalid_client", error_description: "invalid client nope" });
        });

        it("refuses a request without client authentication with 400 invalid_request", async () => {
            const result = await tokenRequest(logto().endpoint, { grant_type: "client_credentials", resource: shopping });
            expect(result.status).toBe(400);
            expect(result.body).toMatchObject({ code: "oidc.invalid_request", error_description: "no client authentication mechanism provided" });
        });

        it("authenticates with any unexpired secret of the app; a deleted one is 401, an expired one 400 'client secret has expired'", async () => {
            const named = (await api().post(`/api/applications/${shop.app.id}/secrets`, { name: "rotation" })).body;
            const shortLived = (await api().post(`/api/applications/${shop.app.id}/secrets`, { name: "short", expiresAt: Date.now() + 1500 })).body;
            const ask = (secret: string) => tokenRequest(logto().endpoint, { grant_type: "client_credentials", resource: shopping }, { id: shop.app.id, secret });
            expect((await ask(named.value)).status).toBe(200);
            expect((await ask(shortLived.value)).status).toBe(200);
            await api().delete(`/api/applications/${shop.app.id}/secrets/rotation`);
            expect((await ask(named.value)).status).toBe(401);
            await new Promise((resolve) => setTimeout(resolve, 1600));
            const expired = await ask(shortLived.value);
            expect(expired.status).toBe(400);
            expect(expired.body).toEqual({ code: "oidc.invalid_request", message: "Request is invalid.", error: "invalid_request", error_description: "client secret has expired" });
            expect((await ask(shop.secret)).status).toBe(200);
        });
    });

    describe("request errors, with Logto's bodies", () => {
        // The resource indicators are read when the cases run (the target's run id is known by then).
        const messages: Record<string, string> = {
            invalid_request: "Request is invalid.",
            unsupported_grant_type: "Unsupported `grant_type` requested.",
            invalid_target: "Invalid resource indicator.",
        };
        const cases: Array<[string, string, () => Record<string, string | string[]>, string]> = [
            ["missing grant_type", "invalid_request", () => ({ resource: shopping }), "missing required parameter 'grant_type'"],
            ["another grant type", "unsupported_grant_type", () => ({ grant_type: "password", resource: shopping }), "unsupported grant_type requested"],
            ["unknown resource", "invalid_target", () => ({ grant_type: "client_credentials", resource: target().indicator("unknown") }), "resource indicator is missing, or unknown"],
            ["resource with a trailing slash", "invalid_target", () => ({ grant_type: "client_credentials", resource: `${shopping}/` }), "resource indicator is missing, or unknown"],
            ["non-URI resource", "invalid_target", () => ({ grant_type: "client_credentials", resource: "not a uri" }), "resource indicator must be an absolute URI"],
            ["no resource", "invalid_target", () => ({ grant_type: "client_credentials" }), "both `resource` and `organization_id` are not provided"],
            ["two resources", "invalid_target", () => ({ grant_type: "client_credentials", resource: [shopping, logtoIndicator()] }), "only a single resource indicator value is supported for this grant type"],
        ];
        function logtoIndicator() {
            return "https://default.logto.app/api";
        }
        it.each(cases)("%s -> 400 %s", async (_name, error, form, description) => {
            const result = await tokenRequest(logto().endpoint, form(), creds());
            expect(result.status).toBe(400);
            expect(result.body).toEqual({ code: `oidc.${error}`, message: messages[error], error, error_description: description });
        });
    });

    describe("lifetime", () => {
        it("is the resource's accessTokenTtl, and a TTL change applies to the next token", async () => {
            const ask = async () => (await tokenRequest(logto().endpoint, { grant_type: "client_credentials", resource: shopping }, creds())).body.expires_in;
            expect(await ask()).toBe(600);
            await api().patch(`/api/resources/${shop.resource.id}`, { accessTokenTtl: 1200 });
            expect(await ask()).toBe(1200);
            await api().patch(`/api/resources/${shop.resource.id}`, { accessTokenTtl: 600 });
        });

        it("falls back to 600 seconds when the resource's accessTokenTtl is 0", async () => {
            const zero = (await api().post("/api/resources", { name: "zero", indicator: target().indicator("zero-ttl"), accessTokenTtl: 0 })).body;
            const result = await tokenRequest(logto().endpoint, { grant_type: "client_credentials", resource: zero.indicator }, creds());
            expect(result.body.expires_in).toBe(600);
            const claims = decodeJwtPart(result.body.access_token, 1);
            expect((claims.exp as number) - (claims.iat as number)).toBe(600);
        });

        itLocalOnly("the TTL override is the local Logto's knob", "is the override when one is set, for every resource", async () => {
            const local = target().local!;
            local.setTokenTtlOverride(5);
            try {
                const result = await tokenRequest(logto().endpoint, { grant_type: "client_credentials", resource: shopping }, creds());
                expect(result.body.expires_in).toBe(5);
                const claims = decodeJwtPart(result.body.access_token, 1);
                expect((claims.exp as number) - (claims.iat as number)).toBe(5);
            } finally {
                local.setTokenTtlOverride(undefined);
            }
        });
    });
});
