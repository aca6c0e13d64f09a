/**
 * The users' road in figures: wall time of `pulumi preview`, `pulumi up` (create) and a no-op `pulumi up` of this
 * repo's Pulumi.yaml (examples/spec.yaml through the LogtoM2M component) run by the Pulumi CLI and the Node.js
 * language host, split into CLI start-up, language host, program and Logto calls, beside the same stack through
 * an Automation API inline program; then the start-up of the hosts alone and the module loading of the
 * dynamic-provider host per run. Figures, not tests.
 * Usage: node dist/scripts/bench-road.js [--runs N]   (default 3; each run creates and destroys the stack)
 */
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { LocalWorkspace, type Stack } from "@pulumi/pulumi/automation";
import { startLocalLogto } from "../local-logto";
import { logtoM2MProgram } from "../program";
import { engineSandbox, pulumiBinary, pulumiCli, repoRoot } from "../test/support/engine";
import { describeMachine, printTable, runBench } from "./bench/harness";
import { ProcessTimeline, splitRoad, type RoadSplit } from "./bench/timeline";
import { TimingProxy } from "./bench/timingProxy";

interface Sample { wallMs: number; split?: RoadSplit; logto: { calls: number; ms: number } }

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)] ?? 0; };
const sec = (ms: number): string => (ms / 1000).toFixed(1);

function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ pid: number; done: Promise<void> }> {
    const child = spawn(pulumiBinary(), [...args, "--non-interactive"], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (c: Buffer) => { output += c.toString(); });
    child.stderr.on("data", (c: Buffer) => { output += c.toString(); });
    const done = new Promise<void>((resolve, reject) => child.once("close", (code) =>
        (code === 0 ? resolve() : reject(new Error(`pulumi ${args.join(" ")} failed (${code}):\n${output}`)))));
    return Promise.resolve({ pid: child.pid!, done });
}

async function timedCli(args: string[], cwd: string, env: NodeJS.ProcessEnv, proxy: TimingProxy): Promise<Sample> {
    proxy.take();
    const start = performance.now();
    const { pid, done } = await cli(args, cwd, env);
    const timeline = new ProcessTimeline(pid);
    await done;
    const wallMs = performance.now() - start;
    return { wallMs, split: splitRoad(timeline.stop()), logto: proxy.take() };
}

async function timedInline(run: () => Promise<unknown>, proxy: TimingProxy): Promise<Sample> {
    proxy.take();
    const start = performance.now();
    await run();
    return { wallMs: performance.now() - start, logto: proxy.take() };
}

/** Milliseconds until a freshly started host prints its port (what the CLI waits for), median of `runs`. */
async function startupMs(command: string, args: string[], runs: number): Promise<number> {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
        const start = performance.now();
        const child = spawn(command, args, { cwd: repoRoot, stdio: ["pipe", "pipe", "inherit"] });
        await new Promise<void>((resolve, reject) => {
            child.stdout.once("data", () => resolve());
            child.once("exit", (code) => reject(new Error(`${command} exited (${code}) before printing a port`)));
        });
        times.push(performance.now() - start);
        child.kill();
    }
    return median(times);
}

/** Module loading in a fresh Node, as the dynamic-provider host does it per run (ms and module count). */
function moduleLoading(): Promise<Record<string, { ms: number; modules: number }>> {
    const script = `
        const step = (f) => { const n = Object.keys(require.cache).length, t = process.hrtime.bigint(); f();
            return { ms: Number(process.hrtime.bigint() - t) / 1e6, modules: Object.keys(require.cache).length - n }; };
        const out = {};
        out.sdk = step(() => require("@pulumi/pulumi"));
        out.providers = step(() => ["apiResource", "apiScope", "applicationSecret", "m2mApplication", "m2mRole", "lookups"]
            .forEach((p) => require("pulumi-logto-m2m/providers/" + p)));
        out.client = step(() => require("pulumi-logto-m2m/providers/logtoApi").connect({ endpoint: "http://127.0.0.1:9", appId: "a", appSecret: "s" }));
        console.log(JSON.stringify(out));`;
    return new Promise((resolve, reject) => execFile(process.execPath, ["-e", script], { cwd: repoRoot }, (error, stdout) =>
        (error ? reject(error) : resolve(JSON.parse(stdout) as Record<string, { ms: number; modules: number }>))));
}

function cliRow(name: string, samples: Sample[]): (string | number)[] {
    const pick = (f: (s: Sample) => number): string => sec(median(samples.map(f)));
    return [name, pick((s) => s.wallMs), pick((s) => s.split!.cliStartup), pick((s) => s.split!.languageHost),
        pick((s) => s.split!.program), pick((s) => s.split!.programToProviderHost), pick((s) => s.logto.ms), median(samples.map((s) => s.logto.calls)),
        `${samples[0]!.split!.languageHosts} / ${samples[0]!.split!.dynamicProviderHosts}`];
}

