import { startLogtoTarget, type LogtoTarget } from "../support/logtoTarget";

/**
 * Names with the characters that mean something in a URL (a path separator, a query, a fragment, a percent
 * escape, a plus, spaces, non-ASCII) reach exactly the object they name, as a path segment and as a search value.
 * Runs against the Logto of LOGTO_ENDPOINT, else the local Logto.
 */
const awkward = ["a/b", "a?b=c", "a#b", "100%", "%2F", "a+b", "a b", "x;y,z", "émoji 🔑", "back\\slash", "'quote\"", "&amp"];

describe("special characters in names the client puts in a URL", () => {
    let target: LogtoTarget;

    beforeAll(async () => {
        target = await startLogtoTarget();
    });

    afterAll(async () => {
        await target?.close();
    });

    test("a secret of each awkward name is deleted by its name, and only that secret", async () => {
        const { client, runId } = target;
        const app = await client.createApplication({ name: `${runId} special characters` });
        // A decoy whose name is each awkward name's prefix: a truncated or mis-encoded path would reach it. (A new
        // app comes with its "Default secret".)
        await client.createApplicationSecret(app.id, { name: "a" });
        const kept = ["Default secret", "a"];
        for (const name of awkward) await client.createApplicationSecret(app.id, { name });
        expect((await client.listApplicationSecrets(app.id)).map((s) => s.name).sort()).toEqual([...kept, ...awkward].sort());
        for (const name of awkward) {
            expect(await client.deleteApplicationSecret(app.id, name)).toBe(true);
            expect((await client.listApplicationSecrets(app.id)).map((s) => s.name)).not.toContain(name);
        }
        expect((await client.listApplicationSecrets(app.id)).map((s) => s.name).sort()).toEqual(kept);
        // Gone: a second delete of the same name is "already gone", not a delete of something else.
        expect(await client.deleteApplicationSecret(app.id, awkward[0]!)).toBe(false);
        expect((await client.listApplicationSecrets(app.id)).map((s) => s.name).sort()).toEqual(kept);
    });

    test("a role of each awkward name is found by its exact name, never by a wildcard or a prefix", async () => {
        const { client, runId } = target;
        // Role names may hold anything but Logto's search treats % and _ as wildcards only in like mode.
        const names = [`${runId}-r%`, `${runId}-r_`, `${runId}-r/x`, `${runId}-r?x`, `${runId}-r#x`, `${runId}-r+x`, `${runId}-r x`];
        await client.createRole({ name: `${runId}-rA`, description: "decoy", type: "MachineToMachine" });
        const made = new Map<string, string>();
        for (const name of names) made.set(name, (await client.createRole({ name, description: "special", type: "MachineToMachine" })).id);
        for (const name of names) {
            expect((await client.findRoleByName(name))?.id).toBe(made.get(name));
        }
        expect(await client.findRoleByName(`${runId}-r`)).toBeUndefined();
        expect(await client.findRoleByName(`${runId}-R%`)).toBeUndefined();
    });
});
