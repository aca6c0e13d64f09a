import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { pulumiBinary, repoRoot } from "../support/engine";
import { callsByMethod, startLogtoTarget, type LogtoTarget } from "../support/logtoTarget";
import { exampleNames, type ExampleNames } from "../program/support";

/**
 * examples/yaml, the spec's topology as a Pulumi YAML program on the provider plugin (logto:index:*, an explicit
 * pulumi:providers:logto), run by the `pulumi` CLI with the YAML language host exactly as a user types it: up,
 * preview without changes, a no-op up, drift seen by refresh, the outputs read by a second YAML stack through a
 * StackReference, destroy. Against the local Logto, or the one of LOGTO_* (names then carry the run id).
 */

interface CliResult { code: number; stdout: string; stderr: string }

const passphrase = "yaml-example-passphrase";
const stack = "dev";
const builtInRole = "Logto Management API access";

describe("examples/yaml through the pulumi CLI", () => {
    let target: LogtoTarget;
    let names: ExampleNames;
    let base: string;
    let platform: string;
    let downstream: string;
    let env: NodeJS.ProcessEnv;

    function pulumi(args: string[], cwd: string, input?: string): Promise<CliResult> {
        return new Promise((resolve, reject) => {
            // Asynchronous: the local Logto answers from this very process.
            const child = spawn(pulumiBinary(), [...args, "--non-interactive", "--color", "never"], { cwd, env, stdio: ["pipe", "pipe", "pipe"] });
            let stdout = "";
            let stderr = "";
            child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
            child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
            child.on("error", reject);
            child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
            child.stdin.end(input ?? "");
        });
    }
    async function ok(args: string[], cwd = platform, input?: string): Promise<CliResult> {
        const result = await pulumi(args, cwd, input);
        if (result.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
        return result;
    }
    async function outputs(cwd: string): Promise<Record<string, any>> {
        return JSON.parse((await ok(["stack", "output", "--json", "--show-secrets", "--stack", stack], cwd)).stdout) as Record<string, any>;
    }

    beforeAll(async () => {
        target = await startLogtoTarget();
        names = exampleNames(target);
        base = mkdtempSync(path.join(tmpdir(), "logto-m2m-yaml-"));
        platform = path.join(base, "yaml");
        downstream = path.join(platform, "downstream");
        env = { ...process.env, PULUMI_BACKEND_URL: `file://${base}/state`, PULUMI_CONFIG_PASSPHRASE: passphrase, PULUMI_SKIP_UPDATE_CHECK: "true" };
        delete env.PULUMI_CONFIG_PASSPHRASE_FILE;
        // Only the explicit provider's inputs tell the plugin where Logto is.
        for (const key of Object.keys(env)) if (key.startsWith("LOGTO_")) delete env[key];
        cpSync(path.join(repoRoot, "examples", "yaml"), platform, { recursive: true });
        mkdirSync(path.join(base, "state"));

        const c = target.connection;
        await ok(["stack", "init", stack]);
        await ok(["config", "set", "--stack", stack, "endpoint", c.endpoint]);
        await ok(["config", "set", "--stack", stack, "appId", c.appId]);
        await ok(["config", "set", "--secret", "--stack", stack, "appSecret"], platform, c.appSecret);
        if (!target.local) {
            await ok(["config", "set", "--stack", stack, "suffix", `-${target.runId}`]);
            await ok(["config", "set", "--stack", stack, "shoppingIndicator", names.shopping]);
        }
    }, 300_000);

    afterAll(async () => {
        if (platform !== undefined) {
            await pulumi(["destroy", "--yes", "--skip-preview", "--stack", stack], downstream).catch(() => undefined);
            await pulumi(["destroy", "--yes", "--skip-preview", "--stack", stack], platform).catch(() => undefined);
        }
        await target?.close();
        if (base !== undefined) rmSync(base, { recursive: true, force: true });
    });

    test("up creates the spec's objects; the apps' tokens carry the spec's permissions", async () => {
        const up = await ok(["up", "--yes", "--skip-preview", "--stack", stack]);
        expect(up.stdout).toMatch(/11 created/); // the stack, the provider and 9 Logto objects
        const out = await outputs(platform);
        const client = target.client;
        const resource = (await client.listResources()).find((r) => r.indicator === names.shopping)!;
        expect(resource).toMatchObject({ name: "Shopping API", accessTokenTtl: 3600 });
        expect((await client.listScopes(resource.id)).map((s) => s.name).sort()).toEqual(["read:products", "write:products"]);
        const roleOf = async (appId: string) => (await client.listApplicationRoles(appId)).map((r) => r.name);
        expect(await roleOf(out.apps.storefront.appId)).toEqual([names.reader]);
        expect(await roleOf(out.apps["catalogue-sync"].appId)).toEqual([names.editor]);
        expect(await roleOf(out.apps["provisioning-bot"].appId)).toEqual([builtInRole]);
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

    test("preview shows no change, and a second up makes no write to Logto", async () => {
        await ok(["preview", "--expect-no-changes", "--stack", stack]);
        target.resetCounts();
        const up = await ok(["up", "--yes", "--skip-preview", "--expect-no-changes", "--stack", stack]);
        expect(up.stdout).toMatch(/11 unchanged/);
        // The only calls: the program's lookup of Logto's built-in role by name (a function: Pulumi YAML invokes it
        // on every run); no resource reads or writes Logto.
        const counts = target.counts();
        expect({ routes: Object.keys(counts.byRoute), byMethod: callsByMethod(counts) }).toEqual({ routes: ["GET /api/roles"], byMethod: { GET: 1 } });
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