runBench(async () => {
    const runsArg = process.argv.indexOf("--runs");
    const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;
    console.log(`machine: ${describeMachine()}; ${runs} runs, medians`);
    const logto = await startLocalLogto({ port: 0 });
    const proxy = await TimingProxy.start(logto.endpoint);
    const base = mkdtempSync(path.join(tmpdir(), "logto-m2m-bench-road-"));
    const env: NodeJS.ProcessEnv = { ...process.env, PULUMI_BACKEND_URL: `file://${base}`, PULUMI_CONFIG_PASSPHRASE: "bench", PULUMI_SKIP_UPDATE_CHECK: "true" };
    delete env.PULUMI_CONFIG_PASSPHRASE_FILE;
    const config = { endpoint: proxy.endpoint, appId: logto.bootstrap.appId, appSecret: logto.bootstrap.appSecret };
    const road: Record<string, Sample[]> = { preview: [], up: [], noop: [] };
    const inline: Record<string, Sample[]> = { preview: [], up: [], noop: [] };
    try {
        // The CLI road: the repo's Pulumi.yaml, its stack config file kept in the temp folder.
        const stack = "bench-road";
        const configFile = path.join(base, `Pulumi.${stack}.yaml`);
        await (await cli(["stack", "init", stack], repoRoot, env)).done;
        const written = path.join(repoRoot, `Pulumi.${stack}.yaml`);
        if (existsSync(written)) renameSync(written, configFile);
        await (await cli(["config", "set-all", "--stack", stack, "--config-file", configFile, "--plaintext", `logto:endpoint=${config.endpoint}`,
            "--plaintext", `logto:appId=${config.appId}`, "--secret", `logto:appSecret=${config.appSecret}`], repoRoot, env)).done;
        const onStack = ["--stack", stack, "--config-file", configFile];

        // The inline road: the same program and spec, in the Automation API's process.
        const sandbox = engineSandbox();
        const specFile = path.join(repoRoot, "examples", "spec.yaml");
        const inlineStack: Stack = await LocalWorkspace.createOrSelectStack(
            { projectName: "logto-m2m", stackName: "bench-inline", program: () => logtoM2MProgram({ specFile }) },
            { workDir: sandbox.workDir, envVars: { PULUMI_BACKEND_URL: `file://${base}`, PULUMI_CONFIG_PASSPHRASE: "bench", PULUMI_SKIP_UPDATE_CHECK: "true" },
              pulumiCommand: await pulumiCli(), projectSettings: { name: "logto-m2m", runtime: "nodejs", backend: { url: `file://${base}` } } });
        await inlineStack.setAllConfig({ "logto:endpoint": { value: config.endpoint }, "logto:appId": { value: config.appId }, "logto:appSecret": { value: config.appSecret, secret: true } });

        for (let run = 0; run < runs; run++) {
            road.preview!.push(await timedCli(["preview", ...onStack], repoRoot, env, proxy));
            road.up!.push(await timedCli(["up", "--yes", "--skip-preview", ...onStack], repoRoot, env, proxy));
            road.noop!.push(await timedCli(["up", "--yes", "--skip-preview", ...onStack], repoRoot, env, proxy));
            await (await cli(["destroy", "--yes", "--skip-preview", ...onStack], repoRoot, env)).done;

            inline.preview!.push(await timedInline(() => inlineStack.preview(), proxy));
            inline.up!.push(await timedInline(() => inlineStack.up(), proxy));
            inline.noop!.push(await timedInline(() => inlineStack.up(), proxy));
            await inlineStack.destroy();
            console.log(`run ${run + 1} of ${runs} done`);
        }
        await (await cli(["stack", "rm", "--yes", "--force", ...onStack.slice(0, 2)], repoRoot, env)).done;
        sandbox.cleanup();

        printTable("Through the CLI (pulumi <command> of Pulumi.yaml; seconds)",
            ["command", "wall", "CLI start-up", "language host to program start", "program", "program to provider host start", "Logto calls", "calls", "hosts (lang / dyn)"],
            [cliRow("preview (all to create)", road.preview!), cliRow("up --skip-preview (create)", road.up!), cliRow("up --skip-preview (no-op)", road.noop!)]);
        const inlineRow = (name: string, samples: Sample[]): (string | number)[] =>
            [name, sec(median(samples.map((s) => s.wallMs))), sec(median(samples.map((s) => s.logto.ms))), median(samples.map((s) => s.logto.calls))];
        printTable("The same stack through an inline program (Automation API; seconds)", ["command", "wall", "Logto calls", "calls"],
            [inlineRow("preview (all to create)", inline.preview!), inlineRow("up (create)", inline.up!), inlineRow("up (no-op)", inline.noop!)]);

        const node = process.execPath;
        const dynamicProvider = require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [repoRoot] });
        const hostRows: (string | number)[][] = [
            ["language host (bin/pulumi-language-nodejs)", (await startupMs(path.join(repoRoot, "bin", "pulumi-language-nodejs"), ["127.0.0.1:1"], 5)).toFixed(0)],
            ["dynamic-provider host (cmd/dynamic-provider)", (await startupMs(node, [dynamicProvider, "127.0.0.1:1"], 5)).toFixed(0)],
            ["node alone (node -e 0 to exit)", (await new Promise<number>((resolve) => { const t = performance.now(); execFile(node, ["-e", "process.stdout.write('1')"], () => resolve(performance.now() - t)); })).toFixed(0)],
        ];
        printTable("Host start-up until the port is printed (ms, median of 5)", ["host", "ms"], hostRows);
        const loads: Record<string, { ms: number; modules: number }>[] = [];
        for (let i = 0; i < 5; i++) loads.push(await moduleLoading());
        const loadRow = (name: string, key: string): (string | number)[] =>
            [name, median(loads.map((l) => l[key]!.ms)).toFixed(0), loads[0]![key]!.modules];
        printTable("Module loading of the dynamic-provider host per run (fresh Node, ms median of 5)", ["what", "ms", "modules"], [
            loadRow("@pulumi/pulumi (the host's own, before any provider)", "sdk"),
            loadRow("the six providers (check and diff: all a preview needs)", "providers"),
            loadRow("the client and undici (at the first Logto connection only)", "client"),
        ]);
    } finally {
        await proxy.close();
        await logto.close();
        rmSync(base, { recursive: true, force: true });
        rmSync(path.join(repoRoot, "Pulumi.bench-road.yaml"), { force: true });
    }
});
