import { spawn } from "node:child_process";
import * as path from "node:path";
import type { RunRequest } from "@pulumi/pulumi/proto/language_pb";
import { track } from "./children";
import { locateModule } from "./locate";
import { logV } from "./log";
import { nodeArgs, runtimeOptions, typeScriptEnv } from "./runtimeOptions";

/**
 * The SDK exits with this code after it has reported the program's error itself (a RunError's message, an
 * unhandled exception's stack): the CLI is to stop without a further message.
 */
export const SDK_REPORTED_ERROR_EXIT_CODE = 32;

export interface RunOutcome {
    /** The error the CLI shows; empty when the program succeeded or `bail` is set. */
    error: string;
    bail: boolean;
}

export interface RunContext {
    engineAddress?: string;
    tracing?: string;
}

/** The runner's command line: `@pulumi/pulumi/cmd/run` of the program's own SDK, with the run's settings. */
export function runnerArguments(req: RunRequest, context: RunContext): { argv: string[]; cwd: string; env: Record<string, string> } {
    const info = req.getInfo();
    const programDirectory = info?.getProgramDirectory() || req.getPwd();
    const entryPoint = info?.getEntryPoint() || req.getProgram() || ".";
    const pwd = req.getPwd() || programDirectory;
    const options = runtimeOptions(info);
    const runner = locateModule("@pulumi/pulumi/cmd/run", programDirectory);

    const argv = [...nodeArgs(options), runner, "--monitor", req.getMonitorAddress()];
    if (context.engineAddress !== undefined) argv.push("--engine", context.engineAddress);
    if (req.getOrganization() !== "") argv.push("--organization", req.getOrganization());
    argv.push("--project", req.getProject(), "--stack", req.getStack(), "--pwd", pwd);
    if (info?.getRootDirectory()) argv.push("--root-directory", info.getRootDirectory());
    if (req.getDryrun()) argv.push("--dry-run");
    argv.push("--parallel", String(req.getParallel()));
    if (context.tracing !== undefined) argv.push("--tracing", context.tracing);
    // "." makes the runner take the entry point from package.json (main/exports), as Pulumi's host does when
    // Pulumi.yaml names no `main`; the runner resolves "." against --pwd, so it is passed as "." only there.
    const program = entryPoint === "." && path.resolve(programDirectory) === path.resolve(pwd)
        ? "."
        : path.resolve(programDirectory, entryPoint);
    argv.push(program, ...req.getArgsList());

    const config: Record<string, string> = {};
    for (const [key, value] of req.getConfigMap().entries()) config[key] = value;
    const env = {
        PULUMI_CONFIG: JSON.stringify(config),
        PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(req.getConfigsecretkeysList()),
        ...typeScriptEnv(options),
    };
    return { argv, cwd: pwd, env };
}

/**
 * Runs the program to its end. Its stdout and stderr are this host's (the CLI shows them as the stack's
 * diagnostics); the outcome follows Pulumi's host: exit 0 is success, 32 a bail with no message, another code
 * (or a signal) the error `Program exited with non-zero exit code: N`.
 */
export async function runProgram(req: RunRequest, context: RunContext): Promise<RunOutcome> {
    const { argv, cwd, env } = runnerArguments(req, context);
    logV(5, `Run: ${process.execPath} ${argv.join(" ")} (cwd ${cwd})`);
    const child = track(spawn(process.execPath, argv, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "inherit", "inherit"] }));
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
        child.once("error", reject);
        child.once("exit", (c, s) => resolve([c, s]));
    });
    logV(5, `Run: the program ended with ${code ?? signal}`);
    if (code === 0) return { error: "", bail: false };
    if (code === SDK_REPORTED_ERROR_EXIT_CODE) return { error: "", bail: true };
    if (code !== null) return { error: `Program exited with non-zero exit code: ${code}`, bail: false };
    return { error: `Program exited unexpectedly: signal: ${signal ?? "unknown"}`, bail: false };
}
