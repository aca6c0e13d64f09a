import type { FaultRule, LocalLogto } from "../../local-logto";
import { clientFor, closeAll, startLogto } from "./support";

/**
 * A create whose answer is lost after Logto applied it (the connection drops, or a 5xx replaces the answer) is
 * resolved by looking the object up by its natural key: the object is returned and never created twice.
 */
describe("creates whose answer was lost", () => {
    let logto: LocalLogto;

    beforeAll(async () => {
        logto = await startLogto();
    });

    afterAll(async () => {
        await closeAll(logto);
    });

    beforeEach(() => {
        logto.faults.clear();
        logto.counters.reset();
    });

    const lose = (route: string, kind: FaultRule["kind"] = "drop"): void => {
        logto.faults.set([{ kind, route, count: 1, when: "after" }]);
    };

    const posts = (route: string): number | undefined => logto.counters.snapshot().byRoute[`POST ${route}`];

    test.each(["drop", "500", "503"] as const)("API resource (%s): found by its indicator", async (kind) => {
        const client = clientFor(logto);
        const indicator = `https://lost-${kind}.example/api`;
        lose("POST /api/resources", kind);
        const resource = await client.createResource({ name: "lost", indicator, accessTokenTtl: 900 });
        expect(resource).toMatchObject({ indicator, name: "lost", accessTokenTtl: 900 });
        expect(posts("/api/resources")).toBe(1);
        expect((await client.listResources()).filter((r) => r.indicator === indicator)).toHaveLength(1);
    });

    test("permission: found by its name within the resource", async () => {
        const client = clientFor(logto);
        const resource = await client.createResource({ name: "with scopes", indicator: "https://lost-scope.example" });
        lose("POST /api/resources/:id/scopes");
        const scope = await client.createScope(resource.id, { name: "read:items", description: "Read items" });
        expect(scope).toMatchObject({ name: "read:items", description: "Read items", resourceId: resource.id });
        expect(posts("/api/resources/:id/scopes")).toBe(1);
        expect(await client.listScopes(resource.id)).toEqual([scope]);
    });

    test("role: found by its exact name", async () => {
        const client = clientFor(logto);
        lose("POST /api/roles");
        const role = await client.createRole({ name: "lost-role", description: "d", type: "MachineToMachine" });
        expect(role).toMatchObject({ name: "lost-role", type: "MachineToMachine" });
        expect(posts("/api/roles")).toBe(1);
        expect((await client.listRoles()).filter((r) => r.name === "lost-role")).toHaveLength(1);
    });

    test("application: found by the marker the client put in customData", async () => {
        const client = clientFor(logto);
        lose("POST /api/applications");
        const app = await client.createApplication({ name: "lost-app", customData: { team: "payments" } });
        expect(app).toMatchObject({ name: "lost-app", type: "MachineToMachine", customData: { team: "payments" } });
        expect(posts("/api/applications")).toBe(1);
        expect((await client.listApplications()).filter((a) => a.name === "lost-app")).toHaveLength(1);
    });

    test("application secret: found by its name", async () => {
        const client = clientFor(logto);
        const app = await client.createApplication({ name: "secret-holder" });
        lose("POST /api/applications/:id/secrets");
        const secret = await client.createApplicationSecret(app.id, { name: "ci", expiresAt: Date.now() + 86_400_000 });
        expect(secret.name).toBe("ci");
        expect(secret.value).not.toBe("");
        expect(posts("/api/applications/:id/secrets")).toBe(1);
        expect((await client.listApplicationSecrets(app.id)).map((s) => s.name).sort()).toEqual(["Default secret", "ci"]);
    });

    test("under random lost answers, 30 roles are created once each", async () => {
        const client = clientFor(logto);
        logto.faults.set([{ kind: "drop", route: "POST /api/roles", rate: 0.3, seed: 7, when: "after" }]);
        const names = Array.from({ length: 30 }, (_, i) => `flaky-${i}`);
        await Promise.all(names.map((name) => client.createRole({ name, description: "d", type: "MachineToMachine" })));
        logto.faults.clear();
        // Some answers were lost (each loss costs one lookup), none of the creates was repeated.
        expect(logto.counters.snapshot().byRoute["GET /api/roles"]).toBeGreaterThan(3);
        const roles = (await client.listRoles()).filter((r) => r.name.startsWith("flaky-"));
        expect(roles.map((r) => r.name).sort()).toEqual([...names].sort());
        expect(posts("/api/roles")).toBe(30);
    });
});
