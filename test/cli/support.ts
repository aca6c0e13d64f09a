import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { pulumiBinary, repoRoot } from "../support/engine";
import type { LogtoTarget } from "../support/logtoTarget";
import { linkSharedInstall, pinnedVersion } from "../support/packedPackage";
import { exampleNames, type ExampleNames } from "../program/support";

/**
 * examples/platform-repo as a platform team runs it: a copy in a temp folder with the packed package installed
 * by npm, driven by the `pulumi` CLI (PULUMI_CLI, with the language host and the dynamic-provider launcher
 * beside it) exactly as a user types the commands. No Automation API and no inline program in between.
 */
export interface PlatformRepo {
    /** The platform project (Pulumi.yaml, index.ts, m2m.yaml, ...). */
    dir: string;
    /** The downstream service's project. */
    downstream: string;
    /** Names in m2m.yaml as this run uses them (tagged with the run id against a shared Logto). */
    names: PlatformNames;
    backendUrl: string;
    /** `pulumi <args>` in `cwd` (default: the platform project); never throws on a non-zero exit. */
    pulumi(args: string[], options?: { cwd?: string; input?: string }): Promise<CliResult>;
    /** Like `pulumi`, but a non-zero exit fails with the command's whole output. */
    ok(args: string[], options?: { cwd?: string; input?: string }): Promise<CliResult>;
    /** Rewrites m2m.yaml as a user's edit does. */
    editSpec(edit: (text: string) => string): void;
    cleanup(): void;
}

export interface CliResult {
    code: number;
    stdout: string;
    stderr: string;
}

/** The example spec and m2m.yaml share their names. */
export type PlatformNames = ExampleNames;

/** The project name in examples/platform-repo/Pulumi.yaml; a stack on a DIY backend is organization/<project>/<stack>. */
export const platformProject = "platform-m2m";
export const exampleDir = path.join(repoRoot, "examples", "platform-repo");

const passphrase = "cli-test-passphrase";

/**
 * Copies the example, pins its dependencies to this checkout's versions (so npm takes them from its cache and
 * the SDK matches the CLI), installs them with the packed package (npm, shared by the test files of one build),
 * and links the downstream project to the same node_modules. Against a Logto given by LOGTO_*, every name and indicator of m2m.yaml carries the run id.
 */
export function platformRepo(target: LogtoTarget, backendUrl?: string): PlatformRepo {
    const base = mkdtempSync(path.join(tmpdir(), "logto-m2m-cli-"));
    const dir = path.join(base, "platform-repo");
    const state = path.join(base, "state");
    mkdirSync(state);
    cpSync(exampleDir, dir, { recursive: true, filter: (src) => !/[/\\](node_modules|bin)$/.test(src) });
    const downstream = path.join(dir, "downstream");

    const pkgFile = path.join(dir, "package.json");
    const pkg = JSON.parse(readFileSync(pkgFile, "utf8")) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    for (const deps of [pkg.dependencies, pkg.devDependencies]) {
        for (const name of Object.keys(deps)) if (name !== "pulumi-logto-m2m") deps[name] = pinnedVersion(name);
    }
    writeFileSync(pkgFile, JSON.stringify(pkg, null, 4));
    linkSharedInstall(dir);
    // The downstream project needs @pulumi/pulumi and TypeScript only, the same versions: one install serves both.
    symlinkSync(path.join(dir, "node_modules"), path.join(downstream, "node_modules"), "dir");

    const names: PlatformNames = exampleNames(target);
    const specFile = path.join(dir, "m2m.yaml");
    if (!target.local) {
        let text = readFileSync(specFile, "utf8").replaceAll("https://shopping.api", names.shopping);
        for (const [from, to] of [["shopping-reader", names.reader], ["shopping-editor", names.editor], ["storefront", names.storefront],
            ["catalogue-sync", names.sync], ["provisioning-bot", names.bot]]) {
            text = text.replace(new RegExp(`\\b${from}\\b(?![-/])`, "g"), to!);
        }
        writeFileSync(specFile, text);
    }

    const url = backendUrl ?? `file://${state}`;
    const env: NodeJS.ProcessEnv = { ...process.env, PULUMI_BACKEND_URL: url, PULUMI_CONFIG_PASSPHRASE: passphrase, PULUMI_SKIP_UPDATE_CHECK: "true" };
    delete env.PULUMI_CONFIG_PASSPHRASE_FILE;
    // Only the stack config tells the providers where Logto is: no LOGTO_* fallback from the test's environment.
    for (const key of Object.keys(env)) if (key.startsWith("LOGTO_")) delete env[key];

    const pulumi = (args: string[], options: { cwd?: string; input?: string } = {}) => runCli(args, options.cwd ?? dir, env, options.input);
    return {
        dir,
        downstream,
        names,
        backendUrl: url,
        pulumi,
        ok: async (args, options) => {
            const result = await pulumi(args, options);
            if (result.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
            return result;
        },
        editSpec: (edit) => writeFileSync(specFile, edit(readFileSync(specFile, "utf8"))),
        cleanup: () => rmSync(base, { recursive: true, force: true }),
    };
}

function runCli(args: string[], cwd: string, env: NodeJS.ProcessEnv, input?: string): Promise<CliResult> {
    return run(pulumiBinary(), [...args, "--non-interactive", "--color", "never"], cwd, env, input);
}

/** An installed bin (e.g. node_modules/.bin/logto-m2m-verify) with `input` on stdin. */
export function runBin(bin: string, input: string, cwd: string): Promise<CliResult> {
    return run(bin, [], cwd, process.env, input);
}

// Asynchronous on purpose: the local Logto answers from this very process.
function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, input?: string): Promise<CliResult> {
    return new Promise((resolve, reject) => {
        const child = spawn(command, args, { cwd, env, stdio: ["pipe", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
        child.stdin.end(input ?? "");
    });
}

/** Stack config of the Logto connection, as `pulumi config set` takes it; the app secret goes in with --secret. */
export async function configureLogto(repo: PlatformRepo, target: LogtoTarget, stack: string): Promise<void> {
    const c = target.connection;
    await repo.ok(["config", "set", "--stack", stack, "logto:endpoint", c.endpoint]);
    await repo.ok(["config", "set", "--stack", stack, "logto:appId", c.appId]);
    if (c.tenantId !== undefined) await repo.ok(["config", "set", "--stack", stack, "logto:tenantId", c.tenantId]);
    if (c.managementIndicator !== undefined) await repo.ok(["config", "set", "--stack", stack, "logto:managementIndicator", c.managementIndicator]);
    // As CI does it: the value on stdin, never on the command line.
    await repo.ok(["config", "set", "--secret", "--stack", stack, "logto:appSecret"], { input: c.appSecret });
}

/** Pulumi's diff lines of a `--diff` display (`~ accessTokenTtl: 3600 => 7200`), trimmed. */
export function changedProperties(output: string): string[] {
    return output.split("\n").map((l) => l.trim()).filter((l) => /^[-+~] [\w.]+\s*:/.test(l));
}

/** The resource steps of a `--diff` display: `~ pulumi-nodejs:dynamic/logto:ApiResource: (update)`, ... */
export function resourceSteps(output: string): string[] {
    return output.split("\n").map((l) => l.trim()).filter((l) => /^(\+-|[-+~]) [\w-]+:[\w/-]+:[\w]+: \(/.test(l));
}

/** The claims of a JWT (the token is the test's own: it only reads what Logto granted). */
export function jwtClaims(token: string): Record<string, unknown> {
    return JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8")) as Record<string, unknown>;
}
