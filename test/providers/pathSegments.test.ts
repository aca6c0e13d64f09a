import { ApplicationSecret } from "../../providers/applicationSecret";
import { useProviderFixture } from "./support";

/**
 * Logto stores a secret named ".." (observed on Logto 1.42), but a request path naming it resolves to the app:
 * `DELETE /api/applications/<id>/secrets/..` goes out as `DELETE /api/applications/<id>/`. Through the engine,
 * such a name must never delete anything else.
 */
describe("a secret named '..' through the engine", () => {
    const fixture = useProviderFixture();

    test("adopting the secret '..' of an app outside the stack is refused at preview; destroy leaves the app and its secrets", async () => {
        const { client, runId } = fixture.target();
        const app = await client.createApplication({ name: `${runId} not in the stack` });
        await client.createApplicationSecret(app.id, { name: ".." });
        const secretsBefore = (await client.listApplicationSecrets(app.id)).map((s) => s.name).sort();

        const stack = await fixture.stack("logto-dots", "adopt", async () => {
            const secret = new ApplicationSecret("dots", { applicationId: app.id, name: "..", adopt: true });
            return { secretName: secret.secretName };
        });
        const refused = /name must not be empty, "\.", "\.\." or only dots/;
        const preview = await stack.preview().then(() => undefined, (error: Error) => error);
        const up = await stack.up().then(() => undefined, (error: Error) => error);
        await stack.destroy();

        expect(await client.getApplication(app.id)).toMatchObject({ id: app.id });
        expect((await client.listApplicationSecrets(app.id)).map((s) => s.name).sort()).toEqual(secretsBefore);
        expect(preview?.message).toMatch(refused);
        expect(up?.message).toMatch(refused);
        await client.deleteApplication(app.id);
    });

    test("a stack whose state holds a secret named '..' (as older versions could write) destroys without deleting the app", async () => {
        const { client, runId } = fixture.target();
        const app = await client.createApplication({ name: `${runId} holds dots` });
        await client.createApplicationSecret(app.id, { name: "ops" });
        await client.createApplicationSecret(app.id, { name: ".." });

        const stack = await fixture.stack("logto-dots", "old-state", async () => {
            const secret = new ApplicationSecret("ops", { applicationId: app.id, name: "ops", adopt: true });
            return { secretName: secret.secretName };
        });
        expect((await stack.up()).outputs.secretName!.value).toBe("ops");
        // The state an earlier version left after adopting the secret "..".
        const exported = await stack.exportStack();
        const entry = exported.deployment.resources.find((r: { type: string }) => r.type.endsWith("logto:ApplicationSecret"));
        entry.id = `${app.id}/..`;
        entry.outputs.secretName = "..";
        entry.outputs.name = "..";
        entry.inputs.name = "..";
        await stack.importStack(exported);

        const destroyed = await stack.destroy().then(() => undefined, (error: Error) => error);
        expect(await client.getApplication(app.id)).toMatchObject({ id: app.id });
        expect((await client.listApplicationSecrets(app.id)).map((s) => s.name)).toEqual(expect.arrayContaining([".."]));
        expect(destroyed?.message).toMatch(/the secret "\.\." of app .* cannot be deleted: .*nothing was sent and it stays in Logto/);

        // Once it is gone from Logto (here: the app), destroy finishes.
        await client.deleteApplication(app.id);
        await stack.destroy();
    });
});
