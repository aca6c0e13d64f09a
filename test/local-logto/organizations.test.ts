import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { startLocalLogto } from "../../local-logto";
import { managementApi, type HttpResult } from "./support";
import { describeLocalOnly, useContractTarget } from "./target";

function expectError(result: HttpResult, status: number, code: string, message?: string): void {
    expect({ status: result.status, code: result.body?.code }).toEqual({ status, code });
    if (message !== undefined) expect(result.body.message).toBe(message);
}
const ids = (items: Array<{ id: string }>) => items.map((i) => i.id).sort();

describe("organizations /api/organizations", () => {
    const target = useContractTarget();
    const api = () => target().api;
    const n = (base: string) => target().name(base);
    const organization = async (base: string, extra: Record<string, unknown> = {}) =>
        (await api().post("/api/organizations", { name: n(base), ...extra })).body as { id: string; name: string };

    it("creates with 201 and Logto's full shape; a 12-character id; names need not be unique", async () => {
        const result = await api().post("/api/organizations", { name: n("create") });
        expect(result.status).toBe(201);
        expect(result.body).toEqual({
            tenantId: "default", id: expect.stringMatching(/^[a-z0-9]{12}$/), name: n("create"), description: null, customData: {},
            isMfaRequired: false, color: {}, branding: {}, customCss: null, createdAt: expect.any(Number),
        });
        expect((await api().get(`/api/organizations/${result.body.id}`)).body).toEqual(result.body);
        const twin = await api().post("/api/organizations", { name: n("create"), description: "twin" });
        expect(twin.status).toBe(201);
        expect(twin.body.id).not.toBe(result.body.id);
    });

    it("validates the body (400 guard.invalid_input): name required, 1..128; description at most 256; unknown fields dropped", async () => {
        for (const body of [{}, { name: "" }, { name: n("x").padEnd(129, "x") }, { name: n("d"), description: "d".repeat(257) }, { name: n("d"), description: 5 }]) {
            expectError(await api().post("/api/organizations", body), 400, "guard.invalid_input");
        }
        const result = await api().post("/api/organizations", { name: n("extras"), unknownField: 1, isMfaRequired: true, color: { primaryColor: "#000000" } });
        expect(result.status).toBe(201);
        expect(result.body).toMatchObject({ isMfaRequired: true, color: { primaryColor: "#000000" } });
        expect(result.body).not.toHaveProperty("unknownField");
    });

    it("PATCH updates (200); empty 422 entity.invalid_input; unknown id 404 entity.not_exists; GET unknown 404 entity.not_exists_with_id", async () => {
        const org = await organization("patch");
        const patched = await api().patch(`/api/organizations/${org.id}`, { description: "d1", customData: { tier: "gold" } });
        expect(patched.status).toBe(200);
        expect(patched.body).toMatchObject({ id: org.id, name: n("patch"), description: "d1", customData: { tier: "gold" } });
        expectError(await api().patch(`/api/organizations/${org.id}`, {}), 422, "entity.invalid_input", "Invalid input. Value list must not be empty.");
        expectError(await api().patch("/api/organizations/nope", { name: "z" }), 404, "entity.not_exists", "The organization does not exist.");
        expectError(await api().get("/api/organizations/nope"), 404, "entity.not_exists_with_id", "The organizations with ID `nope` does not exist.");
    });

    it("DELETE answers 204, then 404 entity.not_found", async () => {
        const org = await organization("delete");
        expect((await api().delete(`/api/organizations/${org.id}`)).status).toBe(204);
        expectError(await api().delete(`/api/organizations/${org.id}`), 404, "entity.not_found");
        expectError(await api().get(`/api/organizations/${org.id}`), 404, "entity.not_exists_with_id");
    });

    it("lists always paged; q matches a part of the id or name case-insensitively (not the description); search is ignored", async () => {
        const b = await organization("list-b");
        const a = await organization("list-a", { description: "only-in-description" });
        const listed = await api().get(`/api/organizations?q=${encodeURIComponent(n("LIST-"))}`);
        expect(listed.headers.get("total-number")).toBe("2");
        // Logto gives this list no stable order: compared as a set.
        expect(ids(listed.body)).toEqual(ids([a, b]));
        expect((await api().get(`/api/organizations?q=${b.id}`)).body.map((o: { id: string }) => o.id)).toEqual([b.id]);
        expect((await api().get("/api/organizations?q=only-in-description")).body).toEqual([]);
        const page = await api().get(`/api/organizations?q=${encodeURIComponent(n("list-"))}&page=2&page_size=1`);
        expect({ total: page.headers.get("total-number"), length: page.body.length }).toEqual({ total: "2", length: 1 });
        expectError(await api().get("/api/organizations?page=0"), 400, "guard.invalid_pagination");
        expectError(await api().get("/api/organizations?page_size=101"), 400, "guard.invalid_pagination");
        const ignored = await api().get(`/api/organizations?q=${encodeURIComponent(n("list-"))}&search=nothing-matches`);
        expect(ignored.body).toHaveLength(2);
    });
});

