import { accessToken } from "./support";
import { useContractTarget } from "./target";

describe("applications /api/applications", () => {
    const target = useContractTarget();
    const logto = target;
    const api = () => target().api;
    const n = (base: string) => target().name(base);
    const m2mApp = async (name: string, extra: Record<string, unknown> = {}) => (await api().post("/api/applications", { name, type: "MachineToMachine", ...extra })).body;
    const m2mRole = async (name: string) => (await api().post("/api/roles", { name, description: "d", type: "MachineToMachine" })).body;

    describe("the seeded bootstrap app", () => {
        it("is an M2M app holding the role Logto Management API access", async () => {
            const app = (await api().get(`/api/applications/${logto().bootstrap.appId}`)).body;
            expect(app).toMatchObject({ type: "MachineToMachine" });
            if (target().kind === "local") expect(app.name).toBe("pulumi-logto-m2m bootstrap"); // the local seed's name
            const roles = (await api().get(`/api/applications/${app.id}/roles`)).body;
            expect(roles.map((r: { name: string }) => r.name)).toEqual(["Logto Management API access"]);
            const secrets = (await api().get(`/api/applications/${app.id}/secrets`)).body;
            expect(secrets).toEqual([expect.objectContaining({ name: "Default secret", value: logto().bootstrap.appSecret })]);
        });
    });

    describe("create", () => {
        it("answers 200 with Logto's shape and no secret", async () => {
            const result = await api().post("/api/applications", { name: n("create-app"), type: "MachineToMachine", description: "d", customData: { owner: "team-a" } });
            expect(result.status).toBe(200);
            expect(result.body).toEqual({
                tenantId: "default",
                id: expect.stringMatching(/^[a-z0-9]{21}$/),
                name: n("create-app"),
                description: "d",
                type: "MachineToMachine",
                oidcClientMetadata: { redirectUris: [], postLogoutRedirectUris: [] },
                customClientMetadata: {},
                protectedAppMetadata: null,
                customData: { owner: "team-a" },
                isThirdParty: false,
                appLevelAccessControlEnabled: false,
                createdAt: expect.any(Number),
            });
        });

        it('gives a new M2M app a 32-character "Default secret", readable (and re-readable) from /secrets', async () => {
            const app = await m2mApp(n("default-secret-app"));
            const first = await api().get(`/api/applications/${app.id}/secrets`);
            expect(first.status).toBe(200);
            expect(first.headers.get("total-number")).toBeNull();
            expect(first.body).toEqual([{ tenantId: "default", applicationId: app.id, name: "Default secret", value: expect.stringMatching(/^[A-Za-z0-9]{32}$/), createdAt: expect.any(Number), expiresAt: null }]);
            expect((await api().get(`/api/applications/${app.id}/secrets`)).body).toEqual(first.body);
        });

        it("allows duplicate names; refuses an empty or 257-character name and a bad type (400)", async () => {
            await m2mApp(n("same-name"));
            expect((await api().post("/api/applications", { name: n("same-name"), type: "MachineToMachine" })).status).toBe(200);
            for (const body of [{ name: "", type: "MachineToMachine" }, { name: "n".repeat(257), type: "MachineToMachine" }, { name: "x", type: "Robot" }, { name: "x" }, { name: "x", type: "MachineToMachine", customData: [1] }]) {
                const result = await api().post("/api/applications", body);
                expect(result.status).toBe(400);
                expect(result.body.code).toBe("guard.invalid_input");
            }
        });
    });

    describe("read, update, delete", () => {
        it("GET adds isAdmin: false and never a secret; unknown id is 404 entity.not_exists_with_id", async () => {
            const app = await m2mApp(n("get-app"));
            const got = (await api().get(`/api/applications/${app.id}`)).body;
            expect(got).toEqual({ ...app, isAdmin: false });
            expect(got).not.toHaveProperty("secret");
            const missing = await api().get("/api/applications/nope");
            expect(missing.status).toBe(404);
            expect(missing.body.message).toBe("The applications with ID `nope` does not exist.");
        });

        it("PATCH changes name, description (null allowed) and replaces customData whole; type and secret are ignored", async () => {
            const app = await m2mApp(n("patch-app"), { description: "d", customData: { a: 1, b: 2 } });
            const patched = await api().patch(`/api/applications/${app.id}`, { name: n("patched-app"), description: null, customData: { c: 3 }, type: "SPA", secret: "x" });
            expect(patched.status).toBe(200);
            expect(patched.body).toMatchObject({ name: n("patched-app"), description: null, customData: { c: 3 }, type: "MachineToMachine" });
            expect((await api().get(`/api/applications/${app.id}`)).body.customData).toEqual({ c: 3 });
        });

        it("DELETE answers 204 then 404; the app's roles and secrets go with it", async () => {
            const app = await m2mApp(n("delete-app"));
            const role = await m2mRole(n("delete-app-role"));
            await api().post(`/api/applications/${app.id}/roles`, { roleIds: [role.id] });
            expect((await api().delete(`/api/applications/${app.id}`)).status).toBe(204);
            expect((await api().delete(`/api/applications/${app.id}`)).body.code).toBe("entity.not_exists_with_id");
            expect((await api().get(`/api/roles/${role.id}/applications`)).body).toEqual([]);
        });
    });

    describe("list", () => {
        it("lists newest first, everything without page params, filtered by types", async () => {
            const a = await m2mApp(n("list-a"));
            const b = await m2mApp(n("list-b"));
            await api().post("/api/applications", { name: n("list-spa"), type: "SPA" });
            const all = await api().get("/api/applications");
            expect(all.headers.get("total-number")).toBeNull();
            const ids = all.body.map((x: { id: string }) => x.id);
            expect(ids.indexOf(b.id)).toBeLessThan(ids.indexOf(a.id));
            const m2m = (await api().get("/api/applications?types=MachineToMachine")).body;
            expect(m2m.every((x: { type: string }) => x.type === "MachineToMachine")).toBe(true);
            const both = (await api().get("/api/applications?types=MachineToMachine&types=SPA")).body;
            expect(both.some((x: { type: string }) => x.type === "SPA")).toBe(true);
            expect((await api().get("/api/applications?types=Robot")).status).toBe(400);
        });

        it("searches names with SQL LIKE semantics (exact case-insensitive, % for partial)", async () => {
            await m2mApp(n("Search-Target"));
            await m2mApp(n("search-target-2"));
            const exact = (await api().get(`/api/applications?search=${n("search-target")}`)).body.map((x: { name: string }) => x.name);
            expect(exact).toEqual([n("Search-Target")]);
            const partial = (await api().get(`/api/applications?search=${encodeURIComponent(n("%target%"))}`)).body.map((x: { name: string }) => x.name).sort();
            expect(partial).toEqual([n("Search-Target"), n("search-target-2")]);
        });

        it("paginates on request with Total-Number", async () => {
            const page = await api().get("/api/applications?page=1&page_size=2");
            expect(page.body).toHaveLength(2);
            expect(Number(page.headers.get("total-number"))).toBeGreaterThan(2);
        });
    });

    describe("application roles", () => {
        it("POST answers 201 {roleIds, addedRoleIds}, idempotently", async () => {
            const app = await m2mApp(n("roles-app"));
            const role = await m2mRole(n("roles-app-role"));
            const first = await api().post(`/api/applications/${app.id}/roles`, { roleIds: [role.id] });
            expect(first.status).toBe(201);
            expect(first.body).toEqual({ roleIds: [role.id], addedRoleIds: [role.id] });
            const again = await api().post(`/api/applications/${app.id}/roles`, { roleIds: [role.id] });
            expect(again.status).toBe(201);
            expect(again.body).toEqual({ roleIds: [role.id], addedRoleIds: [] });
        });

        it("refuses a User role (422 application.invalid_role_type), a non-M2M app (422 application.invalid_type), unknown role (404)", async () => {
            const app = await m2mApp(n("roles-refused-app"));
            const user = (await api().post("/api/roles", { name: n("roles-refused-user"), description: "d" })).body;
            expect((await api().post(`/api/applications/${app.id}/roles`, { roleIds: [user.id] })).body.code).toBe("application.invalid_role_type");
            const spa = (await api().post("/api/applications", { name: n("roles-spa"), type: "SPA" })).body;
            const role = await m2mRole(n("roles-refused-m2m"));
            const invalidType = await api().post(`/api/applications/${spa.id}/roles`, { roleIds: [role.id] });
            expect(invalidType.status).toBe(422);
            expect(invalidType.body.code).toBe("application.invalid_type");
            const unknown = await api().post(`/api/applications/${app.id}/roles`, { roleIds: ["nope"] });
            expect(unknown.status).toBe(404);
            expect(unknown.body.code).toBe("entity.not_exists_with_id");
        });

        it("GET is always paginated; DELETE answers 204 then 404 entity.not_found", async () => {
            const app = await m2mApp(n("roles-get-app"));
            const role = await m2mRole(n("roles-get-role"));
            await api().post(`/api/applications/${app.id}/roles`, { roleIds: [role.id] });
            const listed = await api().get(`/api/applications/${app.id}/roles`);
            expect(listed.headers.get("total-number")).toBe("1");
            expect(listed.body).toEqual([{ tenantId: "default", id: role.id, name: n("roles-get-role"), description: "d", type: "MachineToMachine", isDefault: false }]);
            expect((await api().delete(`/api/applications/${app.id}/roles/${role.id}`)).status).toBe(204);
            expect((await api().delete(`/api/applications/${app.id}/roles/${role.id}`)).body.code).toBe("entity.not_found");
        });

        it("PUT replaces the set (200 OK) when it adds something, and is broken when it adds nothing: removes, then 422", async () => {
            const app = await m2mApp(n("put-app"));
            const [r1, r2, r3] = [await m2mRole(n("put-1")), await m2mRole(n("put-2")), await m2mRole(n("put-3"))];
            await api().post(`/api/applications/${app.id}/roles`, { roleIds: [r1.id, r2.id] });
            const replaced = await api().put(`/api/applications/${app.id}/roles`, { roleIds: [r2.id, r3.id] });
            expect(replaced.status).toBe(200);
            expect(replaced.text).toBe("OK");
            const held = async () => (await api().get(`/api/applications/${app.id}/roles`)).body.map((r: { id: string }) => r.id).sort();
            expect(await held()).toEqual([r2.id, r3.id].sort());
            const broken = await api().put(`/api/applications/${app.id}/roles`, { roleIds: [r3.id] });
            expect(broken.status).toBe(422);
            expect(broken.body.code).toBe("entity.invalid_input");
            expect(await held()).toEqual([r3.id]);
        });
    });

    describe("secrets", () => {
        it("POST answers 201 with the value; duplicates are 422 application.secret_name_exists", async () => {
            const app = await m2mApp(n("secrets-app"));
            const expiresAt = Date.now() + 3_600_000;
            const created = await api().post(`/api/applications/${app.id}/secrets`, { name: "ci", expiresAt });
            expect(created.status).toBe(201);
            expect(created.body).toEqual({ tenantId: "default", applicationId: app.id, name: "ci", value: expect.stringMatching(/^[A-Za-z0-9]{32}$/), createdAt: expect.any(Number), expiresAt });
            const dup = await api().post(`/api/applications/${app.id}/secrets`, { name: "ci" });
            expect(dup.status).toBe(422);
            expect(dup.body.code).toBe("application.secret_name_exists");
        });

        it("refuses a past expiresAt (400 request.invalid_input), an ISO date and a 257-character name (400 guard.invalid_input)", async () => {
            const app = await m2mApp(n("secrets-invalid"));
            const past = await api().post(`/api/applications/${app.id}/secrets`, { name: "past", expiresAt: Date.now() - 1000 });
            expect(past.status).toBe(400);
            expect(past.body).toMatchObject({ code: "request.invalid_input", message: "Input is invalid. The value of `expiresAt` must be in the future." });
            expect((await api().post(`/api/applications/${app.id}/secrets`, { name: "iso", expiresAt: new Date(Date.now() + 60_000).toISOString() })).body.code).toBe("guard.invalid_input");
            expect((await api().post(`/api/applications/${app.id}/secrets`, { name: "s".repeat(257) })).body.code).toBe("guard.invalid_input");
            expect((await api().post("/api/applications/nope/secrets", { name: "x" })).status).toBe(404);
        });

        it("PATCH renames, DELETE answers 204 then 404 entity.not_found", async () => {
            const app = await m2mApp(n("secrets-rename"));
            await api().post(`/api/applications/${app.id}/secrets`, { name: "old" });
            const renamed = await api().patch(`/api/applications/${app.id}/secrets/old`, { name: "new" });
            expect(renamed.status).toBe(200);
            expect(renamed.body.name).toBe("new");
            expect((await api().patch(`/api/applications/${app.id}/secrets/new`, { name: "Default secret" })).body.code).toBe("application.secret_name_exists");
            expect((await api().delete(`/api/applications/${app.id}/secrets/new`)).status).toBe(204);
            const again = await api().delete(`/api/applications/${app.id}/secrets/new`);
            expect(again.status).toBe(404);
            expect(again.body.code).toBe("entity.not_found");
        });

        it("DELETE /legacy-secret on a new app answers 400 application.no_legacy_secret_found", async () => {
            const app = await m2mApp(n("legacy"));
            const result = await api().delete(`/api/applications/${app.id}/legacy-secret`);
            expect(result.status).toBe(400);
            expect(result.body.code).toBe("application.no_legacy_secret_found");
        });

        it("a secret created over the API gets tokens", async () => {
            const app = await m2mApp(n("secret-token"));
            const secret = (await api().post(`/api/applications/${app.id}/secrets`, { name: "named" })).body;
            await expect(accessToken(logto().endpoint, app.id, secret.value, logto().managementIndicator)).resolves.toEqual(expect.any(String));
        });
    });
});
