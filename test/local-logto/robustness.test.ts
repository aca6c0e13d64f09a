import { request as rawRequest } from "node:http";
import { httpRequest, tokenRequest } from "./support";
import { useContractTarget } from "./target";

describe("bad input never crashes the server", () => {
    const target = useContractTarget();
    const logto = target;
    const api = () => target().api;
    const send = (method: string, path: string, body: string | Buffer, contentType = "application/json") =>
        httpRequest(`${logto().endpoint}${path}`, { method, headers: { authorization: `Bearer ${api().token}`, "content-type": contentType }, body });

    afterEach(async () => {
        // Whatever the test sent, the server still answers.
        expect((await httpRequest(`${logto().endpoint}/api/status`)).status).toBe(204);
    });

    it("answers malformed JSON with 400 and only a message", async () => {
        const result = await send("POST", "/api/resources", "{not json");
        expect(result.status).toBe(400);
        expect(Object.keys(result.body)).toEqual(["message"]);
    });

    it("treats a body of another content type as empty: 400 guard.invalid_input", async () => {
        const result = await send("POST", "/api/resources", "name=x&indicator=y", "text/plain");
        expect(result.status).toBe(400);
        expect(result.body.code).toBe("guard.invalid_input");
    });

    it('refuses a body over 1 MB with 404 "Not Found" (as Logto 1.42 does), creating nothing', async () => {
        const huge = JSON.stringify({ name: "x".repeat(1_100_000), indicator: target().indicator("huge") });
        const result = await send("POST", "/api/resources", huge);
        expect(result.status).toBe(404);
        expect(result.text).toBe("Not Found");
        expect((await api().get("/api/resources")).body.some((r: { indicator: string }) => r.indicator === target().indicator("huge"))).toBe(false);
    });

    it("refuses a huge token request the same way", async () => {
        const result = await httpRequest(`${logto().endpoint}/oidc/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: `scope=${"a".repeat(1_100_000)}` });
        expect(result.status).toBe(404);
        expect(result.text).toBe("Not Found");
    });

    it("answers wrong types with 400 guard.invalid_input and details naming each field", async () => {
        const result = await send("POST", "/api/roles", JSON.stringify({ name: 42, description: ["x"], type: "MachineToMachine" }));
        expect(result.status).toBe(400);
        expect(result.body).toMatchObject({ code: "guard.invalid_input", message: "The request body is invalid." });
        expect(result.body.data.issues.map((i: { path: string[] }) => i.path.join("."))).toEqual(["name", "description"]);
        expect(result.body.details).toContain('"name"');
        expect(result.body.details).toContain('"description"');
    });

    it("answers a JSON array body with 400 guard.invalid_input", async () => {
        const result = await send("POST", "/api/applications", "[]");
        expect(result.status).toBe(400);
        expect(result.body.code).toBe("guard.invalid_input");
    });

    it.each(["null", '"text"', "42"])("answers a JSON body %s (neither object nor array) with 400 and only a message", async (body) => {
        const result = await send("POST", "/api/applications", body);
        expect(result.status).toBe(400);
        expect(result.body).toEqual({ message: "invalid JSON, only supports object and array" });
    });

    it("answers unknown ids and malformed escapes with 404", async () => {
        expect((await api().get("/api/roles/does-not-exist/scopes")).status).toBe(404);
        expect((await api().get("/api/applications/%E0%A4%A")).status).toBe(404);
        expect((await api().delete("/api/applications/x/secrets/%zz")).status).toBe(404);
    });

    it("answers a malformed token request body with OIDC errors", async () => {
        const result = await httpRequest(`${logto().endpoint}/oidc/token`, { method: "POST", headers: { "content-type": "application/json" }, body: "{oops" });
        expect(result.status).toBe(400);
        expect(result.body.error).toBe("invalid_request");
        const badBasic = await httpRequest(`${logto().endpoint}/oidc/token`, { method: "POST", headers: { authorization: "Basic !!!", "content-type": "application/x-www-form-urlencoded" }, body: "grant_type=client_credentials" });
        expect(badBasic.status).toBe(400);
        expect(badBasic.body.error).toBe("invalid_request");
    });

    it("survives a client that disconnects mid-body", async () => {
        await new Promise<void>((resolve) => {
            const url = new URL(`${logto().endpoint}/api/resources`);
            const req = rawRequest({ host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { "content-type": "application/json", "content-length": "1000" } });
            req.on("error", () => resolve());
            req.write('{"name":');
            setTimeout(() => {
                req.destroy();
                resolve();
            }, 50);
        });
    });
});

describe("concurrency", () => {
    const target = useContractTarget();
    const logto = target;
    const api = () => target().api;
    const n = (base: string) => target().name(base);

    it("handles 300 simultaneous creates and token requests, each applied exactly once", async () => {
        const creates = Array.from({ length: 200 }, (_, i) => api().post("/api/roles", { name: n(`concurrent-${i}`), description: "d", type: "MachineToMachine" }));
        const tokens = Array.from({ length: 100 }, () =>
            tokenRequest(logto().endpoint, { grant_type: "client_credentials", resource: logto().managementIndicator, scope: "all" }, { id: logto().bootstrap.appId, secret: logto().bootstrap.appSecret }),
        );
        const [created, issued] = await Promise.all([Promise.all(creates), Promise.all(tokens)]);
        expect(created.every((r) => r.status === 200)).toBe(true);
        expect(issued.every((r) => r.status === 200 && r.body.scope === "all")).toBe(true);
        const listed = await api().get(`/api/roles?search=${encodeURIComponent(n("concurrent-%"))}&page_size=100`);
        expect(listed.headers.get("total-number")).toBe("200");
    });

    it("lets exactly one of 50 simultaneous creates of the same role name win; each other gets 422 role.name_in_use or, from Logto's race, 500", async () => {
        const results = await Promise.all(Array.from({ length: 50 }, () => api().post("/api/roles", { name: n("contended"), description: "d" })));
        expect(results.filter((r) => r.status === 200)).toHaveLength(1);
        const lost = results.filter((r) => r.status !== 200).map((r) => (r.status === 422 ? r.body.code : r.status === 500 ? r.body.message : `${r.status} ${r.text}`));
        expect(lost.filter((answer) => answer !== "role.name_in_use" && answer !== "Internal server error.")).toEqual([]);
        expect((await api().get(`/api/roles?search=${n("contended")}`)).body).toHaveLength(1);
    });
});
