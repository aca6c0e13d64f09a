import { useContractTarget } from "./target";

describe("API resources /api/resources", () => {
    const target = useContractTarget();
    const api = () => target().api;
    const ind = (base: string) => target().indicator(base);

    describe("the seeded Management API resource", () => {
        it("is listed, with id management-api, its one scope `all` (management-api-all) and a 3600 s TTL", async () => {
            const resources = (await api().get("/api/resources?includeScopes=true")).body;
            const management = resources.find((r: { indicator: string }) => r.indicator === "https://default.logto.app/api");
            expect(management).toMatchObject({ id: "management-api", accessTokenTtl: 3600, isDefault: false });
            expect(management.scopes).toEqual([expect.objectContaining({ id: "management-api-all", name: "all", resourceId: "management-api" })]);
        });

        it("cannot be modified, deleted or given scopes (400)", async () => {
            expect((await api().patch("/api/resources/management-api", { name: "x" })).body.code).toBe("resource.cannot_modify_management_api");
            const deleted = await api().delete("/api/resources/management-api");
            expect(deleted.status).toBe(400);
            expect(deleted.body.code).toBe("resource.cannot_delete_management_api");
            const scope = await api().post("/api/resources/management-api/scopes", { name: "extra" });
            expect(scope.status).toBe(400);
            expect(scope.body.code).toBe("resource.cannot_modify_management_api");
        });
    });

    describe("create", () => {
        it("answers 201 with the resource, scopes: [] and the default TTL 3600, ignoring unknown fields", async () => {
            const result = await api().post("/api/resources", { name: "Create test", indicator: ind("create"), unknownField: 1 });
            expect(result.status).toBe(201);
            expect(result.body).toEqual({
                tenantId: "default",
                id: expect.stringMatching(/^[a-z0-9]{21}$/),
                name: "Create test",
                indicator: ind("create"),
                isDefault: false,
                accessTokenTtl: 3600,
                scopes: [],
            });
        });

        it("refuses a duplicate indicator with 422 resource.resource_identifier_in_use, but a trailing slash is another indicator", async () => {
            await api().post("/api/resources", { name: "a", indicator: ind("dup") });
            const dup = await api().post("/api/resources", { name: "b", indicator: ind("dup") });
            expect(dup.status).toBe(422);
            expect(dup.body).toMatchObject({ code: "resource.resource_identifier_in_use", message: `The API identifier ${ind("dup")} is already in use` });
            expect((await api().post("/api/resources", { name: "c", indicator: `${ind("dup")}/` })).status).toBe(201);
        });

        it("accepts what Logto accepts: non-URI indicators, TTL 0 and negative, duplicate and very long names", async () => {
            expect((await api().post("/api/resources", { name: "n", indicator: `not a uri ${target().runId}` })).status).toBe(201);
            expect((await api().post("/api/resources", { name: "n", indicator: `urn:foo:${target().runId}`, accessTokenTtl: 0 })).body.accessTokenTtl).toBe(0);
            expect((await api().post("/api/resources", { name: "x".repeat(20_000), indicator: ind("long"), accessTokenTtl: -5 })).status).toBe(201);
        });

        it("answers 400 guard.invalid_input for an empty name or a string TTL", async () => {
            const empty = await api().post("/api/resources", { name: "", indicator: ind("empty") });
            expect(empty.status).toBe(400);
            expect(empty.body).toMatchObject({ code: "guard.invalid_input", data: { issues: [expect.objectContaining({ path: ["name"] })] } });
            expect(empty.body.details).toEqual(expect.stringContaining("name"));
            const ttl = await api().post("/api/resources", { name: "t", indicator: ind("ttl"), accessTokenTtl: "60" });
            expect(ttl.status).toBe(400);
            expect(ttl.body.code).toBe("guard.invalid_input");
        });
    });

    describe("read, update, delete", () => {
        it("GET of one resource has no scopes field; an unknown id is 404 entity.not_exists_with_id", async () => {
            const created = (await api().post("/api/resources", { name: "r", indicator: ind("get") })).body;
            const got = await api().get(`/api/resources/${created.id}`);
            expect(got.status).toBe(200);
            expect(got.body).not.toHaveProperty("scopes");
            const missing = await api().get("/api/resources/nope");
            expect(missing.status).toBe(404);
            expect(missing.body).toEqual({ code: "entity.not_exists_with_id", message: "The resources with ID `nope` does not exist." });
        });

        it("PATCH changes name and accessTokenTtl but silently keeps the indicator", async () => {
            const created = (await api().post("/api/resources", { name: "p", indicator: ind("patch") })).body;
            const patched = await api().patch(`/api/resources/${created.id}`, { name: "renamed", accessTokenTtl: 60, indicator: ind("changed") });
            expect(patched.status).toBe(200);
            expect(patched.body).toMatchObject({ name: "renamed", accessTokenTtl: 60, indicator: ind("patch") });
        });

        it("PATCH with only ignored fields answers 422 entity.invalid_input", async () => {
            const created = (await api().post("/api/resources", { name: "p", indicator: ind("patch-empty") })).body;
            const result = await api().patch(`/api/resources/${created.id}`, { indicator: ind("other") });
            expect(result.status).toBe(422);
            expect(result.body).toEqual({ code: "entity.invalid_input", message: "Invalid input. Value list must not be empty." });
        });

        it("PATCH of an unknown id is 404", async () => {
            expect((await api().patch("/api/resources/nope", { name: "x" })).body.code).toBe("entity.not_exists_with_id");
        });

        it("PATCH /is-default makes one resource the default", async () => {
            const a = (await api().post("/api/resources", { name: "a", indicator: ind("default-a") })).body;
            const b = (await api().post("/api/resources", { name: "b", indicator: ind("default-b") })).body;
            // A shared tenant has one default resource: put back the one there was.
            const before = ((await api().get("/api/resources")).body as Array<{ id: string; isDefault: boolean }>).find((r) => r.isDefault);
            try {
                await api().patch(`/api/resources/${a.id}/is-default`, { isDefault: true });
                expect((await api().patch(`/api/resources/${b.id}/is-default`, { isDefault: true })).body.isDefault).toBe(true);
                expect((await api().get(`/api/resources/${a.id}`)).body.isDefault).toBe(false);
            } finally {
                if (before) await api().patch(`/api/resources/${before.id}/is-default`, { isDefault: true });
                else await api().patch(`/api/resources/${b.id}/is-default`, { isDefault: false });
            }
        });

        it("DELETE answers 204, then 404; the resource's permissions vanish from roles, which stay", async () => {
            const resource = (await api().post("/api/resources", { name: "d", indicator: ind("delete") })).body;
            const scope = (await api().post(`/api/resources/${resource.id}/scopes`, { name: "read" })).body;
            const role = (await api().post("/api/roles", { name: target().name("delete-cascade"), description: "d", type: "MachineToMachine", scopeIds: [scope.id] })).body;
            expect((await api().get(`/api/roles/${role.id}/scopes`)).body).toHaveLength(1);
            const deleted = await api().delete(`/api/resources/${resource.id}`);
            expect(deleted.status).toBe(204);
            expect(deleted.text).toBe("");
            expect((await api().delete(`/api/resources/${resource.id}`)).body.code).toBe("entity.not_exists_with_id");
            expect((await api().get(`/api/roles/${role.id}`)).status).toBe(200);
            expect((await api().get(`/api/roles/${role.id}/scopes`)).body).toEqual([]);
        });
    });

    describe("scopes (permissions)", () => {
        let resourceId: string;
        beforeAll(async () => {
            resourceId = (await api().post("/api/resources", { name: "scopes", indicator: ind("scopes") })).body.id;
        });

        it("POST answers 201; the description is null when omitted or empty", async () => {
            const result = await api().post(`/api/resources/${resourceId}/scopes`, { name: "read:items" });
            expect(result.status).toBe(201);
            expect(result.body).toEqual({ tenantId: "default", id: expect.any(String), resourceId, name: "read:items", description: null, createdAt: expect.any(Number) });
            expect((await api().post(`/api/resources/${resourceId}/scopes`, { name: "write:items", description: "" })).body.description).toBeNull();
            expect((await api().post(`/api/resources/${resourceId}/scopes`, { name: "list:items", description: "List" })).body.description).toBe("List");
        });

        it("refuses a duplicate name in the same resource (422 scope.name_exists) but allows it in another", async () => {
            await api().post(`/api/resources/${resourceId}/scopes`, { name: "dup:items" });
            const dup = await api().post(`/api/resources/${resourceId}/scopes`, { name: "dup:items" });
            expect(dup.status).toBe(422);
            expect(dup.body).toMatchObject({ code: "scope.name_exists", message: "The scope name dup:items is already in use" });
            const other = (await api().post("/api/resources", { name: "o", indicator: ind("scopes-other") })).body;
            expect((await api().post(`/api/resources/${other.id}/scopes`, { name: "dup:items" })).status).toBe(201);
        });

        it("refuses whitespace in a name (400 scope.name_with_space), an empty name (400 guard.invalid_input) and names over 256", async () => {
            expect((await api().post(`/api/resources/${resourceId}/scopes`, { name: "read items" })).body.code).toBe("scope.name_with_space");
            expect((await api().post(`/api/resources/${resourceId}/scopes`, { name: "read\titems" })).body.code).toBe("scope.name_with_space");
            expect((await api().post(`/api/resources/${resourceId}/scopes`, { name: "" })).body.code).toBe("guard.invalid_input");
            expect((await api().post(`/api/resources/${resourceId}/scopes`, { name: "s".repeat(257) })).body.code).toBe("guard.invalid_input");
            expect((await api().post(`/api/resources/${resourceId}/scopes`, { name: "s".repeat(256) })).status).toBe(201);
        });

        it("POST to an unknown resource is 404", async () => {
            expect((await api().post("/api/resources/nope/scopes", { name: "x" })).status).toBe(404);
        });

        it("PATCH renames with the same checks", async () => {
            const scope = (await api().post(`/api/resources/${resourceId}/scopes`, { name: "rename:me" })).body;
            const renamed = await api().patch(`/api/resources/${resourceId}/scopes/${scope.id}`, { name: "renamed:me", description: "d" });
            expect(renamed.status).toBe(200);
            expect(renamed.body).toMatchObject({ id: scope.id, name: "renamed:me", description: "d" });
            expect((await api().patch(`/api/resources/${resourceId}/scopes/${scope.id}`, { name: "read:items" })).body.code).toBe("scope.name_exists");
            expect((await api().patch(`/api/resources/${resourceId}/scopes/${scope.id}`, { name: "has space" })).body.code).toBe("scope.name_with_space");
            expect((await api().patch(`/api/resources/${resourceId}/scopes/${scope.id}`, { name: "renamed:me" })).status).toBe(200);
        });

        it("has no GET of a single scope (405)", async () => {
            const scope = (await api().post(`/api/resources/${resourceId}/scopes`, { name: "single" })).body;
            expect((await api().get(`/api/resources/${resourceId}/scopes/${scope.id}`)).status).toBe(405);
        });

        it("lists scopes always paginated, in no guaranteed order (Logto 1.42 has no ORDER BY there)", async () => {
            const result = await api().get(`/api/resources/${resourceId}/scopes?page_size=100`);
            expect(result.headers.get("total-number")).toBe(String(result.body.length));
            const names = result.body.map((s: { name: string }) => s.name);
            expect(names).toEqual(expect.arrayContaining(["read:items", "write:items", "list:items", "dup:items"]));
        });

        it("DELETE answers 204, then 404 entity.not_found, and removes the scope from roles", async () => {
            const scope = (await api().post(`/api/resources/${resourceId}/scopes`, { name: "delete:me" })).body;
            const role = (await api().post("/api/roles", { name: target().name("scope-delete"), description: "d", type: "MachineToMachine", scopeIds: [scope.id] })).body;
            expect((await api().delete(`/api/resources/${resourceId}/scopes/${scope.id}`)).status).toBe(204);
            const again = await api().delete(`/api/resources/${resourceId}/scopes/${scope.id}`);
            expect(again.status).toBe(404);
            expect(again.body).toEqual({ code: "entity.not_found", message: "The resource does not exist." });
            expect((await api().get(`/api/roles/${role.id}/scopes`)).body).toEqual([]);
        });
    });
});
