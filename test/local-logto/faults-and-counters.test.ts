import { startLocalLogto, type FaultRule } from "../../local-logto";
import { httpRequest, managementApi, tokenRequest, useLocalLogto } from "./support";
import { describeLocalOnly } from "./target";

describeLocalOnly("request counters are the local Logto's", "request counters", () => {
    const { logto, api } = useLocalLogto();

    it("count token requests apart, and API requests by method and route pattern with ids as placeholders", async () => {
        logto().counters.reset();
        const role = (await api().post("/api/roles", { name: "counted", description: "d", type: "MachineToMachine" })).body;
        await api().get(`/api/roles/${role.id}`);
        await api().get(`/api/roles/${role.id}/scopes`);
        await api().get("/api/roles/unknown-id/scopes");
        await tokenRequest(logto().endpoint, { grant_type: "client_credentials", resource: logto().managementIndicator }, { id: logto().bootstrap.appId, secret: logto().bootstrap.appSecret });
        expect(logto().counters.snapshot()).toEqual({
            token: 1,
            api: 4,
            byRoute: { "POST /api/roles": 1, "GET /api/roles/:id": 1, "GET /api/roles/:id/scopes": 2 },
        });
    });

    it("count requests refused by the guard too (the client sent them)", async () => {
        logto().counters.reset();
        await httpRequest(`${logto().endpoint}/api/applications`);
        expect(logto().counters.snapshot()).toEqual({ token: 0, api: 1, byRoute: { "GET /api/applications": 1 } });
    });

    it("reset to zero", async () => {
        await api().get("/api/resources");
        logto().counters.reset();
        expect(logto().counters.snapshot()).toEqual({ token: 0, api: 0, byRoute: {} });
    });
});

describeLocalOnly("fault injection is the local Logto's", "fault injection", () => {
    const { logto, api } = useLocalLogto();
    const createRole = (name: string) => api().post("/api/roles", { name, description: "d", type: "MachineToMachine" });
    const roleExists = async (name: string) => (await api().get(`/api/roles?search=${encodeURIComponent(name)}`)).body.length === 1;
    afterEach(() => logto().faults.clear());

    it("429 with Retry-After on the first N matching requests only (count)", async () => {
        logto().faults.set([{ kind: "429", route: "POST /api/roles", count: 2, retryAfterSeconds: 7 }]);
        const first = await createRole("limited");
        expect(first.status).toBe(429);
        expect(first.headers.get("retry-after")).toBe("7");
        expect((await createRole("limited")).status).toBe(429);
        expect((await createRole("limited")).status).toBe(200);
        // Other routes are untouched.
        expect((await api().get("/api/roles")).status).toBe(200);
    });

    it("every nth matching request (nth), by route pattern for any method", async () => {
        logto().faults.set([{ kind: "503", route: "/api/resources", nth: 3 }]);
        const statuses = [];
        for (let i = 0; i < 6; i++) statuses.push((await api().get("/api/resources")).status);
        expect(statuses).toEqual([200, 200, 503, 200, 200, 503]);
    });

    it.each([
        ["500", 500],
        ["502", 502],
        ["503", 503],
    ] as const)("%s answers that status without handling the request", async (kind, status) => {
        logto().faults.set([{ kind, method: "POST", route: "/api/roles", count: 1 }]);
        const result = await createRole(`fault-${kind}`);
        expect(result.status).toBe(status);
        expect(await roleExists(`fault-${kind}`)).toBe(false);
    });

    it('drop "before": the connection is closed without an answer and nothing is written', async () => {
        logto().faults.set([{ kind: "drop", route: "POST /api/roles", count: 1 }]);
        await expect(createRole("dropped-before")).rejects.toThrow();
        expect(await roleExists("dropped-before")).toBe(false);
    });

    it('drop "after": the write is applied but the client never hears back (a lost create response)', async () => {
        logto().faults.set([{ kind: "drop", route: "POST /api/roles", count: 1, when: "after" }]);
        await expect(createRole("dropped-after")).rejects.toThrow();
        expect(await roleExists("dropped-after")).toBe(true);
    });

    it('a 5xx "after" commits the write, then answers the error', async () => {
        logto().faults.set([{ kind: "502", route: "POST /api/roles", count: 1, when: "after" }]);
        expect((await createRole("bad-gateway-after")).status).toBe(502);
        expect(await roleExists("bad-gateway-after")).toBe(true);
    });

    it("latency delays matching requests", async () => {
        logto().faults.set([{ kind: "latency", route: "GET /api/resources", latencyMs: 300 }]);
        const started = Date.now();
        expect((await api().get("/api/resources")).status).toBe(200);
        expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    });

    it('applies to the token endpoint with route "token"', async () => {
        logto().faults.set([{ kind: "503", route: "token", count: 1 }]);
        const ask = () => tokenRequest(logto().endpoint, { grant_type: "client_credentials", resource: logto().managementIndicator }, { id: logto().bootstrap.appId, secret: logto().bootstrap.appSecret });
        expect((await ask()).status).toBe(503);
        expect((await ask()).status).toBe(200);
    });

    it("rate draws from a seeded PRNG: the same rules replay the same faults", async () => {
        const rules: FaultRule[] = [{ kind: "500", route: "GET /api/resources", rate: 0.5, seed: 42 }];
        const run = async () => {
            logto().faults.set(rules);
            const statuses = [];
            for (let i = 0; i < 20; i++) statuses.push((await api().get("/api/resources")).status);
            return statuses;
        };
        const first = await run();
        expect(await run()).toEqual(first);
        expect(first).toContain(500);
        expect(first).toContain(200);
    });

    it("faults every route when the rule has no route or method", async () => {
        logto().faults.set([{ kind: "503" }]);
        expect((await api().get("/api/applications")).status).toBe(503);
        expect((await httpRequest(`${logto().endpoint}/oidc/jwks`)).status).toBe(503);
    });

    it("can be given at start", async () => {
        const faulty = await startLocalLogto({ port: 0, faults: [{ kind: "503", route: "GET /api/resources", count: 1 }] });
        try {
            const faultyApi = await managementApi(faulty);
            expect((await faultyApi.get("/api/resources")).status).toBe(503);
            expect((await faultyApi.get("/api/resources")).status).toBe(200);
        } finally {
            await faulty.close();
        }
    });
});

