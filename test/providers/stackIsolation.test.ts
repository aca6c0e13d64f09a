import * as pulumi from "@pulumi/pulumi";
import { M2MApplication } from "../../providers/m2mApplication";
import { M2MRole } from "../../providers/m2mRole";
import { engineSandbox, inlineStack } from "../support/engine";
import { useProviderFixture } from "./support";

/**
 * Two teams whose stacks are both `logto-m2m/prod`, in different backends, against one Logto: project and stack
 * names are not unique, so neither stack may find, change or delete an app the other made.
 */
describe("two stacks with the same project and stack name in different backends", () => {
    const fixture = useProviderFixture();

    test("the second stack's up creates its own app; its destroy leaves the first stack's app, roles and secret alone", async () => {
        const { client, runId } = fixture.target();
        const program = (team: string) => async () => {
            const role = new M2MRole("role", { name: `${runId}-${team}`, description: team, scopeIds: [] });
            const app = new M2MApplication("storefront", { name: `${runId} storefront`, roleIds: [role.id] });
            return { appId: app.appId, appSecret: pulumi.secret(app.appSecret), roleId: role.id };
        };
        const first = await fixture.stack("logto-m2m", "prod", program("team1"));
        const otherBackend = engineSandbox();
        try {
            const second = await inlineStack(otherBackend, "logto-m2m", "prod", program("team2"), fixture.target().stackConfig());
            const one = (await first.up()).outputs;
            const two = (await second.up()).outputs;

            expect(two.appId!.value).not.toBe(one.appId!.value);
            expect(two.appSecret!.value).not.toBe(one.appSecret!.value);
            expect((await client.listApplicationRoles(String(one.appId!.value))).map((r) => r.id)).toEqual([one.roleId!.value]);
            expect((await client.listApplications()).filter((a) => a.name === `${runId} storefront`)).toHaveLength(2);

            await second.destroy();
            expect(await client.getApplication(String(two.appId!.value))).toBeUndefined();
            expect(await client.getApplication(String(one.appId!.value))).toMatchObject({ id: one.appId!.value });
            expect((await client.listApplicationRoles(String(one.appId!.value))).map((r) => r.id)).toEqual([one.roleId!.value]);
            expect((await client.listApplicationSecrets(String(one.appId!.value))).map((s) => s.value)).toContain(one.appSecret!.value);
            // Nothing drifted for the first stack (the stack, its identity, the role and the app).
            await first.refresh();
            expect((await first.preview()).changeSummary).toEqual({ same: 4 });
        } finally {
            otherBackend.cleanup();
        }
        await first.destroy();
        expect((await client.listApplications()).filter((a) => a.name === `${runId} storefront`)).toHaveLength(0);
    });
});
