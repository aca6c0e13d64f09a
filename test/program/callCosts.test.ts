import type { Stack } from "@pulumi/pulumi/automation";
import { useProviderFixture } from "../support/logtoEngine";
import { logtoM2MProgram } from "../../program";
import { clone, writes } from "./support";

// What refresh and destroy cost with many children per parent: one listing per parent for refresh, and no
// DELETE of a child whose parent Logto deletes in the same run. Counted by the local Logto (a Logto given by
// LOGTO_* has no counters: there only the outcomes are checked).
describe("refresh and destroy cost one call per object, not per child and parent", () => {
    const fixture = useProviderFixture();
    const permissionCount = 30;
    const secretCount = 5;
    let stack: Stack;

    const spec = () => {
        const { runId, local } = fixture.target();
        const tag = local ? "" : `-${runId}`;
        const indicator = `https://many.api${local ? "" : `/${runId}`}`;
        const permissions = Array.from({ length: permissionCount }, (_, i) => `p${i}`);
        return {
            indicator,
            spec: {
                resources: [{ name: "Many", indicator, permissions }],
                roles: [{ name: `many-role${tag}`, permissions: [{ resource: indicator, permissions: permissions.slice(0, 2) }] }],
                apps: [{ name: `many-app${tag}`, roles: [`many-role${tag}`], secrets: Array.from({ length: secretCount }, (_, i) => ({ name: `s${i}` })) }],
            },
        };
    };

    beforeAll(async () => {
        stack = await fixture.stack("logto-m2m-costs", "dev", () => logtoM2MProgram());
        await stack.setConfig("logto-m2m:spec", { value: JSON.stringify(spec().spec) });
        await stack.up();
    });
    afterAll(async () => {
        await stack?.destroy().catch(() => undefined);
    });

    test(`a refresh of ${permissionCount} permissions and ${secretCount} secrets lists each parent's children once`, async () => {
        fixture.target().resetCounts();
        const result = await stack.refresh();
        expect(Object.keys(result.summary.resourceChanges ?? {})).toEqual(["same"]);
        const counts = fixture.target().counts();
        if (counts) {
            expect(counts.byRoute).toEqual({
                "GET /api/resources/:id": 1,
                "GET /api/resources/:id/scopes": 1,
                "GET /api/roles/:id": 1,
                "GET /api/roles/:id/scopes": 1,
                "GET /api/applications/:id": 1,
                "GET /api/applications/:id/roles": 1,
                "GET /api/applications/:id/secrets": 1,
            });
        }
    });

    test("a permission or a secret removed alone from the spec is still deleted", async () => {
        const { spec: full, indicator } = spec();
        const next = clone(full);
        next.resources[0]!.permissions = next.resources[0]!.permissions.filter((p) => p !== `p${permissionCount - 1}`);
        next.apps[0]!.secrets = next.apps[0]!.secrets.slice(1);
        await stack.setConfig("logto-m2m:spec", { value: JSON.stringify(next) });
        fixture.target().resetCounts();
        await stack.up();
        const counts = fixture.target().counts();
        if (counts) {
            expect(writes(counts.byRoute)).toEqual({ "DELETE /api/resources/:id/scopes/:scopeId": 1, "DELETE /api/applications/:id/secrets/:name": 1 });
        }
        const { client } = fixture.target();
        const resource = (await client.findResourceByIndicator(indicator))!;
        expect((await client.listScopes(resource.id)).map((s) => s.name)).not.toContain(`p${permissionCount - 1}`);
        const appId = ((await stack.outputs()).apps!.value as Record<string, { appId: string }>)[next.apps[0]!.name]!.appId;
        const names = (await client.listApplicationSecrets(appId)).map((s) => s.name);
        expect(names.filter((n) => n.startsWith("s0."))).toEqual([]);
        expect(names.filter((n) => /^s\d\.[0-9a-f]{6}$/.test(n))).toHaveLength(secretCount - 1);
    });

    test("destroy deletes each parent, which takes its permissions and secrets along", async () => {
        const { indicator } = spec();
        const appId = ((await stack.outputs()).apps!.value as Record<string, { appId: string }>)[spec().spec.apps[0]!.name]!.appId;
        fixture.target().resetCounts();
        await stack.destroy();
        const counts = fixture.target().counts();
        if (counts) {
            expect(writes(counts.byRoute)).toEqual({ "DELETE /api/resources/:id": 1, "DELETE /api/roles/:id": 1, "DELETE /api/applications/:id": 1 });
        }
        const { client } = fixture.target();
        expect(await client.findResourceByIndicator(indicator)).toBeUndefined();
        expect(await client.getApplication(appId)).toBeUndefined();
        expect(await client.findRoleByName(spec().spec.roles[0]!.name)).toBeUndefined();
    });
});
