import { spawn, type ChildProcess } from "node:child_process";
import { constants } from "node:os";
import * as path from "node:path";
import type { RunPluginRequest } from "@pulumi/pulumi/proto/language_pb";
import { track } from "./children";
import { locateModule } from "./locate";
import { logV } from "./log";
import { nodeArgs, runtimeOptions } from "./runtimeOptions";

/** The plugin's command line and environment: the SDK's runner of the plugin's own node_modules, then its words. */
export function pluginArguments(req: RunPluginRequest): { argv: string[]; cwd: string; env: Record<string, string | undefined> } {
    const info = req.getInfo();
    const pluginDirectory = path.resolve(info?.getProgramDirectory() || req.getProgram() || req.getPwd());
    const runnerModule = req.getKind() === "analyzer" ? "@pulumi/pulumi/cmd/run-policy-pack" : "@pulumi/pulumi/cmd/run-plugin";
    const runner = locateModule(runnerModule, pluginDirectory);
    const args = req.getArgsList();
    // cmd/run-policy-pack keeps the convention of the old `pulumi-analyzer-policy` shim: `<engine> <program>`
    // (it drops the first word); cmd/run-plugin takes `<program> [args]`.
    const runnerArgs = req.getKind() === "analyzer"
        ? [args[0] ?? "", pluginDirectory, ...args.slice(1)]
        : [pluginDirectory, ...args];
    const argv = [...nodeArgs(runtimeOptions(info)), runner, ...runnerArgs];
    const env: Record<string, string | undefined> = { ...process.env };
    for (const pair of req.getEnvList()) {
        const eq = pair.indexOf("=");
        if (eq > 0) env[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    return { argv, cwd: req.getPwd() || pluginDirectory, env };
}

/**
 * A Node plugin (a provider or tool with PulumiPlugin.yaml `runtime: nodejs`, or a policy pack with
 * PulumiPolicy.yaml) on the SDK's runner of the plugin's own node_modules: `cmd/run-policy-pack` for policy
 * packs, `cmd/run-plugin` for the rest. Its stdout (whose first line is the plugin's port) and stderr go to
 * `onOutput`; the promise holds its exit code.
 */
export function startPlugin(req: RunPluginRequest, onOutput: (stream: "stdout" | "stderr", chunk: Buffer) => void):
    { child: ChildProcess; exited: Promise<number> } {
    const { argv, cwd, env } = pluginArguments(req);
    logV(5, `RunPlugin(${req.getKind()}): ${process.execPath} ${argv.join(" ")} (cwd ${cwd})`);
    const child = track(spawn(process.execPath, argv, { cwd, env, stdio: ["ignore", "pipe", "pipe"] }));
    child.stdout!.on("data", (chunk: Buffer) => onOutput("stdout", chunk));
    child.stderr!.on("data", (chunk: Buffer) => onOutput("stderr", chunk));
    const exited = new Promise<number>((resolve, reject) => {
        child.once("error", reject);
        // "close" rather than "exit": the last output has been read by then.
        child.once("close", (code, signal) => resolve(code ?? (signal !== null ? 128 + (constants.signals[signal] ?? 0) : 1)));
    });
    return { child, exited };
}
