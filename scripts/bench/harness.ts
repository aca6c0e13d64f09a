import { cpus, totalmem } from "node:os";
import { readFileSync } from "node:fs";
import { PeakMemorySampler } from "../../test/support/processes";

/**
 * Shared by the benchmark scripts: argument parsing, timing, the machine's description and table printing.
 * Benchmarks print figures; they never assert (timings depend on the machine and its load).
 */
export interface BenchArgs {
    sizes: number[];
    /** Skip the Logto side (engine floor only). */
    floorOnly: boolean;
    /** Engine parallelism (`pulumi up --parallel`); default the CLI's. */
    parallel?: number;
}

export function parseBenchArgs(argv: string[] = process.argv.slice(2), defaultSizes = [50, 200, 500, 1000]): BenchArgs {
    const args: BenchArgs = { sizes: defaultSizes, floorOnly: false };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const value = (): string => {
            const [, inline] = arg.split("=", 2);
            if (inline !== undefined) return inline;
            const next = argv[++i];
            if (next === undefined) throw new Error(`${arg} needs a value`);
            return next;
        };
        if (arg.startsWith("--sizes")) {
            args.sizes = value().split(",").map((s) => Number(s.trim()));
            if (args.sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error("--sizes takes positive integers, e.g. --sizes 50,200");
        } else if (arg === "--floor-only") {
            args.floorOnly = true;
        } else if (arg.startsWith("--parallel")) {
            args.parallel = Number(value());
        } else {
            throw new Error(`unknown argument ${arg} (known: --sizes 50,200  --floor-only  --parallel N)`);
        }
    }
    return args;
}

export interface Measured<T> {
    result: T;
    seconds: number;
    /** Peak resident memory of the dynamic-provider host(s) during the run, bytes. */
    providerPeakBytes: number;
}

/** Runs `fn`, timing it and sampling the provider host's peak memory meanwhile. */
export async function measure<T>(fn: () => Promise<T>): Promise<Measured<T>> {
    const sampler = new PeakMemorySampler();
    const start = process.hrtime.bigint();
    try {
        const result = await fn();
        return { result, seconds: Number(process.hrtime.bigint() - start) / 1e9, providerPeakBytes: sampler.stop() };
    } finally {
        sampler.stop();
    }
}

export function describeMachine(): string {
    let model = cpus()[0]?.model ?? "unknown CPU";
    try {
        model = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? model;
    } catch { /* not Linux */ }
    return `${cpus().length} CPU(s) (${model}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory, Node ${process.version}, ${new Date().toISOString()}`;
}

export function printTable(title: string, headers: string[], rows: (string | number)[][]): void {
    const cells = [headers, ...rows.map((r) => r.map(String))];
    const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
    const line = (r: string[]) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ")} |`;
    console.log(`\n${title}\n`);
    console.log(line(headers));
    console.log(`|${widths.map((w, i) => (i === 0 ? "-".repeat(w + 2) : `${"-".repeat(w + 1)}:`)).join("|")}|`);
    for (const r of cells.slice(1)) console.log(line(r));
}

export const seconds = (s: number): string => s.toFixed(1);
export const mib = (bytes: number): string => (bytes > 0 ? (bytes / 2 ** 20).toFixed(0) : "n/a");
export const ratio = (a: number, b: number): string => (b > 0 ? `${(a / b).toFixed(2)}x` : "n/a");

/** Runs a bench `main`, printing the error and exiting non-zero if it throws. */
export function runBench(main: () => Promise<void>): void {
    main().then(() => process.exit(0), (error: unknown) => {
        console.error(error instanceof Error ? error.stack ?? error.message : error);
        process.exit(1);
    });
}
