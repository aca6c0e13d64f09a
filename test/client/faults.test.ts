import { LogtoApiError, OutcomeUnknownError } from "../../client";
import type { FaultRule, LocalLogto } from "../../local-logto";
import { clientFor, closeAll, startLogto } from "./support";

/** Recovery from each fault the local Logto injects, through the client's retries. */
describe("recovery from injected faults", () => {
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

    const listFaults = (kind: FaultRule["kind"], extra: Partial<FaultRule> = {}): FaultRule[] =>
        [{ kind, route: "GET /api/resources", count: 2, ...extra }];

    test("429 with Retry-After: waits as told, then succeeds", async () => {
        const client = clientFor(logto);
        await client.listResources();
        logto.counters.reset();
        logto.faults.set(listFaults("429", { retryAfterSeconds: 1 }));
        const startedAt = Date.now();
        await expect(client.listResources()).resolves.toBeInstanceOf(Array);
        expect(Date.now() - startedAt).toBeGreaterThanOrEqual(2_000);
        expect(logto.counters.snapshot().byRoute["GET /api/resources"]).toBe(3);
    });

    test.each(["500", "502", "503"] as const)("%s on a read is retried until it succeeds", async (kind) => {
        const client = clientFor(logto);
        logto.faults.set(listFaults(kind));
        await expect(client.listResources()).resolves.toBeInstanceOf(Array);
        expect(logto.counters.snapshot().byRoute["GET /api/resources"]).toBe(3);
    });

    test("a dropped connection on a read is retried", async () => {
        const client = clientFor(logto);
        logto.faults.set(listFaults("drop"));
        await expect(client.listResources()).resolves.toBeInstanceOf(Array);
        expect(logto.counters.snapshot().byRoute["GET /api/resources"]).toBe(3);
    });

    test("a read slower than the timeout is abandoned and retried", async () => {
        const client = clientFor(logto, { fetchTimeoutMs: 300 });
        logto.faults.set(listFaults("latency", { latencyMs: 1_000, count: 1 }));
        await expect(client.listResources()).resolves.toBeInstanceOf(Array);
        expect(logto.counters.snapshot().byRoute["GET /api/resources"]).toBe(2);
    });

    test("latency within the timeout is simply waited for", async () => {
        const client = clientFor(logto);
        logto.faults.set([{ kind: "latency", latencyMs: 200 }]);
        await expect(client.listRoles()).resolves.toBeInstanceOf(Array);
        expect(client.stats().requests).toBe(1);
    });

    test("a fault that does not clear ends in an error after the bounded attempts", async () => {
        const client = clientFor(logto, { retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50 } });
        logto.faults.set([{ kind: "503", route: "GET /api/resources" }]);
        const error = await client.listResources().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(LogtoApiError);
        expect(error).toMatchObject({ status: 503, attempts: 3, method: "GET", path: "/api/resources" });
    });

    test("faults at the token endpoint are retried too", async () => {
        const client = clientFor(logto);
        logto.faults.set([{ kind: "503", route: "token", count: 1 }, { kind: "drop", route: "token", count: 1 }]);
        await expect(client.listResources()).resolves.toBeInstanceOf(Array);
        expect(client.stats().tokenRequests).toBe(3);
    });

    test("a create refused with 429 is sent again (nothing was done)", async () => {
        const client = clientFor(logto);
        logto.faults.set([{ kind: "429", route: "POST /api/roles", count: 1, retryAfterSeconds: 0 }]);
        const role = await client.createRole({ name: "after-429", description: "d", type: "MachineToMachine" });
        const counts = logto.counters.snapshot().byRoute;
        expect(counts["POST /api/roles"]).toBe(2);
        expect(counts["GET /api/roles"]).toBeUndefined();
        expect(role.name).toBe("after-429");
    });

    test.each(["500", "502", "503", "drop"] as const)("a create failing with %s before it was applied is looked up, then sent again", async (kind) => {
        const client = clientFor(logto);
        const name = `created-after-${kind}`;
        logto.faults.set([{ kind, route: "POST /api/roles", count: 1 }]);
        const role = await client.createRole({ name, description: "d", type: "MachineToMachine" });
        const counts = logto.counters.snapshot().byRoute;
        expect(counts["POST /api/roles"]).toBe(2);
        expect(counts["GET /api/roles"]).toBe(1);
        expect((await client.listRoles()).filter((r) => r.name === name)).toEqual([role]);
    });

    test("a delete whose answer was lost counts as done", async () => {
        const client = clientFor(logto);
        const role = await client.createRole({ name: "deleted-twice", description: "d", type: "MachineToMachine" });
        logto.faults.set([{ kind: "drop", route: "DELETE /api/roles/:id", count: 1, when: "after" }]);
        await expect(client.deleteRole(role.id)).resolves.toBe(true);
        expect(await client.getRole(role.id)).toBeUndefined();
    });

    test("an update whose answer was lost is repeated (idempotent)", async () => {
        const client = clientFor(logto);
        const role = await client.createRole({ name: "patched", description: "d", type: "MachineToMachine" });
        logto.faults.set([{ kind: "502", route: "PATCH /api/roles/:id", count: 1, when: "after" }]);
        await expect(client.updateRole(role.id, { description: "new" })).resolves.toMatchObject({ description: "new" });
    });

    test("adding scopes whose answer was lost is repeated without error", async () => {
        const client = clientFor(logto);
        const resource = await client.createResource({ name: "faulty", indicator: "https://faulty.example" });
        const scopes = await Promise.all(["a", "b"].map((name) => client.createScope(resource.id, { name })));
        const role = await client.createRole({ name: "scoped-after-drop", description: "d", type: "MachineToMachine" });
        logto.faults.set([{ kind: "drop", route: "POST /api/roles/:id/scopes", count: 1, when: "after" }]);
        await client.addRoleScopes(role.id, scopes.map((s) => s.id));
        expect((await client.listRoleScopes(role.id)).map((s) => s.name).sort()).toEqual(["a", "b"]);
    });

    test("when the lookup after a lost create fails too, the outcome is reported as unknown", async () => {
        const client = clientFor(logto, { retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20 } });
        logto.faults.set([
            { kind: "drop", route: "POST /api/roles", count: 1, when: "after" },
            { kind: "503", route: "GET /api/roles" },
        ]);
        const error = await client.createRole({ name: "unknowable", description: "d", type: "MachineToMachine" }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(OutcomeUnknownError);
        expect((error as OutcomeUnknownError).message).toMatch(/role name "unknowable"/);
        logto.faults.clear();
        // It was in fact created: the error was right not to claim otherwise.
        expect(await client.findRoleByName("unknowable")).toBeDefined();
    });
});
