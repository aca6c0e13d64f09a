import { spawn, type ChildProcess } from "node:child_process";
import { constants } from "node:os";
import * as path from "node:path";
import type { RunPluginRequest } from "@pulumi/pulumi/proto/language_pb";
import { track } from "./children";
import { locateModule } from "./locate";
import { logV } from "./log";
import { nodeArgs, runtimeOptions } from "./runtimeOptions";

/**
 * A Node plugin (a provider or tool with PulumiPlugin.yaml `runtime: nodejs`, or a policy pack with
 * PulumiPolicy.yaml) on the SDK's runner of the plugin's own node_modules: `cmd/run-policy-pack` for policy
 * packs, `cmd/run-plugin` for the rest. Its stdout (whose first line is the plugin's port) and stderr go to
 * `onOutput`; the promise holds its exit code.
 */
export function startPlugin(req: RunPluginRequest, onOutput: (stream: "stdout" | "stderr", chunk: Buffer) => void):
    { child: ChildProcess; exited: Promise<number> } {
    const info = req.getInfo();
    const pluginDirectory = path.resolve(info?.getProgramDirectory() || req.getProgram() || req.getPwd());
    const runnerModule = req.getKind() === "analyzer" ? "@pulumi/pulumi/cmd/run-policy-pack" : "@pulumi/pulumi/cmd/run-plugin";
    const runner = locateModule(runnerModule, pluginDirectory);
    const argv = [...nodeArgs(runtimeOptions(info)), runner, pluginDirectory, ...req.getArgsList()];
    const env: Record<string, string | undefined> = { ...process.env };
    for (const pair of req.getEnvList()) {
        const eq = pair.indexOf("=");
        if (eq > 0) env[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    const cwd = req.getPwd() || pluginDirectory;
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
