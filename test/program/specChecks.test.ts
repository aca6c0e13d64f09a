import type { Stack } from "@pulumi/pulumi/automation";
import { useProviderFixture } from "../support/logtoEngine";
import { logtoM2MProgram } from "../../program";
import { M2MApplication } from "../../providers/m2mApplication";
import { M2MRole } from "../../providers/m2mRole";
import { reportingErrors, writes } from "./support";

// Spec mistakes that Logto would refuse only halfway through an `up` (or never), and a spec change that would
// revoke access silently: each fails through the engine before anything is written, naming the spec path.
describe("the program refuses, before any write", () => {
    const fixture = useProviderFixture();

    async function specStack(stackName: string, spec: unknown): Promise<Stack> {
        return fixture.stack("logto-m2m-spec-checks", stackName, reportingErrors(() => logtoM2MProgram()), { "logto-m2m:spec": { value: JSON.stringify(spec) } });
    }
    const failure = (run: Promise<unknown>): Promise<string> => run.then(() => "the operation succeeded", (e: unknown) => String(e));

    /** Nothing of this run's names exists in Logto (the check for a Logto whose requests are not counted). */
    async function nothingMadeWith(tag: string): Promise<string[]> {
        const { client } = fixture.target();
        return [
            ...(await client.listApplications()).filter((a) => a.name.includes(tag)).map((a) => `app ${a.name}`),
            ...(await client.listRoles()).filter((r) => r.name.includes(tag)).map((r) => `role ${r.name}`),
            ...(await client.listResources()).filter((r) => r.indicator.includes(tag)).map((r) => `resource ${r.indicator}`),
        ];
    }

    test("a role dropped from roles: while an app still lists it: preview and up fail naming apps[0].roles[0], the app keeps the role", async () => {
        const tag = fixture.target().runId;
        const [indicator, role, app] = [`https://dropped-${tag}.api`, `reader-${tag}`, `app-${tag}`];
        const declared = {
            resources: [{ name: "Dropped", indicator, permissions: ["read:x"] }],
            roles: [{ name: role, permissions: [{ resource: indicator, permissions: ["read:x"] }] }],
            apps: [{ name: app, roles: [role] }],
        };
        const stack = await specStack("dropped-role", declared);
        await stack.up();
        const appId = ((await stack.outputs()).apps!.value as Record<string, { appId: string }>)[app]!.appId;

        await stack.setConfig("logto-m2m:spec", { value: JSON.stringify({ ...declared, roles: [] }) });
        fixture.target().resetCounts();
        const previewError = await failure(stack.preview());
        expect(previewError).toContain(`apps[0].roles[0]: role "${role}" is no longer declared under roles, but this stack manages it`);
        // --skip-preview (GitOps on merge): the up fails the same way, before any write.
        const upError = await failure(stack.up());
        expect(upError).toContain(`apps[0].roles[0]: role "${role}" is no longer declared under roles`);
        const counts = fixture.target().counts();
        if (counts) expect(writes(counts.byRoute)).toEqual({});
        expect((await fixture.target().client.listApplicationRoles(appId)).map((r) => r.name)).toEqual([role]);

        // Removing it from the app as well is the way out: the role goes, nothing fails.
        await stack.setConfig("logto-m2m:spec", { value: JSON.stringify({ ...declared, roles: [], apps: [{ name: app, roles: [] }] }) });
        await stack.up();
        expect(await fixture.target().client.findRoleByName(role)).toBeUndefined();
        await stack.destroy();
    });

    test("limits as Logto counts them, unstorable text, the built-in role, zone-dependent expiries: all named at once", async () => {
        const tag = fixture.target().runId;
        const indicator = `https://limits-${tag}.api`;
        const stack = await specStack("limits", {
            resources: [
                { name: "Limits", indicator, accessTokenTtl: 2592001, permissions: [123, "read:x", "nul:\u0000"] },
                { name: "Other", indicator: `https://other-${tag}.api`, permissions: ["read:y"] },
            ],
            roles: [
                { name: `${"\u{1F680}".repeat(65)}`, permissions: [{ resource: indicator, permissions: ["read:x"] }] },
                { name: "Logto Management API access", permissions: [{ resource: "management", permissions: ["all"] }] },
                { name: `r-${tag}`, permissions: [{ resource: `https://other-${tag}.api`, permissions: ["write:y"] }] },
            ],
            apps: [{
                name: `a-${tag}\u0000`,
                roles: [`r-${tag}`],
                customData: { __pulumiLogtoM2M: "mine", blob: "x".repeat(5000) },
                secrets: [
                    { name: "s".repeat(250) },
                    { name: "local", expiresAt: "2030-01-01T00:00:00" },
                    { name: "feb", expiresAt: "2030-02-30" },
                ],
            }],
        });
        fixture.target().resetCounts();
        const message = await failure(stack.up());
        const expected = {
            "resources[0].accessTokenTtl": "at most 2592000 seconds",
            "resources[0].permissions[0].name": "must be a string, not the number 123",
            "resources[0].permissions[2].name": "NUL character",
            "roles[0].name": "at most 128 characters (Logto's limit, counted in UTF-16 code units",
            "roles[1].name": "Logto's built-in role",
            "apps[0].name": "NUL character",
            "apps[0].customData.__pulumiLogtoM2M": "reserved",
            "apps[0].customData": "at most 4096 bytes",
            "apps[0].secrets[0].name": "at most 249 characters",
            "apps[0].secrets[1].expiresAt": "has no offset",
            "apps[0].secrets[2].expiresAt": "not a date of the calendar",
            // A cross-reference error of the same spec, reported with the errors of shape.
            "roles[2].permissions[0].permissions[0]": "unknown permission \"write:y\"",
        };
        const lines = message.split("\n");
        const missing = Object.entries(expected).filter(([path, text]) => !lines.some((line) => line.includes(`${path}: `) && line.includes(text)));
        expect(missing).toEqual([]);
        const counts = fixture.target().counts();
        if (counts) expect(counts.api).toBe(0);
        expect(await nothingMadeWith(tag)).toEqual([]);
    });

    test("a lone surrogate in a spec name fails at once with its path, and nothing hangs", async () => {
        const tag = fixture.target().runId;
        const stack = await specStack("surrogate", { apps: [{ name: `a-${tag}\ud800` }], roles: [{ name: `r-${tag}\udc00` }] });
        fixture.target().resetCounts();
        const message = await failure(stack.up());
        expect(message).toContain("apps[0].name: an app name must not contain a lone UTF-16 surrogate");
        expect(message).toContain("roles[0].name: a role name must not contain a lone UTF-16 surrogate");
        expect(await nothingMadeWith(tag)).toEqual([]);
    });

    test("a lone surrogate given straight to a resource fails naming the property (or the name), and nothing hangs", async () => {
        const tag = fixture.target().runId;
        for (const [stackName, program, text] of [
            ["surrogate-arg", async () => void new M2MRole(`role-${tag}`, { name: `r-${tag}\ud800`, description: "d", scopeIds: [] }), `resource 'role-${tag}': property name must not contain a lone UTF-16 surrogate`],
            ["surrogate-name", async () => ({ id: new M2MApplication(`app-${tag}\ud800`, { name: `a-${tag}`, roleIds: [] }).appId }), "must not contain a lone UTF-16 surrogate"],
        ] as const) {
            const stack = await fixture.stack("logto-m2m-spec-checks", stackName, reportingErrors(program));
            fixture.target().resetCounts();
            expect(await failure(stack.up())).toContain(text);
            const counts = fixture.target().counts();
            if (counts) expect(counts.api).toBe(0);
        }
        expect(await nothingMadeWith(tag)).toEqual([]);
    });
});
