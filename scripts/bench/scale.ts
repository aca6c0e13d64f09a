import type { PulumiFn } from "@pulumi/pulumi/automation";
import { engineSandbox, inlineStack, storedState } from "../../test/support/engine";
import { logtoStackConfig, permissionsTopology, probeProgram, topologyProgram } from "../../test/support/topology";
import { startLocalLogto } from "../../local-logto";
import { measure, mib, printTable, ratio, seconds, type BenchArgs } from "./harness";

/** One size, one kind of resource: what `up` and a no-op `up` cost. */
export interface ScaleFigures {
    n: number;
    upSeconds: number;
    noopSeconds: number;
    /** Mean bytes of one resource's entry in the stored state, as compact JSON. */
    stateBytesPerResource: number;
    /** The stored state file's size (pretty-printed, as the file backend writes it) over the number of resources. */
    fileBytesPerResource: number;
    providerPeakBytes: number;
    /** Management API requests / token requests during up and no-op up (Logto runs only). */
    calls?: { up: number; upTokens: number; noop: number; noopTokens: number };
}

/**
 * Bytes of state per dynamic resource: the mean compact-JSON size of their entries (the stack and provider entries
 * left out), and the whole stored file (pretty-printed, as the file backend writes it) over their number.
 */
export function stateBytesPerResource(stateText: string): { compact: number; file: number } {
    const resources = (JSON.parse(stateText).checkpoint?.latest?.resources ?? []) as { type: string }[];
    const ours = resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/"));
    if (ours.length === 0) return { compact: 0, file: 0 };
    return { compact: ours.reduce((sum, r) => sum + Buffer.byteLength(JSON.stringify(r)), 0) / ours.length, file: Buffer.byteLength(stateText) / ours.length };
}

async function runOne(n: number, program: PulumiFn, parallel: number | undefined, config: Parameters<typeof inlineStack>[4],
    counters?: { snapshot(): { api: number; token: number }; reset(): void }, env: Record<string, string> = {}): Promise<ScaleFigures> {
    const sandbox = engineSandbox();
    Object.assign(sandbox.env, env);
    try {
        const stack = await inlineStack(sandbox, "bench", `n${n}`, program, config);
        const opts = parallel !== undefined ? { parallel } : {};
        counters?.reset();
        const up = await measure(() => stack.up(opts));
        const afterUp = counters?.snapshot();
        counters?.reset();
        const noop = await measure(() => stack.up(opts));
        const afterNoop = counters?.snapshot();
        const changes = noop.result.summary.resourceChanges ?? {};
        if (Object.keys(changes).some((k) => k !== "same")) console.warn(`  warning: the no-op up of ${n} changed ${JSON.stringify(changes)}`);
        const figures: ScaleFigures = {
            n,
            upSeconds: up.seconds,
            noopSeconds: noop.seconds,
            ...(({ compact, file }) => ({ stateBytesPerResource: compact, fileBytesPerResource: file }))(stateBytesPerResource(storedState(sandbox, "bench", `n${n}`))),
            providerPeakBytes: Math.max(up.providerPeakBytes, noop.providerPeakBytes),
            ...(afterUp && afterNoop ? { calls: { up: afterUp.api, upTokens: afterUp.token, noop: afterNoop.api, noopTokens: afterNoop.token } } : {}),
        };
        await stack.destroy(opts);
        return figures;
    } finally {
        sandbox.cleanup();
    }
}

/** The engine floor: `n` EngineProbe resources (same dynamic-provider path, no network). */
export function engineFloor(n: number, parallel?: number): Promise<ScaleFigures> {
    return runOne(n, probeProgram(n), parallel, {});
}

/** `n` Logto objects (API resources with their permissions) against an in-process local Logto. */
export async function logtoObjects(n: number, parallel?: number, env: Record<string, string> = {}): Promise<ScaleFigures> {
    const logto = await startLocalLogto({ port: 0 });
    try {
        return await runOne(n, topologyProgram(permissionsTopology(n)), parallel, logtoStackConfig(logto), logto.counters, env);
    } finally {
        await logto.close();
    }
}

/** Logto Cloud's budget (what the client uses for *.logto.app), forced on the loopback local Logto. */
const cloudBudget = "150/10s:20";

export async function runScale(args: BenchArgs, log = (line: string) => console.log(line)): Promise<void> {
    const floor: ScaleFigures[] = [];
    const selfHosted: ScaleFigures[] = [];
    const cloud: ScaleFigures[] = [];
    for (const n of args.sizes) {
        log(`engine floor, ${n} EngineProbe resources...`);
        floor.push(await engineFloor(n, args.parallel));
        if (args.floorOnly) continue;
        log(`${n} Logto objects (API resources + permissions), the client's default budget for a self-hosted endpoint...`);
        selfHosted.push(await logtoObjects(n, args.parallel));
        log(`${n} Logto objects, Logto Cloud's budget (LOGTO_REQUEST_BUDGET=${cloudBudget})...`);
        cloud.push(await logtoObjects(n, args.parallel, { LOGTO_REQUEST_BUDGET: cloudBudget }));
    }
    printTable(`Engine floor (EngineProbe, engine parallelism ${args.parallel ?? "CLI default (8)"})`,
        ["N", "up s", "no-op up s", "ms per resource (up)", "state B/resource (compact)", "state file B/resource", "provider peak MiB"],
        floor.map((f) => [f.n, seconds(f.upSeconds), seconds(f.noopSeconds), (1000 * f.upSeconds / f.n).toFixed(0), f.stateBytesPerResource.toFixed(0), f.fileBytesPerResource.toFixed(0), mib(f.providerPeakBytes)]));
    if (args.floorOnly) return;
    for (const [title, rows] of [["the client's default budget for a self-hosted endpoint", selfHosted], [`Logto Cloud's budget (${cloudBudget})`, cloud]] as const) {
        printTable(`Logto objects (API resources + permissions), ${title}, beside the floor`,
            ["N", "up s", "x floor", "no-op up s", "x floor", "API calls up", "tokens up", "API calls no-op", "tokens no-op", "state B/resource (compact)", "state file B/resource", "provider peak MiB"],
            rows.map((f, i) => [f.n, seconds(f.upSeconds), ratio(f.upSeconds, floor[i].upSeconds), seconds(f.noopSeconds), ratio(f.noopSeconds, floor[i].noopSeconds),
                f.calls?.up ?? "", f.calls?.upTokens ?? "", f.calls?.noop ?? "", f.calls?.noopTokens ?? "", f.stateBytesPerResource.toFixed(0), f.fileBytesPerResource.toFixed(0), mib(f.providerPeakBytes)]));
    }
}
