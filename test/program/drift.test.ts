import type { Stack } from "@pulumi/pulumi/automation";
import { useProviderFixture } from "../support/logtoEngine";
import { logtoM2MProgram } from "../../program";
import { clone, exampleSpec, type ExampleNames, type SpecShape } from "./support";

/** The app's secret names in Logto, sorted. */
async function secretNames(fixture: ReturnType<typeof useProviderFixture>, appId: string): Promise<string[]> {
    return (await fixture.target().client.listApplicationSecrets(appId)).map((s) => s.name).sort();
}

// Out-of-band changes through the engine: what `refresh` finds must be what the next preview shows a reviewer,
// old and new value, and what `up` then puts back.
describe("drift found by refresh", () => {
    const fixture = useProviderFixture();
    let stack: Stack;
    let spec: SpecShape;
    let names: ExampleNames;

    const appId = async (name: string): Promise<string> => ((await stack.outputs()).apps!.value as Record<string, { appId: string }>)[name]!.appId;
    const upWith = async (next: SpecShape) => {
        await stack.setConfig("logto-m2m:spec", { value: JSON.stringify(next) });
        spec = next;
        return stack.up();
    };

    beforeAll(async () => {
        ({ spec, names } = exampleSpec(fixture.target()));
        stack = await fixture.stack("logto-m2m-drift", "dev", () => logtoM2MProgram());
        await upWith(spec);
    });
    afterAll(async () => {
        await stack?.destroy().catch(() => undefined);
    });

    test("after a refresh, preview --diff shows the old and the new value of every drifted property", async () => {
        const { client } = fixture.target();
        const resource = (await client.findResourceByIndicator(names.shopping))!;
        const scopes = await client.listScopes(resource.id);
        const read = scopes.find((s) => s.name === "read:products")!;
        const write = scopes.find((s) => s.name === "write:products")!;
        const editor = (await client.findRoleByName(names.editor))!;
        const reader = (await client.findRoleByName(names.reader))!;
        const storefront = await appId(names.storefront);
        await client.updateResource(resource.id, { name: "Renamed outside", accessTokenTtl: 7200 });
        await client.updateScope(resource.id, read.id, { description: "changed outside" });
        await client.updateRole(editor.id, { description: "changed outside" });
        await client.removeRoleScope(editor.id, write.id);
        await client.updateApplication(storefront, { description: "changed outside", customData: { owner: "someone" } });
        await client.removeApplicationRole(storefront, reader.id);
        const sync = await appId(names.sync);
        await client.deleteApplicationSecret(sync, "Default secret");

        const refreshed = await stack.refresh();
        expect(refreshed.summary.resourceChanges).toMatchObject({ update: 5 });
        const preview = await stack.preview({ diff: true });
        expect(preview.changeSummary).toMatchObject({ update: 5 });
        const shown = preview.stdout;
        // The engine's display: `~ key: old => new` for a changed value, `+`/`-` for an added or removed one.
        expect(shown).toMatch(/~ accessTokenTtl\s*: 7200 => 3600/);
        expect(shown).toMatch(/~ name\s*: "Renamed outside" => "Shopping API"/);
        expect(shown).toMatch(/~ description\s*: "changed outside" => "Read the product catalogue"/);
        expect(shown).toMatch(/~ description\s*: "changed outside" => "Reads and changes the product catalogue"/);
        expect(shown).toMatch(new RegExp(`\\+ \\[\\d\\]\\s*: "${write.id}"`));
        expect(shown).toMatch(/~ description\s*: "changed outside" => "Shows the catalogue; reads products only"/);
        expect(shown).toMatch(/- owner\s*: "someone"/);
        expect(shown).toMatch(new RegExp(`\\+ \\[\\d\\]\\s*: "${reader.id}"`));
        expect(shown).toMatch(/- defaultSecretMissing\s*: true/);

        const up = await stack.up();
        expect(up.summary.resourceChanges).toMatchObject({ update: 5 });
        expect((await secretNames(fixture, sync))[0]).toBe("Default secret");
        expect((await client.getResource(resource.id))).toMatchObject({ name: "Shopping API", accessTokenTtl: 3600 });
        expect((await client.listApplicationRoles(storefront)).map((r) => r.id)).toEqual([reader.id]);
        const after = await stack.preview();
        expect(Object.keys(after.changeSummary)).toEqual(["same"]);
    });

    test("a secret added to a managed app outside Pulumi is drift: refresh and preview show it, up removes only it", async () => {
        const { client } = fixture.target();
        // From a converged stack, whatever the test before left.
        await stack.up({ refresh: true });
        const sync = await appId(names.sync);
        const before = await secretNames(fixture, sync);
        expect(before).toEqual(["Default secret", expect.stringMatching(/^ci\.[0-9a-f]{6}$/)]);
        const sneaky = await client.createApplicationSecret(sync, { name: "sneaky" });

        const refreshed = await stack.refresh();
        expect(refreshed.summary.resourceChanges).toMatchObject({ update: 1 });
        const preview = await stack.preview({ diff: true });
        expect(preview.changeSummary).toMatchObject({ update: 1 });
        expect(preview.stdout).toMatch(/- unmanagedSecretNames\s*: \[\s*-\s*\[0\]: "sneaky"/);
        const up = await stack.up();
        expect(up.summary.resourceChanges).toMatchObject({ update: 1 });
        expect(await secretNames(fixture, sync)).toEqual(before);
        // Names only, never a value, in what the engine printed.
        for (const out of [refreshed.stdout, preview.stdout, up.stdout]) expect(out).not.toContain(sneaky.value);
        expect(Object.keys((await stack.preview()).changeSummary)).toEqual(["same"]);
    });

    test("an app whose spec says unmanagedSecrets: keep reports such a secret and keeps it", async () => {
        const { client } = fixture.target();
        const next = clone(spec);
        (next.apps.find((a) => a.name === names.storefront) as { unmanagedSecrets?: string }).unmanagedSecrets = "keep";
        await upWith(next);
        const storefront = await appId(names.storefront);
        await client.createApplicationSecret(storefront, { name: "kept" });

        const refreshed = await stack.refresh();
        expect(refreshed.summary.resourceChanges).toMatchObject({ update: 1 });
        const up = await stack.up();
        expect(up.summary.resourceChanges).not.toHaveProperty("update");
        expect(await secretNames(fixture, storefront)).toEqual(["Default secret", "kept"]);
        expect(Object.keys((await stack.preview()).changeSummary)).toEqual(["same"]);
        // Without "keep" the next up removes it.
        const back = clone(spec);
        delete (back.apps.find((a) => a.name === names.storefront) as { unmanagedSecrets?: string }).unmanagedSecrets;
        await upWith(back);
        expect(await secretNames(fixture, storefront)).toEqual(["Default secret"]);
    });
});
