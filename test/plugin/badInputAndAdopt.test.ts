import type { Stack } from "@pulumi/pulumi/automation";
import { useProviderFixture } from "../support/logtoEngine";
import { resource } from "./support";

/**
 * Through the plugin: bad input fails the preview with the property named and nothing sent to Logto; an object
 * that exists already is refused with the advice to adopt, and taken over with the provider's `adoptExisting`.
 */
describe("the plugin: bad input at preview, and adoption", () => {
    const fixture = useProviderFixture();
    let runId: string;
    let bad: Stack;
    let adopting: Stack;
    let which: "api" | "role" | "secret" = "api";

    beforeAll(async () => {
        runId = fixture.target().runId;
        // The engine stops a preview at the first resource whose check fails: one bad resource per preview.
        bad = await fixture.stack("logto-plugin-bad", `bad-${runId}`, async () => {
            if (which === "api") resource("ApiResource", "api", { name: "bad", indicator: "not a uri#x", accessTokenTtl: 0 });
            if (which === "role") resource("M2MRole", "role", { name: `${runId}-role`, description: "", scopeIds: ["a", "a"] });
            if (which === "secret") resource("ApplicationSecret", "secret", { applicationId: "app", name: "..", expiresAt: "2030-01-01T00:00:00" });
        });
        adopting = await fixture.stack("logto-plugin-bad", `adopt-${runId}`, async () => {
            resource("ApiResource", "api", { name: `${runId} adopted`, indicator: `https://${runId}.adopt.api`, accessTokenTtl: 600 });
        });
    });

    afterAll(async () => {
        await adopting?.destroy().catch(() => undefined);
    });

    it("fails the preview naming each bad property, and calls nothing that writes", async () => {
        await bad.workspace.selectStack(bad.name);
        fixture.target().resetCounts();
        let error = "";
        for (const kind of ["api", "role", "secret"] as const) {
            which = kind;
            error += await bad.preview().then(() => `${kind}: no failure`, (e: unknown) => String(e));
        }
        for (const expected of [
            /logto:index:ApiResource resource 'api': property indicator value .* has a problem: indicator must be an absolute URI/,
            /property accessTokenTtl value \{0\} has a problem: accessTokenTtl must be at least 1 second/,
            /logto:index:M2MRole resource 'role': property description .*has a problem/,
            /property scopeIds .*has a problem: scopeIds\[1\]/,
            /logto:index:ApplicationSecret resource 'secret': property name .*has a problem/,
            /property expiresAt .*has a problem: expiresAt "2030-01-01T00:00:00" has no offset/,
        ]) {
            expect(error).toMatch(expected);
        }
        const counts = fixture.target().counts();
        expect(Object.keys(counts.byRoute).filter((route) => !route.startsWith("GET "))).toEqual([]);
    });

    it("refuses an object that exists, with the advice to adopt; adoptExisting takes it over", async () => {
        const client = fixture.target().client;
        const existing = await client.createResource({ name: "made elsewhere", indicator: `https://${runId}.adopt.api` });
        const refused = await adopting.up().then(() => undefined, (e: unknown) => String(e));
        expect(refused).toMatch(new RegExp(`an API resource with indicator https://${runId}\\.adopt\\.api already exists in Logto: set adopt: true`));
        await adopting.setConfig("logto:adoptExisting", { value: "true" });
        const up = await adopting.up();
        expect(up.summary.resourceChanges).toMatchObject({ create: 1 });
        const state = (await adopting.exportStack()).deployment as { resources: { type: string; id?: string }[] };
        expect(state.resources.find((r) => r.type === "logto:index:ApiResource")?.id).toBe(existing.id);
        expect(await client.getResource(existing.id)).toMatchObject({ name: `${runId} adopted`, accessTokenTtl: 600 });
    });
});