describeLocalOnly("the control API is the local Logto's", "control API over HTTP", () => {
    const { logto, api } = useLocalLogto({ controlApi: true });
    const control = (method: string, path: string, body?: unknown) =>
        httpRequest(`${logto().endpoint}/__local/${path}`, {
            method,
            headers: { authorization: `Bearer ${logto().controlToken}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
            body: body === undefined ? undefined : JSON.stringify(body),
        });

    it("reads counters (GET) and answers then resets them (POST); control calls are not counted", async () => {
        await control("POST", "counters");
        await api().get("/api/resources");
        expect((await control("GET", "counters")).body).toEqual({ token: 0, api: 1, byRoute: { "GET /api/resources": 1 } });
        expect((await control("POST", "counters")).body.api).toBe(1);
        expect((await control("GET", "counters")).body).toEqual({ token: 0, api: 0, byRoute: {} });
    });

    it("sets faults (PUT), which never hit control routes, and clears them (DELETE)", async () => {
        expect((await control("PUT", "faults", [{ kind: "503" }])).status).toBe(204);
        expect((await api().get("/api/resources")).status).toBe(503);
        expect((await control("GET", "counters")).status).toBe(200);
        expect((await control("DELETE", "faults")).status).toBe(204);
        expect((await api().get("/api/resources")).status).toBe(200);
    });

    it("refuses invalid fault rules with 400", async () => {
        expect((await control("PUT", "faults", [{ kind: "418" }])).status).toBe(400);
        expect((await control("PUT", "faults", { kind: "503" })).status).toBe(400);
    });

    it("sets and clears the token lifetime override", async () => {
        const ask = async () => (await tokenRequest(logto().endpoint, { grant_type: "client_credentials", resource: logto().managementIndicator }, { id: logto().bootstrap.appId, secret: logto().bootstrap.appSecret })).body.expires_in;
        expect((await control("PUT", "token-ttl", { seconds: 3 })).status).toBe(204);
        expect(await ask()).toBe(3);
        await control("PUT", "token-ttl", { seconds: null });
        expect(await ask()).toBe(3600);
    });

    it("is off by default, and the environment cannot switch it on", async () => {
        process.env.LOCAL_LOGTO_CONTROL = "1";
        let plain;
        try {
            plain = await startLocalLogto({ port: 0 });
        } finally {
            delete process.env.LOCAL_LOGTO_CONTROL;
        }
        try {
            expect(plain.controlToken).toBeUndefined();
            expect((await httpRequest(`${plain.endpoint}/__local/counters`)).status).toBe(404);
            expect((await httpRequest(`${plain.endpoint}/__local/bootstrap`)).text).not.toContain(plain.bootstrap.appSecret);
        } finally {
            await plain.close();
        }
    });

    it("answers nothing without its token: no bootstrap secret, no counters, no faults", async () => {
        const wrong = { authorization: "Bearer not-the-token" };
        for (const headers of [{}, wrong, { authorization: `Basic ${logto().controlToken}` }]) {
            const bootstrap = await httpRequest(`${logto().endpoint}/__local/bootstrap`, { headers });
            expect(bootstrap.status).toBe(401);
            expect(bootstrap.text).not.toContain(logto().bootstrap.appSecret);
            expect((await httpRequest(`${logto().endpoint}/__local/faults`, { method: "PUT", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify([{ kind: "503" }]) })).status).toBe(401);
        }
        expect((await api().get("/api/resources")).status).toBe(200);
        expect((await control("GET", "bootstrap")).body).toEqual(logto().bootstrap);
        expect(logto().controlToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    });
});
