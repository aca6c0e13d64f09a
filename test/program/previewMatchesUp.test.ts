import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { useProviderFixture } from "../support/logtoEngine";
import { logtoM2MProgram } from "../../program";
import { clone, exampleSpec, type ExampleNames, type SpecShape } from "./support";

/** The operations of a run per resource URN (several for a replacement), sorted so that two runs compare. */
type Steps = Record<string, string[]>;

function collector(): { steps: Steps; onEvent: (event: EngineEvent) => void } {
    const steps: Steps = {};
    return {
        steps,
        onEvent: (event) => {
            const step = event.resourcePreEvent?.metadata;
            if (step === undefined) return;
            (steps[step.urn] ??= []).push(step.op);
            steps[step.urn]!.sort();
        },
    };
}

// What `preview` announces is what `up` then does, for every kind of change a spec can make: a reviewer who
// approves a preview (e.g. of a pull request) approves exactly the steps that run.
describe("preview shows the steps up takes", () => {
    const fixture = useProviderFixture();
    let stack: Stack;
    let spec: SpecShape;
    let names: ExampleNames;

    beforeAll(async () => {
        ({ spec, names } = exampleSpec(fixture.target()));
        stack = await fixture.stack("logto-m2m-preview", "dev", () => logtoM2MProgram());
        await stack.setConfig("logto-m2m:spec", { value: JSON.stringify(spec) });
        await stack.up();
    });
    afterAll(async () => {
        await stack?.destroy().catch(() => undefined);
    });

    const app = (s: SpecShape, name: string) => s.apps.find((a) => a.name === name)!;
    const role = (s: SpecShape, name: string) => s.roles.find((r) => r.name === name)!;
    const tag = () => (fixture.target().local ? "" : `-${fixture.target().runId}`);

    // Each change applies to the spec as the previous one left it. catalogue-sync holds a named secret throughout.
    const changes: [string, (s: SpecShape) => void][] = [
        ["an app's description", (s) => { app(s, names.sync).description = "Imports products from the ERP, nightly"; }],
        ["an app's customData", (s) => { (app(s, names.sync) as { customData?: unknown }).customData = { team: "erp" }; }],
        ["an app's roles", (s) => { app(s, names.sync).roles = [names.editor, names.reader]; }],
        ["an app's secrets (one added)", (s) => { app(s, names.sync).secrets = [...(app(s, names.sync).secrets ?? []), { name: "deploy" }]; }],
        ["an app's secret expiry (a rotation)", (s) => { app(s, names.sync).secrets = [{ name: "ci", expiresAt: "2031-01-01" }, { name: "deploy" }]; }],
        ["a role's description", (s) => { role(s, names.editor).description = "Edits the catalogue"; }],
        ["a role's permissions", (s) => { role(s, names.reader).permissions[0]!.permissions = ["read:products", "write:products"]; }],
        ["a permission's description", (s) => { s.resources[0]!.permissions[0] = { name: "read:products", description: "Reads the catalogue" }; }],
        ["a resource's permissions (one added, used by a role)", (s) => {
            s.resources[0]!.permissions.push("delete:products");
            role(s, names.editor).permissions[0]!.permissions.push("delete:products");
        }],
        ["a resource's access token TTL", (s) => { s.resources[0]!.accessTokenTtl = 7200; }],
        ["a resource's name", (s) => { s.resources[0]!.name = "Shop API"; }],
        ["a role renamed", (s) => {
            const renamed = `catalogue-reader${tag()}`;
            role(s, names.reader).name = renamed;
            for (const a of s.apps) a.roles = a.roles.map((r) => (r === names.reader ? renamed : r));
            names = { ...names, reader: renamed };
        }],
        ["an app renamed", (s) => {
            const renamed = `catalogue-import${tag()}`;
            app(s, names.sync).name = renamed;
            names = { ...names, sync: renamed };
        }],
        ["a resource's indicator", (s) => {
            const moved = `${names.shopping}/v2`;
            s.resources[0]!.indicator = moved;
            for (const r of s.roles) for (const g of r.permissions) if (g.resource === names.shopping) g.resource = moved;
            names = { ...names, shopping: moved };
        }],
    ];

    test.each(changes.map(([what, change], i) => [what, i, change] as const))("%s", async (_what, _i, change) => {
        const next = clone(spec);
        change(next);
        await stack.setConfig("logto-m2m:spec", { value: JSON.stringify(next) });
        const previewed = collector();
        await stack.preview({ onEvent: previewed.onEvent });
        const applied = collector();
        await stack.up({ onEvent: applied.onEvent });
        spec = next;
        expect(previewed.steps).toEqual(applied.steps);
        // The change did something: a test of a change that changes nothing would compare nothing.
        expect(Object.values(applied.steps).flat().some((op) => op !== "same")).toBe(true);
        // And it converged: the next preview has nothing left to do.
        const after = await stack.preview();
        expect(Object.keys(after.changeSummary).filter((op) => op !== "same")).toEqual([]);
    });
});
