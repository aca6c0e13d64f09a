import { useProviderFixture } from "../support/logtoEngine";
import { M2MRole } from "../../providers/m2mRole";

/**
 * Two stacks declare the same role (two teams, two CI jobs). When their creates race, Logto keeps one role and
 * answers the others 422 or 500 (see test/client/createRaces, which races real writers). A stack answered 500
 * resolves the create by the role's name and holds the role; a stack answered 422 fails with a message that
 * says how to take the role over, and records nothing. Either way: one role, held by a stack, none unrecorded.
 *
 * The ups run one after the other (the engine harness serves one inline run at a time), the first create
 * answered with the race's 500 after it was committed (against the local Logto; against another Logto the
 * first simply succeeds), the second meeting the existing role.
 */
describe("two stacks creating one role at once", () => {
    const fixture = useProviderFixture();

    test("one role in Logto; the 500 is resolved to it, the 422 says it exists", async () => {
        const name = `race-role-${fixture.target().runId}`;
        // No stack outputs: a failed create would leave them unresolved, and the run waiting.
        const program = async () => {
            new M2MRole("role", { name, description: "raced", scopeIds: [] });
        };
        const stacks = [await fixture.stack("create-races", "a", program), await fixture.stack("create-races", "b", program)];
        fixture.target().local?.faults.set([{ kind: "500", route: "POST /api/roles", count: 1, when: "after" }]);
        const outcomes: PromiseSettledResult<unknown>[] = [];
        try {
            for (const stack of stacks) outcomes.push(...await Promise.allSettled([stack.up()]));
        } finally {
            fixture.target().local?.faults.clear();
        }
        expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected"]);

        const roles = (await fixture.target().client.listRoles()).filter((r) => r.name === name);
        expect(roles).toHaveLength(1);
        let holders = 0;
        for (const [i, outcome] of outcomes.entries()) {
            const held = ((await stacks[i]!.exportStack()).deployment.resources ?? [])
                .filter((r: { type: string }) => r.type === "pulumi-nodejs:dynamic/logto:M2MRole")
                .map((r: { id: string }) => r.id);
            if (outcome.status === "fulfilled") {
                expect(held).toEqual([roles[0]!.id]);
                holders++;
            } else {
                expect(String(outcome.reason)).toMatch(new RegExp(`a role named ${name} already exists in Logto: set adopt: true`));
                expect(held).toEqual([]);
            }
        }
        expect(holders).toBeGreaterThanOrEqual(1);

        for (const stack of stacks) await stack.destroy();
        expect((await fixture.target().client.listRoles()).filter((r) => r.name === name)).toEqual([]);
    }, 180_000);
});
