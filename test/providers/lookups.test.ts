import { getApiResourceByIndicator, getManagementApi, getRoleByName } from "../../providers/lookups";
import { M2MApplication } from "../../providers/m2mApplication";
import { M2MRole } from "../../providers/m2mRole";
import { useProviderFixture } from "./support";

describe("lookups", () => {
    const fixture = useProviderFixture();

    test("find the Management API with its all permission, a role by exact name, a resource by indicator", async () => {
        const { connection, client, runId } = fixture.target();
        const management = await getManagementApi(connection);
        expect(management.indicator).toBe(client.connection.managementIndicator);
        expect(management.allScopeId).toBeTruthy();

        const role = await getRoleByName("Logto Management API access", connection);
        expect(role).toMatchObject({ name: "Logto Management API access", type: "MachineToMachine" });
        expect(await getRoleByName("logto management api access", connection)).toBeUndefined();

        const made = await client.createResource({ name: "looked up", indicator: `https://${runId}.lookup.example` });
        expect(await getApiResourceByIndicator(`https://${runId}.lookup.example`, connection))
            .toEqual({ id: made.id, name: "looked up", indicator: made.indicator, accessTokenTtl: 3600 });
        expect(await getApiResourceByIndicator(`https://${runId}.lookup.example/`, connection)).toBeUndefined();
    });

    test("in a program, read the connection from stack config: an app given Management API access gets a token with all", async () => {
        const { client, runId } = fixture.target();
        const stack = await fixture.stack("logto-lookups", "dev", async () => {
            const management = await getManagementApi();
            const preconfigured = await getRoleByName("Logto Management API access");
            if (preconfigured === undefined) throw new Error("the preconfigured role is missing");
            const own = new M2MRole("admin", { name: `${runId}-admin`, description: "manages the tenant", scopeIds: [management.allScopeId] });
            const app = new M2MApplication("ops", { name: `${runId} ops`, roleIds: [own.id, preconfigured.id] });
            return { appId: app.appId, appSecret: app.appSecret, indicator: management.indicator };
        });
        const result = await stack.up();
        const grant = await client.requestAppToken(result.outputs.appId!.value, result.outputs.appSecret!.value, result.outputs.indicator!.value, ["all"]);
        expect(grant.scope).toEqual(["all"]);
        await stack.destroy();
        // The preconfigured role was only assigned, never managed: it is still there.
        expect(await getRoleByName("Logto Management API access", fixture.target().connection)).toBeDefined();
    });
});
