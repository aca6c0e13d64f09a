import type { HttpResult } from "./support";
import { useContractTarget } from "./target";

/** Logto's error answer: the status and the body's code (and message where it is fixed). */
function expectError(result: HttpResult, status: number, code: string, message?: string): void {
    expect({ status: result.status, code: result.body?.code }).toEqual({ status, code });
    if (message !== undefined) expect(result.body.message).toBe(message);
}
const names = (items: Array<{ name: string }>) => items.map((i) => i.name).sort();
const uniqueViolation = "The entity already exists. Please check the input and try again.";

describe("organization scopes /api/organization-scopes", () => {
    const target = useContractTarget();
    const api = () => target().api;
    const n = (base: string) => target().name(base);

    it("creates with 201 {tenantId, id, name, description}; description null when omitted", async () => {
        const result = await api().post("/api/organization-scopes", { name: n("scope:create") });
        expect(result.status).toBe(201);
        expect(result.body).toEqual({ tenantId: "default", id: expect.stringMatching(/^[a-z0-9]{21}$/), name: n("scope:create"), description: null });
        expect((await api().get(`/api/organization-scopes/${result.body.id}`)).body).toEqual(result.body);
    });

    it("keeps names unique (422 entity.unique_integrity_violation), allows spaces, limits name to 128 and description to 256", async () => {
        await api().post("/api/organization-scopes", { name: n("scope:dup") });
        expectError(await api().post("/api/organization-scopes", { name: n("scope:dup") }), 422, "entity.unique_integrity_violation", uniqueViolation);
        expect((await api().post("/api/organization-scopes", { name: n("with space") })).status).toBe(201);
        for (const body of [{}, { name: "" }, { name: n("x").padEnd(129, "x") }, { name: n("long-description"), description: "d".repeat(257) }, { name: n("bad-description"), description: 5 }]) {
            expectError(await api().post("/api/organization-scopes", body), 400, "guard.invalid_input");
        }
    });

    it("updates name and description (200), refuses an empty update (422), a taken name (422), an unknown id (404 entity.not_exists)", async () => {
        const scope = (await api().post("/api/organization-scopes", { name: n("scope:patch") })).body;
        await api().post("/api/organization-scopes", { name: n("scope:taken") });
        const patched = await api().patch(`/api/organization-scopes/${scope.id}`, { description: "described" });
        expect(patched.status).toBe(200);
        expect(patched.body).toMatchObject({ id: scope.id, name: n("scope:patch"), description: "described" });
        expectError(await api().patch(`/api/organization-scopes/${scope.id}`, {}), 422, "entity.invalid_input");
        expectError(await api().patch(`/api/organization-scopes/${scope.id}`, { name: n("scope:taken") }), 422, "entity.unique_integrity_violation");
        expectError(await api().patch("/api/organization-scopes/nope", { description: "x" }), 404, "entity.not_exists", "The organization_scope does not exist.");
    });

    it("answers 404 entity.not_exists_with_id to GET of an unknown id, and entity.not_found to a second DELETE", async () => {
        expectError(await api().get("/api/organization-scopes/nope"), 404, "entity.not_exists_with_id", "The organization_scopes with ID `nope` does not exist.");
        const scope = (await api().post("/api/organization-scopes", { name: n("scope:delete") })).body;
        expect((await api().delete(`/api/organization-scopes/${scope.id}`)).status).toBe(204);
        expectError(await api().delete(`/api/organization-scopes/${scope.id}`), 404, "entity.not_found");
    });

    it("lists all without paging unless asked, ordered by name; q matches a part of the name, case-insensitively", async () => {
        for (const base of ["list:b", "list:a", "list:c"]) await api().post("/api/organization-scopes", { name: n(base) });
        const all = await api().get(`/api/organization-scopes?q=${encodeURIComponent(`${target().runId}-LIST:`)}`);
        expect(all.headers.get("total-number")).toBeNull();
        expect(all.body.map((s: { name: string }) => s.name)).toEqual([n("list:a"), n("list:b"), n("list:c")]);
        const paged = await api().get(`/api/organization-scopes?q=${encodeURIComponent(`${target().runId}-list:`)}&page=2&page_size=2`);
        expect(paged.headers.get("total-number")).toBe("3");
        expect(paged.body.map((s: { name: string }) => s.name)).toEqual([n("list:c")]);
        expectError(await api().get("/api/organization-scopes?page_size=101"), 400, "guard.invalid_pagination");
        // `search` is not this list's parameter: it is ignored.
        const ignored = await api().get(`/api/organization-scopes?q=${encodeURIComponent(`${target().runId}-list:`)}&search=nothing-matches`);
        expect(ignored.body).toHaveLength(3);
    });
});

