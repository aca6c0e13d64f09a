import type { ManagementClient } from "../../client";
import { readTenant } from "../../tenant/reader";
import { startLogtoTarget, type LogtoTarget } from "../support/logtoTarget";

// Logto pages GET /api/roles without an ORDER BY, so one pass can miss a role that moved between pages. Local
// Logto, or the one of LOGTO_*.
describe("the tenant reader's roles", () => {
    let target: LogtoTarget;
    beforeAll(async () => {
        target = await startLogtoTarget();
    });
    afterAll(async () => target?.close());

    test("a role one pass of the listing missed is found by the next, and one only an app's listing shows is read too", async () => {
        const { client, runId } = target;
        const unheld = await client.createRole({ name: `${runId}-unheld`, description: "held by no app", type: "MachineToMachine" });
        const held = await client.createRole({ name: `${runId}-held`, description: "held", type: "MachineToMachine" });
        const app = await client.createApplication({ name: `${runId} app` });
        await client.addApplicationRoles(app.id, [held.id]);
        let passes = 0;
        // The first pass misses both roles, every later one misses the held role: as pages shifting under it would.
        const shifting = new Proxy(client, {
            get(c, property, receiver) {
                if (property === "listRoles") {
                    return async (opts: Parameters<ManagementClient["listRoles"]>[0]) => {
                        passes++;
                        return (await c.listRoles(opts)).filter((r) => r.id !== held.id && (passes > 1 || r.id !== unheld.id));
                    };
                }
                return Reflect.get(c, property, receiver) as unknown;
            },
        }) as ManagementClient;
        const progress: string[] = [];
        const tenant = await readTenant(shifting, { selectApp: (a) => a.name.startsWith(runId), selectRole: (r) => r.name.startsWith(runId), onProgress: (l) => progress.push(l) });
        expect(tenant.roles.map((r) => r.role.name).sort()).toEqual([`${runId}-held`, `${runId}-unheld`]);
        expect(passes).toBe(3);
        expect(progress).toContain("the roles listing changed between passes (1 more roles): listing again");
    });
});
