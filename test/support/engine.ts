import { LocalWorkspace, PulumiCommand, Stack, type ConfigMap, type PulumiFn } from "@pulumi/pulumi/automation";
import { mkdtempSync, symlinkSync, rmSync, mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";

/** The checkout whose compiled code the engine tests run (dist/test/support -> repo root). */
export const repoRoot = path.resolve(__dirname, "..", "..", "..");

export interface EngineSandbox {
    /** The program's folder: the dynamic-provider host starts here and resolves packages from its node_modules. */
    workDir: string;
    backendUrl: string;
    env: Record<string, string>;
    cleanup(): void;
}

/**
 * A throwaway project folder and file backend, so engine tests never touch the user's state. `checkout` picks
 * the repo whose node_modules the provider host resolves `pulumi-logto-m2m` from (another checkout path in the
 * portability test).
 */
export function engineSandbox(checkout = repoRoot, backend?: string): EngineSandbox {
    const base = mkdtempSync(path.join(tmpdir(), "logto-m2m-engine-"));
    const workDir = path.join(base, "project");
    const state = path.join(base, "state");
    mkdirSync(workDir);
    mkdirSync(state);
    symlinkSync(path.join(checkout, "node_modules"), path.join(workDir, "node_modules"), "dir");
    const backendUrl = backend ?? `file://${state}`;
    return {
        workDir,
        backendUrl,
        env: {
            PULUMI_BACKEND_URL: backendUrl,
            PULUMI_CONFIG_PASSPHRASE: "engine-test-passphrase",
            PULUMI_SKIP_UPDATE_CHECK: "true",
        },
        cleanup: () => rmSync(base, { recursive: true, force: true }),
    };
}

const execFileAsync = promisify(execFile);

/** The `pulumi` binary setup chose (PULUMI_CLI), else the one on PATH. */
export function pulumiBinary(): string {
    return process.env.PULUMI_CLI ?? "pulumi";
}

let pulumiCommand: Promise<PulumiCommand> | undefined;
/** The CLI that setup put on PATH (PULUMI_CLI), without the Automation API's own version probe failing on dev builds. */
export function pulumiCli(): Promise<PulumiCommand> {
    pulumiCommand ??= PulumiCommand.get({ root: process.env.PULUMI_CLI ? path.dirname(path.dirname(process.env.PULUMI_CLI)) : undefined, skipVersionCheck: true });
    return pulumiCommand;
}

export async function inlineStack(sandbox: EngineSandbox, projectName: string, stackName: string, program: PulumiFn, config: ConfigMap = {}): Promise<Stack> {
    const stack = await LocalWorkspace.createOrSelectStack(
        { projectName, stackName, program },
        {
            workDir: sandbox.workDir,
            envVars: sandbox.env,
            pulumiCommand: await pulumiCli(),
            projectSettings: { name: projectName, runtime: "nodejs", backend: { url: sandbox.backendUrl } },
        },
    );
    if (Object.keys(config).length > 0) await stack.setAllConfig(config);
    return stack;
}

/** The stack's state exactly as the file backend stored it. */
export function storedState(sandbox: EngineSandbox, projectName: string, stackName: string): string {
    if (!sandbox.backendUrl.startsWith("file://")) throw new Error("storedState reads file backends only");
    const file = path.join(new URL(sandbox.backendUrl).pathname, ".pulumi", "stacks", projectName, `${stackName}.json`);
    return readFileSync(file, "utf8");
}

/** `pulumi stack export` as a user runs it (secrets not shown), unlike the Automation API's exportStack. */
export async function cliStackExport(sandbox: EngineSandbox, stackName: string): Promise<string> {
    const { stdout } = await execFileAsync(pulumiBinary(), ["stack", "export", "--stack", stackName, "--show-secrets=false", "--non-interactive"],
        { cwd: sandbox.workDir, env: { ...process.env, ...sandbox.env }, maxBuffer: 256 * 1024 * 1024 });
    return stdout;
}