describe("organization applications /api/organizations/{id}/applications", () => {
    const target = useContractTarget();
    const api = () => target().api;
    const n = (base: string) => target().name(base);
    const organization = async (base: string) => (await api().post("/api/organizations", { name: n(base) })).body as { id: string };
    const m2mApp = async (base: string, description?: string) =>
        (await api().post("/api/applications", { name: n(base), type: "MachineToMachine", description })).body as { id: string; name: string };
    const orgRole = async (base: string, type = "MachineToMachine") => (await api().post("/api/organization-roles", { name: n(base), type })).body as { id: string; name: string };
    const memberIds = async (orgId: string) => ids((await api().get(`/api/organizations/${orgId}/applications?page_size=100`)).body);
    const roleIds = async (orgId: string, appId: string) => ids((await api().get(`/api/organizations/${orgId}/applications/${appId}/roles`)).body);

    let spa: { id: string };
    let m2mRoleA: { id: string; name: string };
    let m2mRoleB: { id: string; name: string };
    let userRole: { id: string };
    beforeAll(async () => {
        spa = (await api().post("/api/applications", { name: n("spa"), type: "SPA", oidcClientMetadata: { redirectUris: [], postLogoutRedirectUris: [] } })).body;
        m2mRoleA = await orgRole("member-a");
        m2mRoleB = await orgRole("member-b");
        userRole = await orgRole("member-user", "User");
    });

    it("adds M2M apps with 201 Created, idempotently; lists them with their organization roles; an app lists its organizations", async () => {
        const org = await organization("members");
        const app = await m2mApp("member");
        const added = await api().post(`/api/organizations/${org.id}/applications`, { applicationIds: [app.id] });
        expect({ status: added.status, text: added.text }).toEqual({ status: 201, text: "Created" });
        expect((await api().post(`/api/organizations/${org.id}/applications`, { applicationIds: [app.id] })).status).toBe(201);
        await api().post(`/api/organizations/${org.id}/applications/${app.id}/roles`, { organizationRoleIds: [m2mRoleA.id] });

        const listed = await api().get(`/api/organizations/${org.id}/applications`);
        expect(listed.headers.get("total-number")).toBe("1");
        expect(listed.body).toEqual([expect.objectContaining({ id: app.id, name: n("member"), type: "MachineToMachine", organizationRoles: [{ id: m2mRoleA.id, name: m2mRoleA.name }] })]);
        const memberships = await api().get(`/api/applications/${app.id}/organizations`);
        expect(memberships.headers.get("total-number")).toBeNull();
        expect(memberships.body).toEqual([expect.objectContaining({ id: org.id, name: n("members"), isMfaRequired: false, organizationRoles: [{ id: m2mRoleA.id, name: m2mRoleA.name }] })]);
        expect((await api().get(`/api/applications/${app.id}/organizations?page=1`)).headers.get("total-number")).toBe("1");
        expectError(await api().get("/api/applications/nope/organizations"), 404, "entity.not_exists_with_id", "The applications with ID `nope` does not exist.");
    });

    it("refuses what cannot be a member, writing nothing: a non-M2M app 422 entity.db_constraint_violated, an unknown app or organization 422 entity.relation_foreign_key_not_found", async () => {
        const org = await organization("refuse");
        const app = await m2mApp("refuse");
        expectError(await api().post(`/api/organizations/${org.id}/applications`, { applicationIds: [spa.id] }), 422, "entity.db_constraint_violated");
        expectError(await api().post(`/api/organizations/${org.id}/applications`, { applicationIds: [app.id, "nope"] }), 422, "entity.relation_foreign_key_not_found");
        expectError(await api().post("/api/organizations/nope/applications", { applicationIds: [app.id] }), 422, "entity.relation_foreign_key_not_found");
        expectError(await api().post(`/api/organizations/${org.id}/applications`, { applicationIds: [] }), 400, "guard.invalid_input");
        expect(await memberIds(org.id)).toEqual([]);
        // An unknown organization simply has no members.
        expect((await api().get("/api/organizations/nope/applications")).body).toEqual([]);
    });

    it("PUT replaces the members (204, [] allowed); members kept keep their roles; DELETE of one is 204, then 404 entity.not_found", async () => {
        const org = await organization("replace");
        const kept = await m2mApp("kept");
        const dropped = await m2mApp("dropped");
        const joined = await m2mApp("joined");
        await api().post(`/api/organizations/${org.id}/applications`, { applicationIds: [kept.id, dropped.id] });
        await api().post(`/api/organizations/${org.id}/applications/${kept.id}/roles`, { organizationRoleIds: [m2mRoleA.id] });
        expect((await api().put(`/api/organizations/${org.id}/applications`, { applicationIds: [kept.id, joined.id] })).status).toBe(204);
        expect(await memberIds(org.id)).toEqual(ids([kept, joined]));
        expect(await roleIds(org.id, kept.id)).toEqual([m2mRoleA.id]);
        expectError(await api().put(`/api/organizations/${org.id}/applications`, { applicationIds: [spa.id] }), 422, "entity.db_constraint_violated");
        expectError(await api().put(`/api/organizations/${org.id}/applications`, { applicationIds: ["nope"] }), 422, "entity.relation_foreign_key_not_found");
        expect(await memberIds(org.id)).toEqual(ids([kept, joined]));

        expect((await api().delete(`/api/organizations/${org.id}/applications/${joined.id}`)).status).toBe(204);
        expectError(await api().delete(`/api/organizations/${org.id}/applications/${joined.id}`), 404, "entity.not_found");
        expectError(await api().delete(`/api/organizations/nope/applications/${joined.id}`), 404, "entity.not_found");
        expect((await api().put(`/api/organizations/${org.id}/applications`, { applicationIds: [] })).status).toBe(204);
        expect(await memberIds(org.id)).toEqual([]);
    });

    it("a membership removed and added again starts without roles", async () => {
        const org = await organization("rejoin");
        const app = await m2mApp("rejoin");
        await api().post(`/api/organizations/${org.id}/applications`, { applicationIds: [app.id] });
        await api().post(`/api/organizations/${org.id}/applications/${app.id}/roles`, { organizationRoleIds: [m2mRoleA.id] });
        await api().delete(`/api/organizations/${org.id}/applications/${app.id}`);
        await api().post(`/api/organizations/${org.id}/applications`, { applicationIds: [app.id] });
        expect(await roleIds(org.id, app.id)).toEqual([]);
    });

    it("searches members with q (id, name or description); paginates", async () => {
        const org = await organization("search");
        const first = await m2mApp("search-first", "described-member");
        const second = await m2mApp("search-second");
        await api().post(`/api/organizations/${org.id}/applications`, { applicationIds: [first.id, second.id] });
        expect(ids((await api().get(`/api/organizations/${org.id}/applications?q=SECOND`)).body)).toEqual([second.id]);
        expect(ids((await api().get(`/api/organizations/${org.id}/applications?q=${first.id}`)).body)).toEqual([first.id]);
        expect(ids((await api().get(`/api/organizations/${org.id}/applications?q=described-member`)).body)).toEqual([first.id]);
        const page = await api().get(`/api/organizations/${org.id}/applications?page=2&page_size=1`);
        expect({ total: page.headers.get("total-number"), length: page.body.length }).toEqual({ total: "2", length: 1 });
    });

    describe("a member's organization roles", () => {
        it("POST adds M2M roles (201 Created, idempotent); GET lists them, paged only when asked", async () => {
            const org = await organization("roles");
            const app = await m2mApp("roles");
            await api().post(`/api/organizations/${org.id}/applications`, { applicationIds: [app.id] });
            const added = await api().post(`/api/organizations/${org.id}/applications/${app.id}/roles`, { organizationRoleIds: [m2mRoleB.id, m2mRoleA.id] });
            expect({ status: added.status, text: added.text }).toEqual({ status: 201, text: "Created" });
            expect((await api().post(`/api/organizations/${org.id}/applications/${app.id}/roles`, { organizationRoleIds: [m2mRoleA.id] })).status).toBe(201);
            const listed = await api().get(`/api/organizations/${org.id}/applications/${app.id}/roles`);
            expect(listed.headers.get("total-number")).toBeNull();
            // Logto gives this list no stable order (seen: newest role first): compared as a set.
            const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
            expect([...listed.body].sort(byId)).toEqual([
                { tenantId: "default", id: m2mRoleA.id, name: m2mRoleA.name, description: null, type: "MachineToMachine" },
                { tenantId: "default", id: m2mRoleB.id, name: m2mRoleB.name, description: null, type: "MachineToMachine" },
            ].sort(byId));
            expect((await api().get(`/api/organizations/${org.id}/applications/${app.id}/roles?page=1`)).headers.get("total-number")).toBe("2");
        });

        it("refuses a User role (422 entity.db_constraint_violated), an unknown role (422 entity.relation_foreign_key_not_found), an empty list (400)", async () => {
            const org = await organization("roles-refused");
            const app = await m2mApp("roles-refused");
            await api().post(`/api/organizations/${org.id}/applications`, { applicationIds: [app.id] });
            const path = `/api/organizations/${org.id}/applications/${app.id}/roles`;
            expectError(await api().post(path, { organizationRoleIds: [userRole.id] }), 422, "entity.db_constraint_violated");
            expectError(await api().post(path, { organizationRoleIds: [m2mRoleA.id, "nope"] }), 422, "entity.relation_foreign_key_not_found");
            expectError(await api().post(path, { organizationRoleIds: [] }), 400, "guard.invalid_input");
            expectError(await api().put(path, { organizationRoleIds: [] }), 400, "guard.invalid_input");
            expectError(await api().put(path, { organizationRoleIds: [userRole.id] }), 422, "entity.db_constraint_violated");
            expect(await roleIds(org.id, app.id)).toEqual([]);
        });

        it("needs a membership: every call for a non-member (or an unknown organization) is 422 organization.require_membership", async () => {
            const org = await organization("non-member");
            const app = await m2mApp("non-member");
            const message = "The user must be a member of the organization to proceed.";
            for (const orgId of [org.id, "nope"]) {
                const path = `/api/organizations/${orgId}/applications/${app.id}/roles`;
                expectError(await api().get(path), 422, "organization.require_membership", message);
                expectError(await api().post(path, { organizationRoleIds: [m2mRoleA.id] }), 422, "organization.require_membership");
                expectError(await api().put(path, { organizationRoleIds: [m2mRoleA.id] }), 422, "organization.require_membership");
                expectError(await api().delete(`${path}/${m2mRoleA.id}`), 422, "organization.require_membership");
            }
        });

        it("PUT replaces them (204); DELETE of one is 204, then 404 entity.not_found", async () => {
            const org = await organization("roles-replace");
            const app = await m2mApp("roles-replace");
            await api().post(`/api/organizations/${org.id}/applications`, { applicationIds: [app.id] });
            const path = `/api/organizations/${org.id}/applications/${app.id}/roles`;
            await api().post(path, { organizationRoleIds: [m2mRoleA.id] });
            expect((await api().put(path, { organizationRoleIds: [m2mRoleB.id] })).status).toBe(204);
            expect(await roleIds(org.id, app.id)).toEqual([m2mRoleB.id]);
            expect((await api().put(path, { organizationRoleIds: [m2mRoleA.id, m2mRoleB.id] })).status).toBe(204);
            expect((await api().delete(`${path}/${m2mRoleB.id}`)).status).toBe(204);
            expectError(await api().delete(`${path}/${m2mRoleB.id}`), 404, "entity.not_found");
            expect(await roleIds(org.id, app.id)).toEqual([m2mRoleA.id]);
        });
    });

    it("cascades: deleting an organization role, an app or an organization removes its assignments and memberships, nothing else", async () => {
        const org = await organization("cascade");
        const other = await organization("cascade-other");
        const stays = await m2mApp("cascade-stays");
        const goes = await m2mApp("cascade-goes");
        const doomedRole = await orgRole("cascade-doomed");
        await api().post(`/api/organizations/${org.id}/applications`, { applicationIds: [stays.id, goes.id] });
        await api().post(`/api/organizations/${other.id}/applications`, { applicationIds: [stays.id] });
        await api().post(`/api/organizations/${org.id}/applications/${stays.id}/roles`, { organizationRoleIds: [m2mRoleA.id, doomedRole.id] });

        expect((await api().delete(`/api/organization-roles/${doomedRole.id}`)).status).toBe(204);
        expect(await roleIds(org.id, stays.id)).toEqual([m2mRoleA.id]);
        expect((await api().delete(`/api/applications/${goes.id}`)).status).toBe(204);
        expect(await memberIds(org.id)).toEqual([stays.id]);
        expect((await api().delete(`/api/organizations/${org.id}`)).status).toBe(204);
        expect(ids((await api().get(`/api/applications/${stays.id}/organizations`)).body)).toEqual([other.id]);
        expect((await api().get(`/api/organization-roles/${m2mRoleA.id}`)).status).toBe(200);
    });
});

