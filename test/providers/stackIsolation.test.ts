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

describe("a stack made before apps carried the stack's identity", () => {
    const fixture = useProviderFixture();

    test("its next up adds the identity and changes no app; the app keeps its old marker; destroy removes it", async () => {
        const { client, runId } = fixture.target();
        let description = "first";
        const stack = await fixture.stack("logto-m2m", "legacy", async () => {
            const app = new M2MApplication("storefront", { name: `${runId} legacy`, description, roleIds: [] });
            return { appId: app.appId };
        });
        const appId = String((await stack.up()).outputs.appId!.value);
        // The state as the earlier version left it: no identity, the app's marker without a nonce.
        const legacyMarker = `pulumi:logto-m2m/legacy/storefront`;
        const exported = await stack.exportStack();
        const resources = exported.deployment.resources as Array<Record<string, any>>;
        const identity = resources.find((r) => r.type.endsWith("logto:StackIdentity"))!;
        exported.deployment.resources = resources.filter((r) => r !== identity);
        const app = resources.find((r) => r.type.endsWith("logto:M2MApplication"))!;
        app.inputs.marker = legacyMarker;
        app.outputs.marker = legacyMarker;
        app.dependencies = (app.dependencies ?? []).filter((urn: string) => urn !== identity.urn);
        delete app.propertyDependencies?.marker;
        await stack.importStack(exported);

        fixture.target().resetCounts();
        expect((await stack.preview()).changeSummary).toEqual({ create: 1, same: 2 });
        const result = await stack.up();
        expect(result.summary.resourceChanges).toEqual({ create: 1, same: 2 });
        expect(result.outputs.appId!.value).toBe(appId);
        const counts = fixture.target().counts();
        if (counts !== undefined) expect(counts.api).toBe(0);

        description = "second";
        await stack.up();
        expect((await client.getApplication(appId))?.description).toBe("second");
        const after = (await stack.exportStack()).deployment.resources.find((r: { type: string }) => r.type.endsWith("logto:M2MApplication"));
        expect(after.outputs.marker).toBe(legacyMarker);

        await stack.destroy();
        expect(await client.getApplication(appId)).toBeUndefined();
    });
});
