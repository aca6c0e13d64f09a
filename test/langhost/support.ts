import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { pulumiBinary, repoRoot } from "../support/engine";

/**
 * A Pulumi project in a temp folder, driven by the real `pulumi` CLI as a user drives it (no Automation API, no
 * inline program): its own file backend and passphrase, the CLI that setup chose (PULUMI_CLI) with the language
 * host and dynamic-provider launcher beside it.
 */
export interface CliProject {
    dir: string;
    stateDir: string;
    env: NodeJS.ProcessEnv;
    /** Runs `pulumi <args>` in the project; never throws on a non-zero exit. */
    pulumi(args: string[], options?: { cwd?: string }): Promise<CliResult>;
    /** The stack's state exactly as the file backend stored it. */
    storedState(project: string, stack: string): string;
    cleanup(): void;
}

export interface CliResult {
    code: number;
    stdout: string;
    stderr: string;
    /** stdout and stderr together, for messages that may land on either. */
    output: string;
}

/** `files` maps paths (relative to the project) to contents; `node_modules` links to this repo's unless told not to. */
export function cliProject(files: Record<string, string>, options: { linkNodeModules?: boolean } = {}): CliProject {
    const base = mkdtempSync(path.join(tmpdir(), "logto-m2m-langhost-"));
    const dir = path.join(base, "project");
    const stateDir = path.join(base, "state");
    mkdirSync(dir);
    mkdirSync(stateDir);
    writeFiles(dir, files);
    if (options.linkNodeModules !== false) symlinkSync(path.join(repoRoot, "node_modules"), path.join(dir, "node_modules"), "dir");
    const env: NodeJS.ProcessEnv = {
        ...process.env,
        PULUMI_BACKEND_URL: `file://${stateDir}`,
        PULUMI_CONFIG_PASSPHRASE: "langhost-test-passphrase",
        PULUMI_SKIP_UPDATE_CHECK: "true",
    };
    delete env.PULUMI_CONFIG_PASSPHRASE_FILE;
    return {
        dir, stateDir, env,
        pulumi: (args, opts = {}) => runCli(args, opts.cwd ?? dir, env),
        storedState: (project, stack) => readFileSync(path.join(stateDir, ".pulumi", "stacks", project, `${stack}.json`), "utf8"),
        cleanup: () => rmSync(base, { recursive: true, force: true }),
    };
}

export function writeFiles(dir: string, files: Record<string, string>): void {
    for (const [name, content] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        writeFileSync(path.join(dir, name), content);
    }
}

function runCli(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<CliResult> {
    return new Promise((resolve) => {
        execFile(pulumiBinary(), [...args, "--non-interactive", "--color", "never"], { cwd, env, maxBuffer: 64 * 1024 * 1024 },
            (error, stdout, stderr) => {
                const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
                resolve({ code, stdout, stderr, output: `${stdout}\n${stderr}` });
            });
    });
}

/** The project's package.json, as `pulumi new typescript` writes it (without the registry-only dev tools). */
export function packageJson(name: string, extra: Record<string, unknown> = {}): string {
    return JSON.stringify({ name, version: "1.0.0", main: "index.js", dependencies: { "@pulumi/pulumi": "3.259.0" }, ...extra }, null, 2);
}

/** The tsconfig.json of Pulumi's TypeScript template. */
export const templateTsconfig = JSON.stringify({
    compilerOptions: {
        strict: true, outDir: "bin", target: "es2020", module: "commonjs", moduleResolution: "node", sourceMap: true,
        experimentalDecorators: true, pretty: true, noFallthroughCasesInSwitch: true, noImplicitReturns: true,
        forceConsistentCasingInFileNames: true,
    },
    files: ["index.ts"],
}, null, 2);