describeLocalOnly("persistence is the local Logto's store", "organizations across a restart", () => {
    let dataDir: string;
    beforeEach(() => {
        dataDir = mkdtempSync(path.join(tmpdir(), "local-logto-organizations-"));
    });
    afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

    it("keeps organizations, their roles and scopes, memberships and members' roles in the data dir", async () => {
        const first = await startLocalLogto({ port: 0, dataDir });
        const api = await managementApi(first);
        const scope = (await api.post("/api/organization-scopes", { name: "kept:scope" })).body;
        const role = (await api.post("/api/organization-roles", { name: "kept-role", type: "MachineToMachine", organizationScopeIds: [scope.id], resourceScopeIds: ["management-api-all"] })).body;
        const org = (await api.post("/api/organizations", { name: "kept-org", customData: { k: 1 } })).body;
        const app = (await api.post("/api/applications", { name: "kept-member", type: "MachineToMachine" })).body;
        await api.post(`/api/organizations/${org.id}/applications`, { applicationIds: [app.id] });
        await api.post(`/api/organizations/${org.id}/applications/${app.id}/roles`, { organizationRoleIds: [role.id] });
        await first.close();

        const second = await startLocalLogto({ port: 0, dataDir });
        try {
            const api2 = await managementApi(second);
            expect((await api2.get(`/api/organizations/${org.id}`)).body).toEqual(org);
            expect((await api2.get(`/api/organization-roles/${role.id}/scopes`)).body).toEqual([scope]);
            expect((await api2.get(`/api/organization-roles/${role.id}/resource-scopes`)).body.map((s: { id: string }) => s.id)).toEqual(["management-api-all"]);
            expect((await api2.get(`/api/applications/${app.id}/organizations`)).body).toEqual([{ ...org, organizationRoles: [{ id: role.id, name: "kept-role" }] }]);
        } finally {
            await second.close();
        }
    });
});
