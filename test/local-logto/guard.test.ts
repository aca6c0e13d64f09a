import { startLocalLogto } from "../../local-logto";
import { accessToken, basicAuth, httpRequest, managementApi, tokenRequest } from "./support";
import { itLocalOnly, useContractTarget } from "./target";

describe("Management API guard", () => {
    const target = useContractTarget();
    const logto = target;
    const api = () => target().api;
    const getApps = (authorization?: string) =>
        httpRequest(`${logto().endpoint}/api/applications`, { headers: authorization ? { authorization } : {} });

    it("lets a Bearer token of the Management API with scope `all` through", async () => {
        const result = await getApps(`Bearer ${api().token}`);
        expect(result.status).toBe(200);
        expect(Array.isArray(result.body)).toBe(true);
    });

    it("answers 401 auth.authorization_header_missing without an Authorization header", async () => {
        const result = await getApps();
        expect(result.status).toBe(401);
        expect(result.body).toMatchObject({ code: "auth.authorization_header_missing" });
        expect(result.headers.get("www-authenticate")).toBeNull();
    });

    it("answers 401 auth.authorization_token_type_not_supported to Basic credentials", async () => {
        const result = await getApps(basicAuth(logto().bootstrap.appId, logto().bootstrap.appSecret));
        expect(result.status).toBe(401);
        expect(result.body).toMatchObject({ code: "auth.authorization_token_type_not_supported", data: { supportedTypes: ["Bearer"] } });
    });

    it("answers 401 auth.unauthorized with jose's ERR_JWS_INVALID to a garbage token", async () => {
        const result = await getApps("Bearer garbage");
        expect(result.status).toBe(401);
        expect(result.body).toMatchObject({
            code: "auth.unauthorized",
            message: "Unauthorized. Please check credentials and its scope.",
            data: { code: "ERR_JWS_INVALID", name: "JWSInvalid" },
        });
        expect(result.headers.get("www-authenticate")).toBeNull();
    });

    it("answers 401 ERR_JWS_SIGNATURE_VERIFICATION_FAILED to a tampered token", async () => {
        const [header, payload, signature] = api().token.split(".") as [string, string, string];
        const middle = Math.floor(signature.length / 2);
        const flipped = signature.slice(0, middle) + (signature[middle] === "A" ? "B" : "A") + signature.slice(middle + 1);
        const result = await getApps(`Bearer ${header}.${payload}.${flipped}`);
        expect(result.status).toBe(401);
        expect(result.body.data).toMatchObject({ code: "ERR_JWS_SIGNATURE_VERIFICATION_FAILED" });
    });

    itLocalOnly("an expired token is minted with the TTL override", "answers 401 ERR_JWT_EXPIRED, with the decoded payload, to an expired token", async () => {
        const local = target().local!;
        local.setTokenTtlOverride(-10);
        let expired: string;
        try {
            expired = await accessToken(logto().endpoint, logto().bootstrap.appId, logto().bootstrap.appSecret, logto().managementIndicator, "all");
        } finally {
            local.setTokenTtlOverride(undefined);
        }
        const result = await getApps(`Bearer ${expired}`);
        expect(result.status).toBe(401);
        expect(result.body).toMatchObject({ code: "auth.unauthorized", data: { code: "ERR_JWT_EXPIRED", name: "JWTExpired", claim: "exp", reason: "check_failed" } });
        expect(result.body.data.payload).toMatchObject({ sub: logto().bootstrap.appId, scope: "all" });
    });

    it("answers 401 ERR_JWT_CLAIM_VALIDATION_FAILED on aud to a token for another resource", async () => {
        await api().post("/api/resources", { name: "other", indicator: target().indicator("other") });
        const token = await accessToken(logto().endpoint, logto().bootstrap.appId, logto().bootstrap.appSecret, target().indicator("other"), "all");
        const result = await getApps(`Bearer ${token}`);
        expect(result.status).toBe(401);
        expect(result.body.data).toMatchObject({ code: "ERR_JWT_CLAIM_VALIDATION_FAILED", claim: "aud" });
    });

    it("answers 401 to a token signed by another tenant's key", async () => {
        const other = await startLocalLogto({ port: 0 });
        try {
            const foreign = (await managementApi(other)).token;
            const result = await getApps(`Bearer ${foreign}`);
            expect(result.status).toBe(401);
            expect(result.body.code).toBe("auth.unauthorized");
        } finally {
            await other.close();
        }
    });

    it("answers 403 auth.forbidden to a Management API token without scope `all`", async () => {
        const noScope = await tokenRequest(logto().endpoint, { grant_type: "client_credentials", resource: logto().managementIndicator }, { id: logto().bootstrap.appId, secret: logto().bootstrap.appSecret });
        const result = await getApps(`Bearer ${noScope.body.access_token}`);
        expect(result.status).toBe(403);
        expect(result.body).toMatchObject({ code: "auth.forbidden" });
    });

    it("routes before the guard: an unknown path is 404 and a wrong method 405 without a token; a known route 401", async () => {
        const unknown = await httpRequest(`${logto().endpoint}/api/no-such-thing`);
        expect([unknown.status, unknown.text]).toEqual([404, "Not Found"]);
        expect((await httpRequest(`${logto().endpoint}/api/resources/x/scopes/y`)).status).toBe(405);
        expect((await httpRequest(`${logto().endpoint}/api/roles`)).status).toBe(401);
        expect((await api().get("/api/no-such-thing")).status).toBe(404);
    });

    it("guards before reading the body: a huge or malformed body without a token is 401", async () => {
        const post = (body: string) => httpRequest(`${logto().endpoint}/api/resources`, { method: "POST", headers: { "content-type": "application/json" }, body });
        expect((await post("{bad")).status).toBe(401);
        expect((await post(JSON.stringify({ name: "x".repeat(1_100_000) }))).status).toBe(401);
    });

    it("serves /api/swagger.json and /api/status without authentication", async () => {
        const swagger = await httpRequest(`${logto().endpoint}/api/swagger.json`);
        expect(swagger.status).toBe(200);
        expect(swagger.body.openapi).toBe("3.0.1");
        expect((await httpRequest(`${logto().endpoint}/api/status`)).status).toBe(204);
    });
});
