import { useProviderFixture } from "../support/logtoEngine";
import { logtoM2MProgram } from "../../program";
import { managementIndicatorOf } from "./support";
import { requestClientCredentialsToken, verifyStackOutputs, type VerifiableApp } from "../../component/verify";

// Scenario 1 of Logto's M2M guide without the preconfigured role: the spec declares its own role on the
// Management API's `all`, referring to the API as `management`, and the app can then call the Management API.
describe("an app for the Management API through a role the spec declares", () => {
    const fixture = useProviderFixture();

    test("gets a token with `all` that the Management API accepts, and nothing in Logto's own setup changes", async () => {
        const tag = fixture.target().runId;
        const spec = {
            roles: [{ name: `tenant-admin-${tag}`, description: "Manages the tenant", permissions: [{ resource: "management", permissions: ["all"] }] }],
            apps: [{ name: `provisioner-${tag}`, roles: [`tenant-admin-${tag}`] }],
        };
        const stack = await fixture.stack("logto-m2m-management", "dev", () => logtoM2MProgram({ spec }));
        const result = await stack.up();
        // Stack, component, the Management API reference, the role, the app, the stack's identity.
        expect(result.summary.resourceChanges).toEqual({ create: 6 });

        const outputs = await stack.outputs();
        const app = (outputs.apps!.value as Record<string, VerifiableApp>)[`provisioner-${tag}`]!;
        const managementIndicator = managementIndicatorOf(fixture.target());
        expect(app.resources).toEqual({ [managementIndicator]: ["all"] });
        expect(outputs.resources!.value).toEqual({ [managementIndicator]: { name: "Logto Management API", permissions: ["all"] } });
        await expect(verifyStackOutputs(outputs)).resolves.toHaveLength(1);

        const token = await requestClientCredentialsToken({ ...app, resource: managementIndicator, scopes: ["all"] });
        const response = await fetch(`${fixture.target().connection.endpoint}/api/applications/${app.appId}`, { headers: { authorization: `Bearer ${token.accessToken}` } });
        expect(response.status).toBe(200);

        // Destroy forgets the reference and leaves the Management API (which Logto refuses to delete anyway).
        const destroyed = await stack.destroy();
        expect(destroyed.summary.resourceChanges).toEqual({ delete: 6 });
        expect(await fixture.target().client.findRoleByName(`tenant-admin-${tag}`)).toBeUndefined();
        expect((await fixture.target().client.getManagementApiResource()).scopes.map((s) => s.name)).toEqual(["all"]);
    });
});
