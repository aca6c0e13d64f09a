import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { pulumiBinary, repoRoot } from "../support/engine";
import type { LogtoTarget } from "../support/logtoTarget";
import { exampleNames, type ExampleNames } from "../program/support";

export interface CliResult { code: number; stdout: string; stderr: string }

/** A copy of examples/yaml (and its downstream project) in a temp folder, on a file backend of its own. */
export interface YamlExample {
    base: string;
    platform: string;
    downstream: string;
    names: ExampleNames;
    env: NodeJS.ProcessEnv;
    /** `pulumi <args>` in `cwd` (default: the platform project); never throws on a non-zero exit. */
    pulumi(args: string[], cwd?: string, input?: string): Promise<CliResult>;
    /** Like `pulumi`, but a non-zero exit fails with the command's whole output. */
    ok(args: string[], cwd?: string, input?: string): Promise<CliResult>;
    /** `pulumi stack output --json --show-secrets` of the stack. */
    outputs(stack: string, cwd?: string): Promise<Record<string, any>>;
    /** `pulumi stack init`, then the stack config of the Logto connection (the secret on stdin, as CI does). */
    initStack(stack: string): Promise<void>;
    cleanup(): void;
}

export function yamlExample(target: LogtoTarget, extraEnv: NodeJS.ProcessEnv = {}): YamlExample {
    const base = mkdtempSync(path.join(tmpdir(), "logto-m2m-yaml-"));
    const platform = path.join(base, "yaml");
    const downstream = path.join(platform, "downstream");
    cpSync(path.join(repoRoot, "examples", "yaml"), platform, { recursive: true });
    mkdirSync(path.join(base, "state"));
    const env: NodeJS.ProcessEnv = {
        ...process.env, PULUMI_BACKEND_URL: `file://${base}/state`, PULUMI_CONFIG_PASSPHRASE: "yaml-example-passphrase",
        PULUMI_SKIP_UPDATE_CHECK: "true", ...extraEnv,
    };
    delete env.PULUMI_CONFIG_PASSPHRASE_FILE;
    // Only the explicit provider's inputs tell the plugin where Logto is.
    for (const key of Object.keys(env)) if (key.startsWith("LOGTO_")) delete env[key];
    const names = exampleNames(target);

    const pulumi = (args: string[], cwd = platform, input?: string): Promise<CliResult> => new Promise((resolve, reject) => {
        // Asynchronous: the local Logto answers from this very process.
        const child = spawn(pulumiBinary(), ["--non-interactive", "--color", "never", ...args], { cwd, env, stdio: ["pipe", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
        child.stdin.end(input ?? "");
    });
    const ok = async (args: string[], cwd = platform, input?: string): Promise<CliResult> => {
        const result = await pulumi(args, cwd, input);
        if (result.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
        return result;
    };
    return {
        base, platform, downstream, names, env, pulumi, ok,
        outputs: async (stack, cwd = platform) =>
            JSON.parse((await ok(["stack", "output", "--json", "--show-secrets", "--stack", stack], cwd)).stdout) as Record<string, any>,
        initStack: async (stack) => {
            const c = target.connection;
            await ok(["stack", "init", stack]);
            await ok(["config", "set", "--stack", stack, "endpoint", c.endpoint]);
            await ok(["config", "set", "--stack", stack, "appId", c.appId]);
            await ok(["config", "set", "--secret", "--stack", stack, "appSecret"], platform, c.appSecret);
            if (!target.local) {
                await ok(["config", "set", "--stack", stack, "--", "suffix", `-${target.runId}`]);
                await ok(["config", "set", "--stack", stack, "shoppingIndicator", names.shopping]);
            }
        },
        cleanup: () => rmSync(base, { recursive: true, force: true }),
    };
}
