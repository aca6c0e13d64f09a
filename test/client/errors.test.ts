import { z } from "zod";
import { LogtoApiError, LogtoResponseShapeError, tokenErrorFor } from "../../client/errors";
import { apiErrorFromResponse, classifyNetworkError, type HttpResponse } from "../../client/http";
import { applicationSecretListSchema, parseResponse, roleListSchema } from "../../client/schemas";

function response(status: number, body: unknown, attempts = 1): HttpResponse {
    return { status, headers: {}, body: typeof body === "string" ? body : JSON.stringify(body), attempts };
}

describe("API errors", () => {
    test("carry status, Logto code, method and path, and say them in the message", () => {
        const error = apiErrorFromResponse("POST", "/api/roles", response(422, { code: "role.name_in_use", message: "This role name readers is already in use" }));
        expect(error).toBeInstanceOf(LogtoApiError);
        expect(error).toMatchObject({ status: 422, code: "role.name_in_use", method: "POST", path: "/api/roles", isConflict: true, isNotFound: false });
        expect(error.message).toBe("Logto POST /api/roles failed with 422 role.name_in_use: This role name readers is already in use");
    });

    test("a 404 is recognisable without reading the message", () => {
        const error = apiErrorFromResponse("GET", "/api/roles/x", response(404, { code: "entity.not_exists_with_id", message: "The roles with ID `x` does not exist." }));
        expect(error.isNotFound).toBe(true);
    });

    test("a body that is not Logto's JSON gives an error without a code", () => {
        const error = apiErrorFromResponse("GET", "/api/resources", response(502, "<html>Bad Gateway</html>", 6));
        expect(error.code).toBeUndefined();
        expect(error.status).toBe(502);
        expect(error.message).toBe("Logto GET /api/resources failed with 502 (after 6 attempts)");
    });

    test("a missing `all` scope says which role to give the app", () => {
        const error = apiErrorFromResponse("GET", "/api/roles", response(403, { code: "auth.forbidden", message: "Forbidden" }));
        expect(error.message).toMatch(/Logto Management API access/);
    });
});

describe("token errors", () => {
    const base = { tokenEndpoint: "https://t1.logto.app/oidc/token", appId: "app123", resource: "https://t1.logto.app/api" };

    test("invalid_client says to check the App ID and secret", () => {
        const error = tokenErrorFor({ ...base, status: 401, oidcError: "invalid_client", description: "client authentication failed" });
        expect(error).toMatchObject({ status: 401, oidcError: "invalid_client" });
        expect(error.message).toMatch(/check the App ID and App Secret/);
    });

    test("an expired App Secret (400 invalid_request, as Logto answers it) says to give the app a new secret", () => {
        const error = tokenErrorFor({ ...base, status: 400, oidcError: "invalid_request", description: "client secret has expired" });
        expect(error.message).toMatch(/App Secret has expired: give the app a new secret/);
    });

    test("invalid_target points at the management indicator and tenant", () => {
        const error = tokenErrorFor({ ...base, status: 400, oidcError: "invalid_target" });
        expect(error.message).toMatch(/management indicator and the tenant/);
        expect(error.message).toContain("https://t1.logto.app/api");
    });
});

describe("response shapes", () => {
    test("a missing field names the endpoint and the field path", () => {
        const roles = [{ id: "r1", name: "a", description: "d", type: "MachineToMachine" }, { id: "r2", description: "d", type: "User" }];
        let caught: unknown;
        try {
            parseResponse(roleListSchema, roles, "GET /api/roles");
        } catch (error) {
            caught = error;
        }
        expect(caught).toBeInstanceOf(LogtoResponseShapeError);
        expect(caught).toMatchObject({ endpoint: "GET /api/roles", field: "1.name" });
        expect((caught as Error).message).toMatch(/^unexpected response from Logto GET \/api\/roles: field 1\.name: /);
    });

    test("extra fields are accepted", () => {
        const roles = parseResponse(roleListSchema, [{ id: "r1", name: "a", description: "d", type: "User", usersCount: 3 }], "GET /api/roles");
        expect(roles[0]).toEqual({ id: "r1", name: "a", description: "d", type: "User" });
    });

    test("a shape error never shows a value, not even a secret's", () => {
        const secrets = [{ name: "ci", value: "s3cr3t-value", createdAt: "yesterday", expiresAt: null }];
        expect(() => parseResponse(applicationSecretListSchema, secrets, "GET /api/applications/a/secrets")).toThrow(/field 0\.createdAt/);
        let caught: unknown;
        try {
            parseResponse(z.object({ value: z.number() }), { value: "s3cr3t-value" }, "GET /x");
        } catch (error) {
            caught = error;
        }
        expect(caught).toBeInstanceOf(LogtoResponseShapeError);
        expect((caught as Error).message).toMatch(/field value/);
        expect((caught as Error).message).not.toContain("s3cr3t");
    });
});

describe("network failures", () => {
    const withCode = (code: string, wrapped = false): Error => {
        const inner = Object.assign(new Error("boom"), { code });
        return wrapped ? new TypeError("fetch failed", { cause: inner }) : inner;
    };

    test("failures before sending are always safe to retry", () => {
        expect(classifyNetworkError(withCode("ECONNREFUSED"))).toBe("not-sent");
        expect(classifyNetworkError(withCode("UND_ERR_CONNECT_TIMEOUT", true))).toBe("not-sent");
    });

    test("resets and timeouts after sending leave the outcome open", () => {
        expect(classifyNetworkError(withCode("UND_ERR_SOCKET"))).toBe("maybe-sent");
        expect(classifyNetworkError(withCode("ECONNRESET", true))).toBe("maybe-sent");
        expect(classifyNetworkError(withCode("UND_ERR_HEADERS_TIMEOUT"))).toBe("maybe-sent");
    });

    test("anything else is not retried", () => {
        expect(classifyNetworkError(new Error("bug"))).toBe("fatal");
        expect(classifyNetworkError(withCode("UND_ERR_INVALID_ARG"))).toBe("fatal");
    });
});
