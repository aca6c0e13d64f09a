import type { Stack } from "@pulumi/pulumi/automation";
import { ApiResource } from "../../providers/apiResource";
import { ApiScope } from "../../providers/apiScope";
import { ApplicationSecret } from "../../providers/applicationSecret";
import { M2MApplication } from "../../providers/m2mApplication";
import { M2MRole } from "../../providers/m2mRole";
import { cliStackExport } from "../support/engine";
import { useProviderFixture } from "./support";

// Inputs a typed program cannot write but a JavaScript program or a YAML-fed one can.
const loosely = <T>(value: unknown): T => value as T;

const past = Date.now() - 24 * 3600 * 1000;

/** Each case: the resource to declare, and the property its failure must name. */
const cases: Array<[string, string, () => void]> = [
    ["an indicator that is not a URI", "indicator", () => new ApiResource("r", { name: "shop", indicator: "shop api" })],
    ["an indicator with a fragment", "indicator", () => new ApiResource("r", { name: "shop", indicator: "https://shop.example/api#v1" })],
    ["an empty resource name", "name", () => new ApiResource("r", { name: "", indicator: "https://shop.example" })],
    ["a token lifetime of 0", "accessTokenTtl", () => new ApiResource("r", { name: "shop", indicator: "https://shop.example", accessTokenTtl: 0 })],
    ["a fractional token lifetime", "accessTokenTtl", () => new ApiResource("r", { name: "shop", indicator: "https://shop.example", accessTokenTtl: 1.5 })],
    ["a token lifetime over 30 days", "accessTokenTtl", () => new ApiResource("r", { name: "shop", indicator: "https://shop.example", accessTokenTtl: 31 * 86400 })],
    ["adopt that is not a boolean", "adopt", () => new ApiResource("r", { name: "shop", indicator: "https://shop.example", adopt: loosely("yes") })],
    ["a permission name with a space", "name", () => new ApiScope("s", { resourceId: "res1", name: "read products" })],
    ["a permission name over 256 characters", "name", () => new ApiScope("s", { resourceId: "res1", name: "r".repeat(257) })],
    ["an empty resource id", "resourceId", () => new ApiScope("s", { resourceId: "", name: "read:products" })],
    ["a role name over 128 characters", "name", () => new M2MRole("m", { name: "n".repeat(129), description: "d", scopeIds: [] })],
    ["an empty role description", "description", () => new M2MRole("m", { name: "readers", description: "", scopeIds: [] })],
    ["a role name reserved by Logto", "name", () => new M2MRole("m", { name: "#internal:admin", description: "d", scopeIds: [] })],
    ["a permission listed twice", "scopeIds", () => new M2MRole("m", { name: "readers", description: "d", scopeIds: ["scope1", "scope1"] })],
    ["scopeIds that is not a list", "scopeIds", () => new M2MRole("m", { name: "readers", description: "d", scopeIds: loosely("scope1") })],
    ["an empty app name", "name", () => new M2MApplication("a", { name: "", roleIds: [] })],
    ["an empty role id", "roleIds", () => new M2MApplication("a", { name: "sync", roleIds: [""] })],
    ["customData that is a list", "customData", () => new M2MApplication("a", { name: "sync", roleIds: [], customData: loosely(["x"]) })],
    ["customData over 4 KB", "customData", () => new M2MApplication("a", { name: "sync", roleIds: [], customData: { blob: "x".repeat(5000) } })],
    ["customData using the marker's key", "customData", () => new M2MApplication("a", { name: "sync", roleIds: [], customData: { __pulumiLogtoM2M: "mine" } })],
    ["adopt without an app id", "adoptAppId", () => new M2MApplication("a", { name: "sync", roleIds: [], adopt: true })],
    ["a secret expiring in the past", "expiresAt", () => new ApplicationSecret("x", { applicationId: "app1", name: "ci", expiresAt: past })],
    ["a secret expiry that is not a date", "expiresAt", () => new ApplicationSecret("x", { applicationId: "app1", name: "ci", expiresAt: "next tuesday" })],
    ["a secret name over 249 characters", "name", () => new ApplicationSecret("x", { applicationId: "app1", name: "s".repeat(250) })],
];

/**
 * Bad inputs fail in `check`, at preview, naming the property, before any call to Logto: nothing is created and
 * no token is requested, whatever the command.
 */
describe("bad inputs", () => {
    const fixture = useProviderFixture();
    let stack: Stack;
    let declare: () => void = () => {};

    beforeAll(async () => {
        stack = await fixture.stack("logto-bad-inputs", "dev", async () => {
            declare();
        });
        // The stack itself exists from here on, so every later summary counts Logto resources only.
        await stack.up();
    });

    test("cover at least 15 kinds", () => {
        expect(cases.length).toBeGreaterThanOrEqual(15);
    });

    test.each(cases)("%s fails at preview and at up, naming %s, and nothing is created", async (_kind, property, resource) => {
        declare = resource;
        fixture.target().resetCounts();
        const failure = new RegExp(`resource '[a-z]+': property ${property.replace(/\./g, "\\.")} value .* has a problem`);
        await expect(stack.preview()).rejects.toThrow(failure);
        await expect(stack.up()).rejects.toThrow(failure);
        const counts = fixture.target().counts();
        expect(counts).toEqual({ token: 0, api: 0, byRoute: {} });
        const exported = JSON.parse(await cliStackExport(fixture.sandbox(), "dev"));
        // The stack's identity (state only, no Logto object) may exist: an app's marker waits for it.
        expect((exported.deployment.resources ?? []).filter((r: { type: string }) => r.type.includes("logto:") && !r.type.endsWith("logto:StackIdentity"))).toEqual([]);
    });

    test("inputs that are unknown during preview (outputs of resources still to be made) pass check", async () => {
        declare = () => {
            const api = new ApiResource("api", { name: "shop", indicator: "https://shop.example" });
            const scope = new ApiScope("read", { resourceId: api.id, name: "read:products" });
            const role = new M2MRole("role", { name: "readers", description: "d", scopeIds: [scope.id] });
            const app = new M2MApplication("app", { name: "sync", roleIds: [role.id], customData: { owner: api.indicator } });
            new ApplicationSecret("ci", { applicationId: app.appId, name: "ci", expiresAt: "2099-01-01" });
        };
        fixture.target().resetCounts();
        const preview = await stack.preview();
        expect(preview.changeSummary).toMatchObject({ create: 5 }); // the stack's identity exists already: an earlier up made it
        const counts = fixture.target().counts();
        expect(counts).toEqual({ token: 0, api: 0, byRoute: {} });
    });
});
