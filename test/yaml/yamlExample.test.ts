import { callsByMethod, startLogtoTarget, type LogtoTarget } from "../support/logtoTarget";
import type { ExampleNames } from "../program/support";
import { yamlExample, type YamlExample } from "./support";

/**
 * examples/yaml, the spec's topology as a Pulumi YAML program on the provider plugin (logto:index:*, an explicit
 * pulumi:providers:logto), run by the `pulumi` CLI with the YAML language host exactly as a user types it: up,
 * preview without changes, a no-op up, drift seen by refresh, the outputs read by a second YAML stack through a
 * StackReference, destroy. Against the local Logto, or the one of LOGTO_* (names then carry the run id).
 */

const stack = "dev";
const builtInRole = "Logto Management API access";

describe("examples/yaml through the pulumi CLI", () => {
    let target: LogtoTarget;
    let ex: YamlExample;
    let names: ExampleNames;
    let platform: string;
    let downstream: string;
    const ok = (args: string[], cwd?: string, input?: string) => ex.ok(args, cwd, input);
    const outputs = (cwd: string) => ex.outputs(stack, cwd);

    beforeAll(async () => {
        target = await startLogtoTarget();
        ex = yamlExample(target);
        ({ names, platform, downstream } = ex);
        await ex.initStack(stack);
    }, 300_000);

    afterAll(async () => {
        if (ex !== undefined) {
            await ex.pulumi(["destroy", "--yes", "--skip-preview", "--stack", stack], downstream).catch(() => undefined);
            await ex.pulumi(["destroy", "--yes", "--skip-preview", "--stack", stack], platform).catch(() => undefined);
            ex.cleanup();
        }
        await target?.close();
    });

    test("up creates the spec's objects; the apps' tokens carry the spec's permissions", async () => {
        const up = await ok(["up", "--yes", "--skip-preview", "--stack", stack]);
        expect(up.stdout).toMatch(/13 created/); // the stack, the provider, the stack identity, the built-in role's reference and 9 Logto objects
        const out = await outputs(platform);
        const client = target.client;
        const resource = (await client.listResources()).find((r) => r.indicator === names.shopping)!;
        expect(resource).toMatchObject({ name: "Shopping API", accessTokenTtl: 3600 });
        expect((await client.listScopes(resource.id)).map((s) => s.name).sort()).toEqual(["read:products", "write:products"]);
        const roleOf = async (appId: string) => (await client.listApplicationRoles(appId)).map((r) => r.name);
        expect(await roleOf(out.apps.storefront.appId)).toEqual([names.reader]);
        expect(await roleOf(out.apps["catalogue-sync"].appId)).toEqual([names.editor]);
        expect(await roleOf(out.apps["provisioning-bot"].appId)).toEqual([builtInRole]);
        // The apps' markers derive from the stack's StackIdentity (stackNonce): one nonce for all of them.
        const markers = await Promise.all(["provisioning-bot", "storefront", "catalogue-sync"].map(async (k) => (await client.getApplication(out.apps[k].appId))?.marker));
        const nonces = new Set(markers.map((m) => /^pulumi:logto-m2m-yaml\/dev\/[A-Za-z]+#([0-9a-f-]{36})$/.exec(m ?? "")?.[1]));
        expect({ markers, nonces: nonces.size }).toEqual({ markers, nonces: 1 });
        expect(nonces.has(undefined)).toBe(false);
        const grant = await client.requestAppToken(out.apps.storefront.appId, out.apps.storefront.appSecret, names.shopping, ["read:products", "write:products"]);
        expect(grant.scope).toEqual(["read:products"]);
        const ci = await client.requestAppToken(out.apps["catalogue-sync"].appId, out.apps["catalogue-sync"].secrets.ci, names.shopping, ["read:products", "write:products"]);
        expect([...ci.scope].sort()).toEqual(["read:products", "write:products"]);
        // Secrets stay secrets: masked without --show-secrets.
        const plain = (await ok(["stack", "output", "--json", "--stack", stack])).stdout;
        expect(plain).toContain(out.tokenEndpoint);
        expect(plain).not.toContain(out.apps.storefront.appSecret);
        expect(plain).not.toContain(out.apps["catalogue-sync"].secrets.ci);
    });

    test("preview shows no change, and a second up makes no call to Logto", async () => {
        await ok(["preview", "--expect-no-changes", "--stack", stack]);
        target.resetCounts();
        const up = await ok(["up", "--yes", "--skip-preview", "--expect-no-changes", "--stack", stack]);
        expect(up.stdout).toMatch(/13 unchanged/);
        // Not one call: the built-in role is a resource (ExistingRole), read at its create and on refresh only.
        const counts = target.counts();
        expect({ routes: Object.keys(counts.byRoute), byMethod: callsByMethod(counts) }).toEqual({ routes: [], byMethod: {} });
    });

    test("refresh sees a change made in Logto, and up puts the program's value back", async () => {
        const client = target.client;
        const resource = (await client.listResources()).find((r) => r.indicator === names.shopping)!;
        await client.updateResource(resource.id, { accessTokenTtl: 60 });
        const refresh = await ok(["refresh", "--yes", "--skip-preview", "--stack", stack]);
        expect(refresh.stdout).toMatch(/1 updated/);
        const preview = await ok(["preview", "--diff", "--stack", stack]);
        expect(preview.stdout).toMatch(/accessTokenTtl\s*:\s*60\s*=>\s*3600/);
        await ok(["up", "--yes", "--skip-preview", "--stack", stack]);
        expect(await client.getResource(resource.id)).toMatchObject({ accessTokenTtl: 3600 });
    });

    test("a downstream YAML stack reads an app's ID and secret through a StackReference", async () => {
        await ok(["stack", "init", stack], downstream);
        await ok(["config", "set", "--stack", stack, "platformStack", `organization/logto-m2m-yaml/${stack}`], downstream);
        await ok(["up", "--yes", "--skip-preview", "--stack", stack], downstream);
        const platformOut = await outputs(platform);
        const out = await outputs(downstream);
        expect(out).toEqual({
            appId: platformOut.apps.storefront.appId,
            appSecret: platformOut.apps.storefront.appSecret,
            tokenEndpoint: `${target.connection.endpoint}/oidc/token`,
        });
        expect((await ok(["stack", "output", "--json", "--stack", stack], downstream)).stdout).not.toContain(platformOut.apps.storefront.appSecret);
        await ok(["destroy", "--yes", "--skip-preview", "--stack", stack], downstream);
    });

    test("destroy removes what it made and leaves Logto's built-in role", async () => {
        const out = await outputs(platform);
        await ok(["destroy", "--yes", "--skip-preview", "--stack", stack]);
        const client = target.client;
        for (const app of Object.values(out.apps) as { appId: string }[]) expect(await client.getApplication(app.appId)).toBeUndefined();
        expect((await client.listResources()).filter((r) => r.indicator === names.shopping)).toEqual([]);
        const roles = (await client.listRoles()).map((r) => r.name);
        expect(roles).not.toContain(names.reader);
        expect(roles).not.toContain(names.editor);
        expect(roles).toContain(builtInRole);
    });
});
