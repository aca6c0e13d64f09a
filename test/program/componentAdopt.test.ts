import { LogtoM2M } from "../../component/logtoM2M";
import { verifyStackOutputs } from "../../component/verify";
import { useProviderFixture } from "../support/logtoEngine";

// `new LogtoM2M(..., { adopt: true })` as the README documents it: the component takes over what exists by
// natural key (resources, permissions, roles) and makes its apps, which have no natural key.
describe("the component adopting an existing topology", () => {
    const fixture = useProviderFixture();

    test("adopt: true previews and applies over objects made outside Pulumi, keeping their ids; destroy removes them", async () => {
        const { client, runId } = fixture.target();
        const indicator = `https://${runId}.adopt-component.example`;
        const resource = await client.createResource({ name: "made in the console", indicator });
        const read = await client.createScope(resource.id, { name: "read:things" });
        const role = await client.createRole({ name: `${runId}-reader`, description: "made in the console", type: "MachineToMachine" });
        await client.addRoleScopes(role.id, [read.id]);
        const spec = {
            resources: [{ name: `${runId} things`, indicator, permissions: ["read:things", "write:things"] }],
            roles: [{ name: `${runId}-reader`, description: "Reads things", permissions: [{ resource: indicator, permissions: ["read:things"] }] }],
            apps: [{ name: `${runId} reader`, roles: [`${runId}-reader`], secrets: ["ci"] }],
        };
        const stack = await fixture.stack("logto-m2m-adopt", "dev", async () => {
            const m2m = new LogtoM2M("m2m", { spec, adopt: true });
            return {
                ...m2m.stackOutputs(),
                resourceId: m2m.apiResources[indicator]!.id,
                scopeId: m2m.permissions[indicator]!["read:things"]!.id,
                roleId: m2m.roles[`${runId}-reader`]!.id,
            };
        });

        await expect(stack.preview()).resolves.toMatchObject({ changeSummary: { create: 9 } });
        const result = await stack.up();
        expect(result.outputs.resourceId!.value).toBe(resource.id);
        expect(result.outputs.scopeId!.value).toBe(read.id);
        expect(result.outputs.roleId!.value).toBe(role.id);
        expect((await client.getResource(resource.id))?.name).toBe(`${runId} things`);
        expect((await client.getRole(role.id))?.description).toBe("Reads things");
        const appId = String((result.outputs.apps!.value as Record<string, { appId: string }>)[`${runId} reader`]!.appId);
        expect((await client.listApplicationRoles(appId)).map((r) => r.id)).toEqual([role.id]);
        await expect(verifyStackOutputs(result.outputs)).resolves.toHaveLength(1);
        expect((await stack.preview()).changeSummary).toEqual({ same: 9 });

        await stack.destroy();
        expect(await client.getResource(resource.id)).toBeUndefined();
        expect(await client.getRole(role.id)).toBeUndefined();
        expect(await client.getApplication(appId)).toBeUndefined();
    });
});
