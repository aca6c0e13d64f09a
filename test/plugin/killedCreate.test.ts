import type { Stack } from "@pulumi/pulumi/automation";
import { useProviderFixture } from "../support/logtoEngine";
import { PluginResource, resource } from "./support";

/**
 * A run killed after Logto made an app but before the engine checkpointed its create leaves the app in Logto and
 * not in the state. Through the plugin, with `stackNonce` from the stack's `logto:index:StackIdentity`, the next
 * run's check derives the same marker, and its create finds that app by it: one app, not two. The kill is
 * simulated by taking the app's resource out of the checkpoint after a finished up (what the engine holds after
 * such a kill, the pending operation cleared as docs/recovery.md does). Against the Logto of LOGTO_* when set.
 */
describe("a plugin app whose create was never checkpointed", () => {
    const fixture = useProviderFixture();
    const project = "logto-plugin-killed";
    let stack: Stack;
    let appName: string;

    const program = async () => {
        const identity = new PluginResource("StackIdentity", "identity", {}, {}, ["nonce"]);
        const app = resource("M2MApplication", "app", { name: appName, roleIds: [], stackNonce: identity.out("nonce") });
        return { appId: app.out("appId"), marker: app.out("marker"), nonce: identity.out("nonce") };
    };

    beforeAll(async () => {
        const runId = fixture.target().runId;
        appName = `${runId}-killed-app`;
        stack = await fixture.stack(project, `killed-${runId}`, program);
    });

    afterAll(async () => {
        await stack?.destroy().catch(() => undefined);
    });

    it("is found by its marker on the rerun: exactly one app", async () => {
        await stack.up();
        const first = await stack.outputs();
        expect(first.marker!.value).toBe(`pulumi:${project}/${stack.name}/app#${first.nonce!.value}`);

        // The checkpoint as a kill between the app's create and its checkpoint leaves it: the identity, no app.
        const state = await stack.exportStack();
        const deployment = state.deployment as { resources: { type: string }[] };
        deployment.resources = deployment.resources.filter((r) => r.type !== "logto:index:M2MApplication");
        await stack.importStack(state);

        const rerun = await stack.up();
        expect(rerun.summary.resourceChanges?.create).toBe(1);
        const apps = (await fixture.target().client.listApplications()).filter((a) => a.name === appName);
        expect(apps.map((a) => a.id)).toEqual([first.appId!.value]);
        expect((await stack.outputs()).appId!.value).toBe(first.appId!.value);
    });
});
