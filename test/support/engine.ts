import { LocalWorkspace, PulumiCommand, Stack, type ConfigMap, type PulumiFn } from "@pulumi/pulumi/automation";
import { mkdtempSync, symlinkSync, rmSync, mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { runInThisContext } from "node:vm";

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

interface LanguageServerClass {
    prototype: { run(call: unknown, callback: (...args: unknown[]) => void): unknown };
}

/** Inline program runs of this process that have not called back yet. */
const runsInFlight = new Set<Promise<void>>();
let runsTracked = false;

/**
 * `stack.up()` resolves when the CLI exits, but the program's run (the Automation API's language server, in
 * this process) can end later: after a failure the engine exits first, and the program's last RPCs then fail
 * against it (`14 UNAVAILABLE: No connection established`). Those failures landed in whichever test ran next
 * (jest charges an unhandled rejection to the running test). So the runs are tracked, the harness's stack
 * operations return only when every run has called back, and those gRPC failures are dropped as Pulumi drops
 * them (`ignoreEngineGoneRejections`).
 */
function trackInlineRuns(): void {
    if (runsTracked) return;
    runsTracked = true;
    // Each run's client to its engine gets a connection of its own. grpc-js shares connections per address in a
    // process-wide pool; engines of successive runs listen on ports the OS hands out again, so a new run could
    // get the dead connection of an earlier engine on the same port: its registrations then fail with
    // `14 UNAVAILABLE: No connection established`, which Pulumi treats as the engine shutting down, so the
    // program ends quietly with nothing registered and `up` "succeeds" with no resource.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const runtimeSettings = require("@pulumi/pulumi/runtime/settings") as { grpcClientOptions: Record<string, unknown> };
    runtimeSettings.grpcClientOptions["grpc.use_local_subchannel_pool"] = 1;
    // Internal to the Automation API (no typings); its `run` serves each inline run.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { LanguageServer } = require("@pulumi/pulumi/automation/server") as { LanguageServer: LanguageServerClass };
    const run = LanguageServer.prototype.run;
    LanguageServer.prototype.run = function (call, callback) {
        let finished!: () => void;
        const done = new Promise<void>((resolve) => (finished = resolve));
        runsInFlight.add(done);
        const end = () => {
            runsInFlight.delete(done);
            finished();
        };
        try {
            return run.call(this, call, (...args: unknown[]) => {
                end();
                callback(...args);
            });
        } catch (error) {
            end();
            throw error;
        }
    };
}

/**
 * The same gRPC failures Pulumi's own language host ignores once the engine is gone (UNAVAILABLE, CANCELLED:
 * `isGrpcError` in @pulumi/pulumi's errors): a run's last RPCs after its engine exited. Pulumi's handler never
 * sees them under jest (the sandbox has its own copy of `process`), so jest's handler on the real process would
 * fail a test with them; it is wrapped to drop just these. Jest's restore at the end of the file still finds it
 * (`listener` is what `removeListener` compares).
 */
function ignoreEngineGoneRejections(): void {
    const real = runInThisContext("process") as NodeJS.Process;
    for (const listener of real.rawListeners("unhandledRejection")) {
        if ((listener as { ignoresEngineGone?: boolean }).ignoresEngineGone) continue;
        const wrapper = Object.assign((reason: unknown, promise: Promise<unknown>) => {
            const code = (reason as { code?: unknown } | null)?.code;
            if (code === 14 || code === 1) {
                process.stderr.write(`[engine harness] gRPC failure after an engine exited, ignored as Pulumi ignores it: ${String(reason)}\n`);
                return;
            }
            (listener as (reason: unknown, promise: Promise<unknown>) => void).call(real, reason, promise);
        }, { listener, ignoresEngineGone: true });
        real.removeListener("unhandledRejection", listener as (...args: unknown[]) => void);
        real.on("unhandledRejection", wrapper);
    }
}

/**
 * Waits until no inline program runs in this process. Bounded: a run still going after `timeoutMs` is reported
 * and no longer waited for (so one stuck run cannot hold up every later operation).
 */
export async function inlineRunsSettled(timeoutMs = 60_000): Promise<string | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), timeoutMs);
    });
    try {
        while (runsInFlight.size > 0) {
            if (await Promise.race([Promise.all([...runsInFlight]), timeout]) === "timeout") {
                const stuck = runsInFlight.size;
                runsInFlight.clear();
                return `${stuck} inline program run(s) still going ${timeoutMs} ms after the engine exited`;
            }
        }
    } finally {
        clearTimeout(timer);
    }
    // One macrotask more: rejections the run left behind are reported now, not in the next test.
    await new Promise((resolve) => setImmediate(resolve));
    return undefined;
}

const programOperations = ["up", "preview", "refresh", "previewRefresh", "destroy", "previewDestroy"] as const;

export async function inlineStack(sandbox: EngineSandbox, projectName: string, stackName: string, program: PulumiFn, config: ConfigMap = {}): Promise<Stack> {
    trackInlineRuns();
    ignoreEngineGoneRejections();
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
    for (const operation of programOperations) {
        const original = stack[operation].bind(stack) as (...args: unknown[]) => Promise<unknown>;
        (stack as unknown as Record<string, unknown>)[operation] = async (...args: unknown[]) => {
            let failed = false;
            try {
                return await original(...args);
            } catch (error) {
                failed = true;
                throw error;
            } finally {
                const stuck = await inlineRunsSettled();
                // The operation's own failure wins; a run that never ends after a success is a failure of its own.
                if (stuck !== undefined && !failed) throw new Error(`${operation}: ${stuck}`);
            }
        };
    }
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

