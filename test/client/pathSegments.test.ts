import { isAddressableSegment, ManagementClient, UnaddressableNameError } from "../../client";
import type { LocalLogto } from "../../local-logto";
import { clientFor, closeAll, startLogto } from "./support";

/**
 * A name or id that a URL parser resolves ("..", ".", "%2e") must never send a request to another object: the
 * client refuses it with a typed error, and sends nothing.
 */
describe("names and ids that would address another object", () => {
    let logto: LocalLogto;
    let client: ManagementClient;

    beforeAll(async () => {
        logto = await startLogto();
        client = clientFor(logto);
    });

    afterAll(async () => {
        await closeAll(logto);
    });

    const refused = ["..", ".", "", "...", "%2e", "%2E%2e", ".%2e", "%252e%252e"];

    test.each(refused)("deleting the secret %j of an app is refused, nothing is sent, the app and its secrets stay", async (name) => {
        const app = await client.createApplication({ name: "keeps its secrets" });
        // Logto itself stores such a name (observed on Logto 1.42: POST .../secrets {"name":".."} -> 201).
        if (name !== "") await client.createApplicationSecret(app.id, { name });
        const before = await client.listApplicationSecrets(app.id);
        logto.counters.reset();

        await expect(client.deleteApplicationSecret(app.id, name)).rejects.toThrow(UnaddressableNameError);
        expect(logto.counters.snapshot().api).toBe(0);
        expect(await client.getApplication(app.id)).toMatchObject({ id: app.id });
        expect((await client.listApplicationSecrets(app.id)).map((s) => s.name)).toEqual(before.map((s) => s.name));
        await client.deleteApplication(app.id);
    });

    test("removing the permission '..' from a role, or deleting the role '..', sends nothing and keeps the role", async () => {
        const role = await client.createRole({ name: "keeps itself", description: "d", type: "MachineToMachine" });
        logto.counters.reset();
        await expect(client.removeRoleScope(role.id, "..")).rejects.toThrow(/"\.\." cannot be used as a name or id in a request path/);
        await expect(client.deleteApplication("..")).rejects.toThrow(UnaddressableNameError);
        await expect(client.deleteResource(".")).rejects.toThrow(UnaddressableNameError);
        expect(logto.counters.snapshot().api).toBe(0);
        expect(await client.getRole(role.id)).toMatchObject({ id: role.id });
        await client.deleteRole(role.id);
    });

    test("names with dots among other characters, and a literal percent sign, are ordinary names", async () => {
        for (const ok of ["..a", "a..", "v1.2", ". .", "%", "%2", "%zz", "100%"]) expect(isAddressableSegment(ok)).toBe(true);
        const app = await client.createApplication({ name: "ordinary names" });
        for (const name of ["..x", "%2e%2ex", "100%"]) {
            await client.createApplicationSecret(app.id, { name });
            expect(await client.deleteApplicationSecret(app.id, name)).toBe(true);
        }
        expect((await client.listApplicationSecrets(app.id)).map((s) => s.name)).toEqual(["Default secret"]);
        await client.deleteApplication(app.id);
    });
});
