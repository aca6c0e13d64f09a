import { LogtoApiError, ManagementClient } from "../../client";
import { startLogtoTarget, type LogtoTarget } from "../support/logtoTarget";

/**
 * Several writers create the same object at the same moment. Logto 1.42 checks the natural key, then inserts:
 * of six simultaneous creates one wins, the others get 422 (the check saw the winner) or 500 `{"message":
 * "Internal server error."}` (both passed the check; the database's unique key refused the insert). The client
 * must end with one object: a 500 is resolved by looking the object up, a 422 is the conflict it is.
 *
 * Runs against the Logto of LOGTO_ENDPOINT (real interleaving) or the local Logto, whose check and insert are
 * atomic: there the first create is committed and answered with that 500 (`{ kind: "500", when: "after" }`,
 * what a losing writer sees), and the others get the 422.
 */
describe("simultaneous creates of one object", () => {
    let target: LogtoTarget;
    let writers: ManagementClient[];

    beforeAll(async () => {
        target = await startLogtoTarget();
        // Each writer with its own token and budget, as separate processes would be.
        writers = Array.from({ length: 6 }, () => new ManagementClient(target.connection, { now: () => Date.now(), budget: "off" }));
    });

    afterAll(async () => {
        await target?.close();
    });

    const raceOn = (route: string): void => {
        target.local?.faults.set([{ kind: "500", route, count: 1, when: "after" }]);
    };

    /** Every outcome is the one object, or the conflict `code`; at least one writer got the object. */
    function expectOneWinner<T extends { id: string }>(outcomes: PromiseSettledResult<T>[], objects: T[], code: string): void {
        expect(objects).toHaveLength(1);
        for (const outcome of outcomes) {
            if (outcome.status === "fulfilled") expect(outcome.value.id).toBe(objects[0]!.id);
            else expect(outcome.reason).toMatchObject({ status: 422, code });
            if (outcome.status === "rejected") expect(outcome.reason).toBeInstanceOf(LogtoApiError);
        }
        expect(outcomes.some((o) => o.status === "fulfilled")).toBe(true);
    }

    afterEach(() => {
        target.local?.faults.clear();
    });

    test("roles: one role, every writer gets it or role.name_in_use", async () => {
        const name = `race-role-${target.runId}`;
        raceOn("POST /api/roles");
        const outcomes = await Promise.allSettled(writers.map((w) => w.createRole({ name, description: "d", type: "MachineToMachine" })));
        expectOneWinner(outcomes, (await target.client.listRoles()).filter((r) => r.name === name), "role.name_in_use");
    });

    test("API resources: one resource per indicator", async () => {
        const indicator = `https://race-${target.runId}.example/api`;
        raceOn("POST /api/resources");
        const outcomes = await Promise.allSettled(writers.map((w) => w.createResource({ name: "race", indicator })));
        expectOneWinner(outcomes, (await target.client.listResources()).filter((r) => r.indicator === indicator), "resource.resource_identifier_in_use");
    });

    test("permissions: one permission per name within the resource", async () => {
        const resource = await target.client.createResource({ name: "race scopes", indicator: `https://race-scopes-${target.runId}.example` });
        raceOn("POST /api/resources/:id/scopes");
        const outcomes = await Promise.allSettled(writers.map((w) => w.createScope(resource.id, { name: "read:race" })));
        expectOneWinner(outcomes, (await target.client.listScopes(resource.id)).filter((s) => s.name === "read:race"), "scope.name_exists");
    });
});
