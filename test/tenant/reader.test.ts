import type { ManagementClient } from "../../client";
import { readTenant } from "../../tenant/reader";
import { startLogtoTarget, type LogtoTarget } from "../support/logtoTarget";

// A tenant others change while it is read (a shared tenant, a cleanup running): an object deleted between the
// listing and its own read is left out, not a failed read. Local Logto, or the one of LOGTO_*.
describe("the tenant reader", () => {
    let target: LogtoTarget;
    beforeAll(async () => {
        target = await startLogtoTarget();
    });
    afterAll(async () => target?.close());

    test("leaves out a role and an app deleted after the listing, and reads the rest", async () => {
        const { client, runId } = target;
        const keptRole = await client.createRole({ name: `${runId}-kept`, description: "kept", type: "MachineToMachine" });
        const goneRole = await client.createRole({ name: `${runId}-gone`, description: "gone", type: "MachineToMachine" });
        const keptApp = await client.createApplication({ name: `${runId} kept` });
        await client.addApplicationRoles(keptApp.id, [keptRole.id]);
        const goneApp = await client.createApplication({ name: `${runId} gone` });
        // The per-object reads of the two find them deleted, as a concurrent cleanup would leave them.
        const racing = new Proxy(client, {
            get(c, property, receiver) {
                if (property === "listRoleScopes") return async (id: string) => { if (id === goneRole.id) await c.deleteRole(id); return c.listRoleScopes(id); };
                if (property === "listApplicationRoles") return async (id: string) => { if (id === goneApp.id) await c.deleteApplication(id); return c.listApplicationRoles(id); };
                return Reflect.get(c, property, receiver) as unknown;
            },
        }) as ManagementClient;
        const tenant = await readTenant(racing, { selectApp: (a) => a.name.startsWith(runId), selectRole: (r) => r.name.startsWith(runId) });
        expect(tenant.roles.map((r) => r.role.name)).toEqual([`${runId}-kept`]);
        expect(tenant.apps.map((a) => [a.app.name, a.roles.map((r) => r.name), a.secrets.map((s) => s.name)])).toEqual([[`${runId} kept`, [`${runId}-kept`], ["Default secret"]]]);
    });
});
