import { ConnectionSettingsError, connectionFromEnv, resolveConnection } from "../../client/settings";

const secret = "very-secret-value-42";

function failure(input: unknown): ConnectionSettingsError {
    try {
        resolveConnection(input);
    } catch (error) {
        if (error instanceof ConnectionSettingsError) return error;
        throw error;
    }
    throw new Error("expected the settings to be refused");
}

describe("connection settings", () => {
    test("self-hosted: the default indicator and the derived URLs, trailing slashes dropped", () => {
        expect(resolveConnection({ endpoint: "https://auth.example.com//", appId: "id1", appSecret: secret })).toEqual({
            endpoint: "https://auth.example.com",
            appId: "id1",
            appSecret: secret,
            managementIndicator: "https://default.logto.app/api",
            tokenEndpoint: "https://auth.example.com/oidc/token",
            apiBase: "https://auth.example.com/api",
        });
    });

    test("Logto Cloud: the tenant's indicator", () => {
        const conn = resolveConnection({ endpoint: "https://abc123.logto.app/", tenantId: "abc123", appId: "id1", appSecret: secret });
        expect(conn.managementIndicator).toBe("https://abc123.logto.app/api");
        expect(conn.tokenEndpoint).toBe("https://abc123.logto.app/oidc/token");
    });

    test("an explicit management indicator wins", () => {
        const conn = resolveConnection({ endpoint: "http://127.0.0.1:3001", appId: "id1", appSecret: secret, managementIndicator: "https://admin.logto.app/api" });
        expect(conn.managementIndicator).toBe("https://admin.logto.app/api");
    });

    test("Logto Cloud with a custom domain is refused, telling which endpoint to use", () => {
        const error = failure({ endpoint: "https://auth.example.com", tenantId: "abc123", appId: "id1", appSecret: secret });
        expect(error.issues).toEqual([{ field: "endpoint", message: expect.stringContaining("use https://abc123.logto.app") }]);
        expect(error.message).toMatch(/custom domains cannot/);
    });

    test("Logto Cloud over plain http is refused", () => {
        expect(failure({ endpoint: "http://abc123.logto.app", tenantId: "abc123", appId: "id1", appSecret: secret }).issues[0]!.field).toBe("endpoint");
    });

    test("errors name every bad field", () => {
        const error = failure({ endpoint: "not a url", appId: "", appSecret: "" });
        expect(error.issues.map((i) => i.field).sort()).toEqual(["appId", "appSecret", "endpoint"]);
        expect(error.message).toMatch(/^invalid Logto connection settings: /);
    });

    test("an endpoint with a query or credentials is refused", () => {
        expect(failure({ endpoint: "https://a.example/?x=1", appId: "id", appSecret: secret }).issues[0]!.field).toBe("endpoint");
        expect(failure({ endpoint: `https://u:${secret}@a.example`, appId: "id", appSecret: secret }).message).not.toContain(secret);
    });

    test("an unusable management indicator is refused", () => {
        expect(failure({ endpoint: "https://a.example", appId: "id", appSecret: secret, managementIndicator: "no uri" }).issues[0]!.field).toBe("managementIndicator");
    });

    test("the secret never appears in an error", () => {
        const error = failure({ endpoint: "https://auth.example.com", tenantId: "abc123", appId: 7, appSecret: secret });
        expect(error.message).not.toContain(secret);
        expect(JSON.stringify(error.issues)).not.toContain(secret);
    });
});

describe("connection from the environment", () => {
    test("reads the LOGTO_* variables", () => {
        expect(connectionFromEnv({ LOGTO_ENDPOINT: "https://abc123.logto.app", LOGTO_TENANT_ID: "abc123", LOGTO_APP_ID: "id1", LOGTO_APP_SECRET: secret })).toEqual({
            endpoint: "https://abc123.logto.app", tenantId: "abc123", appId: "id1", appSecret: secret,
        });
    });

    test("names the missing variables; empty ones count as missing", () => {
        expect(() => connectionFromEnv({ LOGTO_ENDPOINT: "https://a.example", LOGTO_APP_ID: " " }))
            .toThrow(/LOGTO_APP_ID \(appId\): required.*LOGTO_APP_SECRET \(appSecret\): required/);
    });
});

describe("plain http", () => {
    const settings = (endpoint: string, extra: Record<string, unknown> = {}) => ({ endpoint, appId: "id1", appSecret: secret, ...extra });

    test.each(["http://auth.example.com", "http://192.0.2.10:3001", "http://[fd00::2]:3001", "http://10.0.0.1", "http://127.0.0.1.nip.io"])(
        "to %s (not a loopback address) is refused, saying why and which setting allows it", (endpoint) => {
            const error = failure(settings(endpoint));
            expect(error.issues).toEqual([{ field: "endpoint", message: expect.stringContaining("unencrypted") }]);
            expect(error.message).toMatch(/bootstrap app's secret .* unencrypted: use https:\/\/, or allow http:\/\/ explicitly with logto:allowInsecureHttp=true \(env LOGTO_ALLOW_INSECURE_HTTP=true\)/);
        });

    test.each(["http://localhost:3001", "http://LOCALHOST", "http://127.0.0.1:3001", "http://127.10.20.30", "http://127.1", "http://[::1]:3001"])(
        "to the loopback address %s is allowed", (endpoint) => {
            expect(resolveConnection(settings(endpoint)).endpoint).toMatch(/^http:\/\//);
        });

    test("to another host is allowed when allowInsecureHttp says so (true, or \"true\" as config and env give it)", () => {
        expect(resolveConnection(settings("http://auth.example.com", { allowInsecureHttp: true })).allowInsecureHttp).toBe(true);
        expect(resolveConnection(settings("http://auth.example.com", { allowInsecureHttp: "true" })).endpoint).toBe("http://auth.example.com");
        expect(failure(settings("http://auth.example.com", { allowInsecureHttp: "false" })).issues[0]!.field).toBe("endpoint");
        expect(failure(settings("https://auth.example.com", { allowInsecureHttp: "maybe" })).issues).toEqual([{ field: "allowInsecureHttp", message: "must be true or false" }]);
    });

    test("LOGTO_ALLOW_INSECURE_HTTP allows it from the environment; without it, the error names LOGTO_ENDPOINT", () => {
        const env = { LOGTO_ENDPOINT: "http://auth.example.com", LOGTO_APP_ID: "id1", LOGTO_APP_SECRET: secret };
        expect(() => connectionFromEnv(env)).toThrow(/LOGTO_ENDPOINT \(endpoint\): plain http:\/\/ would send/);
        expect(connectionFromEnv({ ...env, LOGTO_ALLOW_INSECURE_HTTP: "true" })).toEqual({
            endpoint: "http://auth.example.com", appId: "id1", appSecret: secret, allowInsecureHttp: true,
        });
    });
});
