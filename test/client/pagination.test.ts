import type { LocalLogto } from "../../local-logto";
import type { ManagementClient, Resource } from "../../client";
import { clientFor, closeAll, startLogto } from "./support";

/**
 * Lists are complete however long, read 100 per page, and never beyond a hard page cap. The local Logto answers
 * these lists in a new order at each read, as Logto 1.42 may (no ORDER BY), so rows move between pages: the
 * client then reads the list again in id slices that fit one page (at most 36 more requests for these sizes).
 */
describe("pagination", () => {
    let logto: LocalLogto;
    let client: ManagementClient;
    let resource: Resource;
    const scopeCount = 260;
    const roleCount = 255;

    beforeAll(async () => {
        logto = await startLogto();
        client = clientFor(logto);
        resource = await client.createResource({ name: "many scopes", indicator: "https://paged.example" });
        const names = Array.from({ length: scopeCount }, (_, i) => `scope:${String(i).padStart(3, "0")}`);
        await Promise.all(names.map((name) => client.createScope(resource.id, { name })));
        await Promise.all(Array.from({ length: roleCount }, (_, i) => client.createRole({ name: `paged-${i}`, description: "d", type: "MachineToMachine" })));
    });

    afterAll(async () => {
        await closeAll(logto);
    });

    beforeEach(() => {
        logto.counters.reset();
    });

    test("all 260 permissions of a resource, though rows move between its 3 pages", async () => {
        const scopes = await client.listScopes(resource.id);
        expect(scopes).toHaveLength(scopeCount);
        expect(new Set(scopes.map((s) => s.id)).size).toBe(scopeCount);
        expect(logto.counters.snapshot().byRoute["GET /api/resources/:id/scopes"]).toBeLessThanOrEqual(3 + 36);
    });

    test("all 255 M2M roles, though rows move between its 3 pages", async () => {
        const roles = await client.listRoles({ type: "MachineToMachine" });
        expect(roles.filter((r) => r.name.startsWith("paged-"))).toHaveLength(roleCount);
        expect(logto.counters.snapshot().byRoute["GET /api/roles"]).toBeLessThanOrEqual(Math.ceil(roles.length / 100) + 36);
    });

    test("all roles of an application with 120 roles, though rows move between its 2 pages", async () => {
        const roles = (await client.listRoles({ type: "MachineToMachine" })).filter((r) => r.name.startsWith("paged-")).slice(0, 120);
        const app = await client.createApplication({ name: "many roles" });
        await client.addApplicationRoles(app.id, roles.map((r) => r.id));
        logto.counters.reset();
        expect((await client.listApplicationRoles(app.id)).map((r) => r.id).sort()).toEqual(roles.map((r) => r.id).sort());
        expect(logto.counters.snapshot().byRoute["GET /api/applications/:id/roles"]).toBeLessThanOrEqual(2 + 36);
    });

    test("lookups by name find the exact one among many", async () => {
        expect(await client.findScopeByName(resource.id, "scope:259")).toMatchObject({ name: "scope:259" });
        expect(await client.findScopeByName(resource.id, "SCOPE:259")).toBeUndefined();
        expect(await client.findRoleByName("paged-254")).toMatchObject({ name: "paged-254" });
        expect(await client.findRoleByName("Paged-254")).toBeUndefined();
    });

    test("a list longer than the page cap is refused, not truncated", async () => {
        const capped = clientFor(logto, { maxPages: 2 });
        await expect(capped.listScopes(resource.id)).rejects.toThrow(/more than 2 pages of 100/);
    });
});