describe("organization roles /api/organization-roles", () => {
    const target = useContractTarget();
    const api = () => target().api;
    const n = (base: string) => target().name(base);
    let read: { id: string; name: string };
    let write: { id: string; name: string };
    let resource: { id: string; name: string };
    let orders: { id: string; name: string };
    let refunds: { id: string; name: string };

    beforeAll(async () => {
        read = (await api().post("/api/organization-scopes", { name: n("org:read") })).body;
        write = (await api().post("/api/organization-scopes", { name: n("org:write") })).body;
        resource = (await api().post("/api/resources", { name: n("orders-api"), indicator: target().indicator("orders") })).body;
        orders = (await api().post(`/api/resources/${resource.id}/scopes`, { name: "read:orders" })).body;
        refunds = (await api().post(`/api/resources/${resource.id}/scopes`, { name: "write:refunds" })).body;
    });
    const m2mRole = async (base: string, extra: Record<string, unknown> = {}) =>
        (await api().post("/api/organization-roles", { name: n(base), type: "MachineToMachine", ...extra })).body as { id: string; name: string };
    const scopeIds = async (roleId: string, kind: "scopes" | "resource-scopes") =>
        ((await api().get(`/api/organization-roles/${roleId}/${kind}`)).body as Array<{ id: string }>).map((s) => s.id).sort();

    it("creates with 201 and assigns organization and resource scopes in the same call; type defaults to User", async () => {
        const result = await api().post("/api/organization-roles", { name: n("create"), type: "MachineToMachine", organizationScopeIds: [read.id], resourceScopeIds: [orders.id] });
        expect(result.status).toBe(201);
        expect(result.body).toEqual({ tenantId: "default", id: expect.stringMatching(/^[a-z0-9]{21}$/), name: n("create"), description: null, type: "MachineToMachine" });
        expect(await scopeIds(result.body.id, "scopes")).toEqual([read.id]);
        const resourceScopes = (await api().get(`/api/organization-roles/${result.body.id}/resource-scopes`)).body;
        expect(resourceScopes).toEqual([{ tenantId: "default", id: orders.id, resourceId: resource.id, name: "read:orders", description: null, createdAt: expect.any(Number) }]);
        expect((await api().post("/api/organization-roles", { name: n("user-role") })).body.type).toBe("User");
    });

    it("is atomic: an unknown scope id answers 422 entity.relation_foreign_key_not_found and no role is left", async () => {
        expectError(await api().post("/api/organization-roles", { name: n("half-a"), type: "MachineToMachine", organizationScopeIds: [read.id, "nope"] }), 422, "entity.relation_foreign_key_not_found");
        expectError(await api().post("/api/organization-roles", { name: n("half-b"), type: "MachineToMachine", resourceScopeIds: ["nope"] }), 422, "entity.relation_foreign_key_not_found");
        expect((await api().get(`/api/organization-roles?q=${encodeURIComponent(n("half-"))}`)).body).toEqual([]);
    });

    it("validates the body (400 guard.invalid_input) and keeps names unique (422 entity.unique_integrity_violation)", async () => {
        for (const body of [{}, { name: n("bad-type"), type: "Admin" }, { name: n("x").padEnd(129, "x") }, { name: n("long-description"), description: "d".repeat(257) }]) {
            expectError(await api().post("/api/organization-roles", body), 400, "guard.invalid_input");
        }
        await m2mRole("unique");
        expectError(await api().post("/api/organization-roles", { name: n("unique") }), 422, "entity.unique_integrity_violation", uniqueViolation);
    });

    it("reads by id; an unknown id is 404 entity.not_found (GET, DELETE) or entity.not_exists (PATCH)", async () => {
        const role = await m2mRole("read");
        expect((await api().get(`/api/organization-roles/${role.id}`)).body).toEqual({ tenantId: "default", id: role.id, name: n("read"), description: null, type: "MachineToMachine" });
        expectError(await api().get("/api/organization-roles/nope"), 404, "entity.not_found");
        expectError(await api().patch("/api/organization-roles/nope", { description: "x" }), 404, "entity.not_exists", "The organization_role does not exist.");
        expectError(await api().delete("/api/organization-roles/nope"), 404, "entity.not_found");
        expectError(await api().get("/api/organization-roles/nope/scopes"), 404, "entity.not_found");
        expectError(await api().get("/api/organization-roles/nope/resource-scopes"), 404, "entity.not_found");
    });

    it("PATCH changes name, description and also the type (200); empty body 422, taken name 422", async () => {
        const role = await m2mRole("patch");
        await m2mRole("patch-taken");
        const patched = await api().patch(`/api/organization-roles/${role.id}`, { description: "dd", type: "User" });
        expect(patched.status).toBe(200);
        expect(patched.body).toMatchObject({ description: "dd", type: "User" });
        expect((await api().patch(`/api/organization-roles/${role.id}`, { type: "MachineToMachine" })).body.type).toBe("MachineToMachine");
        expectError(await api().patch(`/api/organization-roles/${role.id}`, {}), 422, "entity.invalid_input");
        expectError(await api().patch(`/api/organization-roles/${role.id}`, { name: n("patch-taken") }), 422, "entity.unique_integrity_violation");
    });

    it("lists always paged (Total-Number), by name, each with its scopes and resource scopes; q matches id, name or description", async () => {
        const b = await m2mRole("list-b", { organizationScopeIds: [write.id], resourceScopeIds: [refunds.id] });
        const a = await api().post("/api/organization-roles", { name: n("list-a"), description: "findable description" });
        const listed = await api().get(`/api/organization-roles?q=${encodeURIComponent(n("list-"))}`);
        expect(listed.headers.get("total-number")).toBe("2");
        expect(listed.body.map((r: { name: string }) => r.name)).toEqual([n("list-a"), n("list-b")]);
        expect(listed.body[1]).toEqual({
            tenantId: "default", id: b.id, name: n("list-b"), description: null, type: "MachineToMachine",
            scopes: [{ id: write.id, name: n("org:write") }],
            resourceScopes: [{ id: refunds.id, name: "write:refunds", resource: { id: resource.id, name: n("orders-api") } }],
        });
        expect((await api().get(`/api/organization-roles?q=${b.id}`)).body.map((r: { id: string }) => r.id)).toEqual([b.id]);
        expect((await api().get("/api/organization-roles?q=FINDABLE%20desc")).body.map((r: { id: string }) => r.id)).toContain(a.body.id);
        const paged = await api().get(`/api/organization-roles?q=${encodeURIComponent(n("list-"))}&page=2&page_size=1`);
        expect(paged.body.map((r: { name: string }) => r.name)).toEqual([n("list-b")]);
    });

    it("adds organization scopes with 201 Created, idempotently; replaces them with PUT (204, [] allowed); deletes one (204, then 404)", async () => {
        const role = await m2mRole("scopes");
        const added = await api().post(`/api/organization-roles/${role.id}/scopes`, { organizationScopeIds: [read.id] });
        expect({ status: added.status, text: added.text }).toEqual({ status: 201, text: "Created" });
        expect((await api().post(`/api/organization-roles/${role.id}/scopes`, { organizationScopeIds: [read.id, write.id] })).status).toBe(201);
        expect(await scopeIds(role.id, "scopes")).toEqual([read.id, write.id].sort());
        expectError(await api().post(`/api/organization-roles/${role.id}/scopes`, { organizationScopeIds: ["nope"] }), 422, "entity.relation_foreign_key_not_found");
        expectError(await api().post("/api/organization-roles/nope/scopes", { organizationScopeIds: [read.id] }), 422, "entity.relation_foreign_key_not_found");
        expectError(await api().post(`/api/organization-roles/${role.id}/scopes`, { organizationScopeIds: [] }), 400, "guard.invalid_input");
        expectError(await api().post(`/api/organization-roles/${role.id}/scopes`, { scopeIds: [read.id] }), 400, "guard.invalid_input");

        expect((await api().put(`/api/organization-roles/${role.id}/scopes`, { organizationScopeIds: [write.id] })).status).toBe(204);
        expect(await scopeIds(role.id, "scopes")).toEqual([write.id]);
        expectError(await api().put(`/api/organization-roles/${role.id}/scopes`, { organizationScopeIds: ["nope"] }), 422, "entity.relation_foreign_key_not_found");
        expect(await scopeIds(role.id, "scopes")).toEqual([write.id]);
        expect((await api().put(`/api/organization-roles/${role.id}/scopes`, { organizationScopeIds: [] })).status).toBe(204);
        expect(await scopeIds(role.id, "scopes")).toEqual([]);

        await api().post(`/api/organization-roles/${role.id}/scopes`, { organizationScopeIds: [read.id] });
        expect((await api().delete(`/api/organization-roles/${role.id}/scopes/${read.id}`)).status).toBe(204);
        expectError(await api().delete(`/api/organization-roles/${role.id}/scopes/${read.id}`), 404, "entity.not_found");
    });

    it("adds API resource scopes (any resource's, the Management API's `all` too) with {scopeIds}: 201, PUT 204, DELETE 204/404", async () => {
        const role = await m2mRole("resource-scopes");
        expect((await api().post(`/api/organization-roles/${role.id}/resource-scopes`, { scopeIds: [orders.id, "management-api-all"] })).status).toBe(201);
        expect((await api().post(`/api/organization-roles/${role.id}/resource-scopes`, { scopeIds: [orders.id] })).status).toBe(201);
        expect(await scopeIds(role.id, "resource-scopes")).toEqual([orders.id, "management-api-all"].sort());
        expectError(await api().post(`/api/organization-roles/${role.id}/resource-scopes`, { scopeIds: ["nope"] }), 422, "entity.relation_foreign_key_not_found");
        expectError(await api().post(`/api/organization-roles/${role.id}/resource-scopes`, { resourceScopeIds: [orders.id] }), 400, "guard.invalid_input");
        expect((await api().put(`/api/organization-roles/${role.id}/resource-scopes`, { scopeIds: [refunds.id] })).status).toBe(204);
        expect(await scopeIds(role.id, "resource-scopes")).toEqual([refunds.id]);
        expect((await api().delete(`/api/organization-roles/${role.id}/resource-scopes/${refunds.id}`)).status).toBe(204);
        expectError(await api().delete(`/api/organization-roles/${role.id}/resource-scopes/${refunds.id}`), 404, "entity.not_found");
    });

    it("cascades: deleting an organization scope, an API scope or an API resource removes them from roles; the roles stay", async () => {
        const doomedScope = (await api().post("/api/organization-scopes", { name: n("org:doomed") })).body;
        const doomedResource = (await api().post("/api/resources", { name: n("doomed-api"), indicator: target().indicator("doomed") })).body;
        const doomedResourceScope = (await api().post(`/api/resources/${doomedResource.id}/scopes`, { name: "doomed" })).body;
        const doomedApiScope = (await api().post(`/api/resources/${resource.id}/scopes`, { name: "doomed:orders" })).body;
        const role = await m2mRole("cascade", { organizationScopeIds: [read.id, doomedScope.id], resourceScopeIds: [orders.id, doomedResourceScope.id, doomedApiScope.id] });

        expect((await api().delete(`/api/organization-scopes/${doomedScope.id}`)).status).toBe(204);
        expect((await api().delete(`/api/resources/${resource.id}/scopes/${doomedApiScope.id}`)).status).toBe(204);
        expect((await api().delete(`/api/resources/${doomedResource.id}`)).status).toBe(204);
        expect(await scopeIds(role.id, "scopes")).toEqual([read.id]);
        expect(await scopeIds(role.id, "resource-scopes")).toEqual([orders.id]);
        expect(names((await api().get(`/api/organization-roles?q=${role.id}`)).body)).toEqual([n("cascade")]);
    });
});
