import { useContractTarget } from "./target";

describe("roles /api/roles", () => {
    const target = useContractTarget();
    const api = () => target().api;
    const n = (base: string) => target().name(base);
    let resourceId: string;
    let readId: string;
    let writeId: string;
    const m2mRole = async (name: string, extra: Record<string, unknown> = {}) =>
        (await api().post("/api/roles", { name, description: `${name} description`, type: "MachineToMachine", ...extra })).body;
    const m2mApp = async (name: string) => (await api().post("/api/applications", { name, type: "MachineToMachine" })).body;

    beforeAll(async () => {
        resourceId = (await api().post("/api/resources", { name: "roles", indicator: target().indicator("roles") })).body.id;
        readId = (await api().post(`/api/resources/${resourceId}/scopes`, { name: "read" })).body.id;
        writeId = (await api().post(`/api/resources/${resourceId}/scopes`, { name: "write" })).body.id;
    });

    describe("the seeded role", () => {
        it('"Logto Management API access" is an M2M role holding the Management API scope `all`', async () => {
            const roles = (await api().get("/api/roles?search.name=Logto%20Management%20API%20access&mode.name=exact&isCaseSensitive=true")).body;
            expect(roles).toHaveLength(1);
            expect(roles[0]).toMatchObject({ type: "MachineToMachine" });
            expect(roles[0].applicationsCount).toBeGreaterThanOrEqual(1);
            const scopes = (await api().get(`/api/roles/${roles[0].id}/scopes`)).body;
            expect(scopes).toEqual([expect.objectContaining({ id: "management-api-all", name: "all", resource: expect.objectContaining({ indicator: "https://default.logto.app/api" }) })]);
        });
    });

    describe("create", () => {
        it("answers 200 (not 201) with the role; type defaults to User", async () => {
            const result = await api().post("/api/roles", { name: n("create-user-role"), description: "d" });
            expect(result.status).toBe(200);
            expect(result.body).toEqual({ tenantId: "default", id: expect.stringMatching(/^[a-z0-9]{21}$/), name: n("create-user-role"), description: "d", type: "User", isDefault: false });
        });

        it("attaches scopeIds at creation", async () => {
            const role = await m2mRole(n("create-with-scopes"), { scopeIds: [readId, writeId] });
            const scopes = (await api().get(`/api/roles/${role.id}/scopes`)).body;
            expect(scopes.map((s: { name: string }) => s.name).sort()).toEqual(["read", "write"]);
        });

        it("is not atomic: an unknown scope id answers 404 but the role is created", async () => {
            const result = await api().post("/api/roles", { name: n("half-created"), description: "d", type: "MachineToMachine", scopeIds: [readId, "nope"] });
            expect(result.status).toBe(404);
            expect(result.body).toMatchObject({ code: "entity.not_exists_with_id" });
            const found = (await api().get(`/api/roles?search=${n("half-created")}`)).body;
            expect(found).toHaveLength(1);
            expect((await api().get(`/api/roles/${found[0].id}/scopes`)).body).toEqual([]);
        });

        it("requires a description of 1..128 and a name of at most 128 (400 guard.invalid_input)", async () => {
            for (const body of [{ name: "no-description" }, { name: "empty-description", description: "" }, { name: "long-description", description: "d".repeat(129) }, { name: "n".repeat(129), description: "d" }, { name: "bad-type", description: "d", type: "Admin" }]) {
                const result = await api().post("/api/roles", body);
                expect(result.status).toBe(400);
                expect(result.body.code).toBe("guard.invalid_input");
            }
            expect((await api().post("/api/roles", { name: n("").padEnd(128, "n"), description: "d".repeat(128) })).status).toBe(200);
        });

        it("counts the length in UTF-16 code units, as Logto does: the 8-unit run prefix and 60 rocket emoji make a name, 61 are refused", async () => {
            expect(n("")).toHaveLength(8);
            expect((await api().post("/api/roles", { name: n("\u{1F680}".repeat(60)), description: "d" })).status).toBe(200);
            const refused = await api().post("/api/roles", { name: n("\u{1F680}".repeat(61)), description: "d" });
            expect(refused.status).toBe(400);
            expect(refused.body.code).toBe("guard.invalid_input");
        });

        it("keeps names unique across both types, case-sensitively (422 role.name_in_use)", async () => {
            await m2mRole(n("unique-name"));
            const dup = await api().post("/api/roles", { name: n("unique-name"), description: "d", type: "User" });
            expect(dup.status).toBe(422);
            expect(dup.body).toMatchObject({ code: "role.name_in_use", message: `This role name ${n("unique-name")} is already in use` });
            expect((await api().post("/api/roles", { name: n("UNIQUE-NAME"), description: "d" })).status).toBe(200);
        });

        it("refuses Management API scopes on a User role (400) but the role stays", async () => {
            const result = await api().post("/api/roles", { name: n("user-with-management"), description: "d", scopeIds: ["management-api-all"] });
            expect(result.status).toBe(400);
            expect(result.body.code).toBe("role.management_api_scopes_not_assignable_to_user_role");
            expect((await api().get(`/api/roles?search=${n("user-with-management")}`)).body).toHaveLength(1);
        });
    });

    describe("list", () => {
        it("finds a role by exact name with search.name + mode.name=exact + isCaseSensitive=true", async () => {
            await m2mRole(n("exact-Name"));
            await m2mRole(n("exact-name"));
            await m2mRole(n("exact-name-longer"));
            const found = (await api().get(`/api/roles?search.name=${n("exact-name")}&mode.name=exact&isCaseSensitive=true`)).body;
            expect(found.map((r: { name: string }) => r.name)).toEqual([n("exact-name")]);
        });

        it("treats plain search= as SQL LIKE: exact and case-insensitive without %, partial with %", async () => {
            const plain = (await api().get(`/api/roles?search=${n("EXACT-NAME")}`)).body.map((r: { name: string }) => r.name).sort();
            expect(plain).toEqual([n("exact-Name"), n("exact-name")]);
            const partial = (await api().get(`/api/roles?search=${encodeURIComponent(n("exact-name-%"))}`)).body.map((r: { name: string }) => r.name);
            expect(partial).toEqual([n("exact-name-longer")]);
        });

        it("honours isCaseSensitive=true and the _ wildcard in plain search", async () => {
            expect((await api().get(`/api/roles?search=${n("EXACT-NAME")}&isCaseSensitive=true`)).body).toEqual([]);
            const matched = (await api().get(`/api/roles?search=${encodeURIComponent(n("exac_-n%"))}&isCaseSensitive=true`)).body.map((r: { name: string }) => r.name);
            expect(matched.sort()).toEqual([n("exact-name"), n("exact-name-longer")]);
        });

        it("filters by type and answers 400 to a bad type", async () => {
            const m2m = (await api().get("/api/roles?type=MachineToMachine&page_size=100")).body;
            expect(m2m.length).toBeGreaterThan(0);
            expect(m2m.every((r: { type: string }) => r.type === "MachineToMachine")).toBe(true);
            const bad = await api().get("/api/roles?type=Admin");
            expect(bad.status).toBe(400);
            expect(bad.body.code).toBe("guard.invalid_input");
        });

        it("adds usersCount, featuredUsers, applicationsCount, featuredApplications to each item", async () => {
            const role = await m2mRole(n("list-extras"));
            const app = await m2mApp(n("list-extras-app"));
            await api().post(`/api/applications/${app.id}/roles`, { roleIds: [role.id] });
            const [item] = (await api().get(`/api/roles?search=${n("list-extras")}`)).body;
            expect(item).toMatchObject({ usersCount: 0, featuredUsers: [], applicationsCount: 1, featuredApplications: [{ id: app.id, name: n("list-extras-app"), type: "MachineToMachine" }] });
        });

        it("hides #internal: roles, which can still be fetched by id", async () => {
            const internal = (await api().post("/api/roles", { name: `#internal:${n("hidden")}`, description: "d" })).body;
            expect((await api().get(`/api/roles?search=${encodeURIComponent(`#internal:${n("%")}`)}`)).body).toEqual([]);
            expect((await api().get(`/api/roles/${internal.id}`)).status).toBe(200);
            // The run's cleanup lists roles, which never shows this one.
            expect((await api().delete(`/api/roles/${internal.id}`)).status).toBe(204);
        });

        it("excludes the roles of an application with excludeApplicationId", async () => {
            const role = await m2mRole(n("exclude-me"));
            const app = await m2mApp(n("exclude-app"));
            await api().post(`/api/applications/${app.id}/roles`, { roleIds: [role.id] });
            expect((await api().get(`/api/roles?search=${n("exclude-me")}&excludeApplicationId=${app.id}`)).body).toEqual([]);
        });
    });

    describe("read, update, delete", () => {
        it("GET of an unknown id is 404 entity.not_exists_with_id", async () => {
            const result = await api().get("/api/roles/nope");
            expect(result.status).toBe(404);
            expect(result.body.message).toBe("The roles with ID `nope` does not exist.");
        });

        it("PATCH changes name and description; type is immutable (ignored, alone 422)", async () => {
            const role = await m2mRole(n("patch-me"));
            const patched = await api().patch(`/api/roles/${role.id}`, { name: n("patched"), description: "new", type: "User" });
            expect(patched.status).toBe(200);
            expect(patched.body).toMatchObject({ name: n("patched"), description: "new", type: "MachineToMachine" });
            const typeOnly = await api().patch(`/api/roles/${role.id}`, { type: "User" });
            expect(typeOnly.status).toBe(422);
            expect(typeOnly.body.code).toBe("entity.invalid_input");
        });

        it("PATCH to a name in use is 422 role.name_in_use; to its own name is fine", async () => {
            const a = await m2mRole(n("patch-a"));
            await m2mRole(n("patch-b"));
            expect((await api().patch(`/api/roles/${a.id}`, { name: n("patch-b") })).body.code).toBe("role.name_in_use");
            expect((await api().patch(`/api/roles/${a.id}`, { name: n("patch-a") })).status).toBe(200);
        });

        it("DELETE answers 204 even when assigned (assignments go), then 404", async () => {
            const role = await m2mRole(n("delete-assigned"));
            const app = await m2mApp(n("delete-assigned-app"));
            await api().post(`/api/applications/${app.id}/roles`, { roleIds: [role.id] });
            expect((await api().delete(`/api/roles/${role.id}`)).status).toBe(204);
            expect((await api().delete(`/api/roles/${role.id}`)).body.code).toBe("entity.not_exists_with_id");
            expect((await api().get(`/api/applications/${app.id}/roles`)).body).toEqual([]);
        });
    });

    describe("role scopes", () => {
        it("POST answers 201 with all the role's scopes; re-adding is 422 role.scope_exists; unknown 404; [] 400", async () => {
            const role = await m2mRole(n("role-scopes"), { scopeIds: [readId] });
            const added = await api().post(`/api/roles/${role.id}/scopes`, { scopeIds: [writeId] });
            expect(added.status).toBe(201);
            expect(added.body.map((s: { name: string }) => s.name).sort()).toEqual(["read", "write"]);
            expect(added.body[0]).not.toHaveProperty("resource");
            const again = await api().post(`/api/roles/${role.id}/scopes`, { scopeIds: [readId] });
            expect(again.status).toBe(422);
            expect(again.body.code).toBe("role.scope_exists");
            expect((await api().post(`/api/roles/${role.id}/scopes`, { scopeIds: ["nope"] })).status).toBe(404);
            const empty = await api().post(`/api/roles/${role.id}/scopes`, { scopeIds: [] });
            expect(empty.status).toBe(400);
            expect(empty.body.code).toBe("guard.invalid_input");
            expect((await api().post("/api/roles/nope/scopes", { scopeIds: [readId] })).status).toBe(404);
        });

        it("GET adds the resource to each scope; paginated only on request", async () => {
            const role = await m2mRole(n("role-scopes-get"), { scopeIds: [readId, writeId] });
            const all = await api().get(`/api/roles/${role.id}/scopes`);
            expect(all.headers.get("total-number")).toBeNull();
            expect(all.body[0].resource).toEqual({ tenantId: "default", id: resourceId, name: "roles", indicator: target().indicator("roles"), isDefault: false, accessTokenTtl: 3600 });
            const page = await api().get(`/api/roles/${role.id}/scopes?page=1&page_size=1`);
            expect(page.body).toHaveLength(1);
            expect(page.headers.get("total-number")).toBe("2");
        });

        it("M2M roles may hold Management API scopes; User roles may not (400)", async () => {
            const m2m = await m2mRole(n("m2m-management"));
            expect((await api().post(`/api/roles/${m2m.id}/scopes`, { scopeIds: ["management-api-all"] })).status).toBe(201);
            const user = (await api().post("/api/roles", { name: n("user-management"), description: "d" })).body;
            const refused = await api().post(`/api/roles/${user.id}/scopes`, { scopeIds: ["management-api-all"] });
            expect(refused.status).toBe(400);
            expect(refused.body.code).toBe("role.management_api_scopes_not_assignable_to_user_role");
        });

        it("DELETE answers 204, then 404 entity.not_found", async () => {
            const role = await m2mRole(n("role-scope-delete"), { scopeIds: [readId] });
            expect((await api().delete(`/api/roles/${role.id}/scopes/${readId}`)).status).toBe(204);
            const again = await api().delete(`/api/roles/${role.id}/scopes/${readId}`);
            expect(again.status).toBe(404);
            expect(again.body.code).toBe("entity.not_found");
        });
    });

    describe("role applications", () => {
        it("POST answers 201 Created (text); an app already assigned is 422 role.application_exists", async () => {
            const role = await m2mRole(n("role-apps"));
            const app = await m2mApp(n("role-apps-app"));
            const added = await api().post(`/api/roles/${role.id}/applications`, { applicationIds: [app.id] });
            expect(added.status).toBe(201);
            expect(added.text).toBe("Created");
            const again = await api().post(`/api/roles/${role.id}/applications`, { applicationIds: [app.id] });
            expect(again.status).toBe(422);
            expect(again.body.code).toBe("role.application_exists");
        });

        it("refuses a User role with 422 entity.db_constraint_violated, an unknown app with 404", async () => {
            const user = (await api().post("/api/roles", { name: n("role-apps-user"), description: "d" })).body;
            const app = await m2mApp(n("role-apps-user-app"));
            const refused = await api().post(`/api/roles/${user.id}/applications`, { applicationIds: [app.id] });
            expect(refused.status).toBe(422);
            expect(refused.body.code).toBe("entity.db_constraint_violated");
            const role = await m2mRole(n("role-apps-unknown"));
            expect((await api().post(`/api/roles/${role.id}/applications`, { applicationIds: ["nope"] })).status).toBe(404);
        });

        it("GET lists the role's applications, always paginated; DELETE answers 204 then 404", async () => {
            const role = await m2mRole(n("role-apps-list"));
            const app = await m2mApp(n("role-apps-list-app"));
            await api().post(`/api/roles/${role.id}/applications`, { applicationIds: [app.id] });
            const listed = await api().get(`/api/roles/${role.id}/applications`);
            expect(listed.headers.get("total-number")).toBe("1");
            expect(listed.body).toEqual([expect.objectContaining({ id: app.id, name: n("role-apps-list-app") })]);
            expect((await api().delete(`/api/roles/${role.id}/applications/${app.id}`)).status).toBe(204);
            expect((await api().delete(`/api/roles/${role.id}/applications/${app.id}`)).body.code).toBe("entity.not_found");
        });
    });
});
