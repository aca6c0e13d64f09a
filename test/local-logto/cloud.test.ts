import { setTimeout as sleep } from "node:timers/promises";
import { closeHttpAgent } from "../../client";
import { agentFetch } from "../../client/http";
import { startLocalLogto, type LocalLogto } from "../../local-logto";
import { mapLogtoCloudToLoopback, unmapLogtoCloud } from "../support/cloudLoopback";
import { makeTestCertificates, type TestCertificates } from "../support/testCertificates";
import { httpRequest, managementApi } from "./support";

/**
 * What the local Logto emulates of Logto Cloud, beyond Logto OSS: 429 without Retry-After and the limiter's
 * window, plan quotas (403 `subscription.limit_exceeded`), HTTPS under a tenant's name. Local Logto only: these
 * are the double's knobs.
 */
describe("local Logto: Logto Cloud's rate limit and quotas (double only)", () => {
    let logto: LocalLogto;

    beforeAll(async () => {
        logto = await startLocalLogto({ port: 0, controlApi: true });
    });
    afterAll(async () => {
        await logto.close();
    });
    afterEach(() => {
        logto.faults.clear();
        logto.setQuotas({});
    });

    test("a 429 rule with retryAfterSeconds null sends no Retry-After; the default sends 1", async () => {
        const api = await managementApi(logto);
        logto.faults.set([{ kind: "429", route: "GET /api/resources", count: 1, retryAfterSeconds: null }]);
        const bare = await api.get("/api/resources");
        expect(bare.status).toBe(429);
        expect(bare.headers.get("retry-after")).toBeNull();
        logto.faults.set([{ kind: "429", route: "GET /api/resources", count: 1 }]);
        expect((await api.get("/api/resources")).headers.get("retry-after")).toBe("1");
    });

    test("windowMs: once fired, the rule strikes every matching request until the window ends", async () => {
        const api = await managementApi(logto);
        logto.faults.set([{ kind: "429", route: "GET /api/resources", count: 1, windowMs: 300, retryAfterSeconds: null }]);
        const inWindow = await Promise.all([1, 2, 3].map(() => api.get("/api/resources")));
        expect(inWindow.map((r) => r.status)).toEqual([429, 429, 429]);
        await sleep(400);
        // The window is over and `count` (1 window) is spent.
        expect((await api.get("/api/resources")).status).toBe(200);
    });

    test("a full quota refuses the create with Cloud's body, and nothing is created", async () => {
        const api = await managementApi(logto);
        const apps = (await api.get("/api/applications")).body as Array<{ type: string }>;
        const control = await httpRequest(`${logto.endpoint}/__local/quotas`, {
            method: "PUT",
            headers: { authorization: `Bearer ${logto.controlToken}`, "content-type": "application/json" },
            body: JSON.stringify({ machineToMachineLimit: apps.filter((a) => a.type === "MachineToMachine").length }),
        });
        expect(control.status).toBe(204);
        const refused = await api.post("/api/applications", { name: "over-quota", type: "MachineToMachine" });
        expect(refused.status).toBe(403);
        expect(refused.body).toEqual({ code: "subscription.limit_exceeded", message: "You have reached the limit of your subscription plan." });
        expect(((await api.get("/api/applications")).body as unknown[]).length).toBe(apps.length);
        // Another kind of app is not counted against the M2M quota.
        expect((await api.post("/api/applications", { name: "spa", type: "SPA" })).status).toBe(200);
    });

    test("quotas per resource and per role count that object's permissions", async () => {
        const api = await managementApi(logto);
        const resource = (await api.post("/api/resources", { name: "quota", indicator: "https://quota.example" })).body as { id: string };
        logto.setQuotas({ scopesPerResourceLimit: 1, scopesPerRoleLimit: 1 });
        const first = (await api.post(`/api/resources/${resource.id}/scopes`, { name: "a" })).body as { id: string };
        expect((await api.post(`/api/resources/${resource.id}/scopes`, { name: "b" })).status).toBe(403);
        logto.setQuotas({ scopesPerRoleLimit: 1 });
        const second = (await api.post(`/api/resources/${resource.id}/scopes`, { name: "b" })).body as { id: string };
        const role = (await api.post("/api/roles", { name: "quota-role", description: "d", type: "MachineToMachine" })).body as { id: string };
        expect((await api.post(`/api/roles/${role.id}/scopes`, { scopeIds: [first.id, second.id] })).status).toBe(403);
        expect((await api.get(`/api/roles/${role.id}/scopes`)).body).toEqual([]);
        expect((await api.post(`/api/roles/${role.id}/scopes`, { scopeIds: [first.id] })).status).toBe(201);
    });

    test("invalid quotas are refused by the control API", async () => {
        const response = await httpRequest(`${logto.endpoint}/__local/quotas`, {
            method: "PUT",
            headers: { authorization: `Bearer ${logto.controlToken}`, "content-type": "application/json" },
            body: JSON.stringify({ appsLimit: 3 }),
        });
        expect(response.status).toBe(400);
    });
});

describe("local Logto as a Logto Cloud tenant over HTTPS (double only)", () => {
    const tenant = "contract1";
    let certs: TestCertificates;
    let logto: LocalLogto;

    beforeAll(async () => {
        certs = makeTestCertificates([`${tenant}.logto.app`]);
        logto = await startLocalLogto({ port: 0, tls: { key: certs.key, cert: certs.cert }, tenantId: tenant });
        mapLogtoCloudToLoopback(logto.port, certs.caPem);
    });
    afterAll(async () => {
        await closeHttpAgent();
        unmapLogtoCloud();
        await logto?.close();
        certs?.cleanup();
    });

    test("the tenant's endpoint, indicator and issuer; its token works on its Management API", async () => {
        expect(logto.endpoint).toBe(`https://${tenant}.logto.app`);
        expect(logto.managementIndicator).toBe(`https://${tenant}.logto.app/api`);
        const config = await (await agentFetch(`${logto.endpoint}/oidc/.well-known/openid-configuration`)).json() as Record<string, unknown>;
        expect(config).toMatchObject({ issuer: `https://${tenant}.logto.app/oidc`, token_endpoint: `https://${tenant}.logto.app/oidc/token` });
        const body = new URLSearchParams({ grant_type: "client_credentials", resource: logto.managementIndicator, scope: "all" });
        const tokenResponse = await agentFetch(`${logto.endpoint}/oidc/token`, {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${Buffer.from(`${logto.bootstrap.appId}:${logto.bootstrap.appSecret}`).toString("base64")}` },
            body: body.toString(),
        });
        expect(tokenResponse.status).toBe(200);
        const { access_token: token } = await tokenResponse.json() as { access_token: string };
        const resources = await (await agentFetch(`${logto.endpoint}/api/resources`, { headers: { authorization: `Bearer ${token}` } })).json() as Array<{ indicator: string }>;
        expect(resources.map((r) => r.indicator)).toEqual([`https://${tenant}.logto.app/api`]);
    });

    test("the certificate is verified: another name under logto.app is refused", async () => {
        const error = await agentFetch("https://othertenant.logto.app/api/status").then(() => undefined, (e: unknown) => e);
        expect(String((error as Error & { cause?: unknown })?.cause ?? error)).toMatch(/altnames|ERR_TLS_CERT_ALTNAME_INVALID|Hostname\/IP does not match/i);
    });

    test("a tenant without tls is refused at start", async () => {
        await expect(startLocalLogto({ port: 0, tenantId: tenant })).rejects.toThrow(/tenantId \(Logto Cloud mode\) needs tls/);
    });
});
