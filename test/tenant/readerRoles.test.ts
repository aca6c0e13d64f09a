import type { ManagementClient } from "../../client";
import { readTenant } from "../../tenant/reader";
import { startLogtoTarget, type LogtoTarget } from "../support/logtoTarget";

// A role made after the roles listing was read but before an app's: it is in the app's roles, so it is read too.
// (The listing itself is complete however Logto orders its pages: test/client/pagination.) Local Logto, or the
// one of LOGTO_*.
describe("the tenant reader's roles", () => {
    let target: LogtoTarget;
    beforeAll(async () => {
        target = await startLogtoTarget();
    });
    afterAll(async () => target?.close());

    test("a role only an app's listing shows is read too", async () => {
        const { client, runId } = target;
        const unheld = await client.createRole({ name: `${runId}-unheld`, description: "held by no app", type: "MachineToMachine" });
        const held = await client.createRole({ name: `${runId}-held`, description: "held", type: "MachineToMachine" });
        const app = await client.createApplication({ name: `${runId} app` });
        await client.addApplicationRoles(app.id, [held.id]);
        let listings = 0;
        // The listing misses the held role, as if it had been made just after the listing was read.
        const late = new Proxy(client, {
            get(c, property, receiver) {
                if (property === "listRoles") {
                    return async (opts: Parameters<ManagementClient["listRoles"]>[0]) => {
                        listings++;
                        return (await c.listRoles(opts)).filter((r) => r.id !== held.id);
                    };
                }
                return Reflect.get(c, property, receiver) as unknown;
            },
        }) as ManagementClient;
        const tenant = await readTenant(late, { selectApp: (a) => a.name.startsWith(runId), selectRole: (r) => r.name.startsWith(runId) });
        expect(tenant.roles.map((r) => r.role.name).sort()).toEqual([`${runId}-held`, `${runId}-unheld`]);
        expect(tenant.roles.find((r) => r.role.id === unheld.id)?.scopes).toEqual([]);
        expect(listings).toBe(1);
    });
});
