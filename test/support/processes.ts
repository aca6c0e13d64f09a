import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";

/**
 * The processes the Automation API starts under this one, read from /proc (Linux only): the `pulumi` CLI and,
 * under it, the dynamic-provider host. Tests kill the CLI at a chosen moment; benchmarks sample the host's memory.
 */
export interface ProcessInfo {
    pid: number;
    ppid: number;
    argv: string[];
}

function readProcess(pid: number): ProcessInfo | undefined {
    try {
        // The command name in `stat` is in parentheses and may hold spaces: the ppid is the 2nd field after ")".
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter((a) => a !== "");
        return { pid, ppid, argv };
    } catch {
        return undefined; // exited between readdir and read
    }
}

/** Every live process below `root` (children, grandchildren, ...). */
export function descendants(root: number = process.pid): ProcessInfo[] {
    const all = readdirSync("/proc").filter((name) => /^\d+$/.test(name)).map(Number).map(readProcess)
        .filter((p): p is ProcessInfo => p !== undefined);
    const byParent = new Map<number, ProcessInfo[]>();
    for (const p of all) byParent.set(p.ppid, [...(byParent.get(p.ppid) ?? []), p]);
    const found: ProcessInfo[] = [];
    const queue = [root];
    while (queue.length > 0) {
        for (const child of byParent.get(queue.shift()!) ?? []) {
            found.push(child);
            queue.push(child.pid);
        }
    }
    return found;
}

/** The `pulumi` CLI processes started under `root`. */
export function pulumiCliProcesses(root: number = process.pid): ProcessInfo[] {
    return descendants(root).filter((p) => p.argv.length > 0 && path.basename(p.argv[0]) === "pulumi");
}

/** The dynamic-provider hosts (`pulumi-resource-pulumi-nodejs`, which execs node on cmd/dynamic-provider). */
export function dynamicProviderProcesses(root: number = process.pid): ProcessInfo[] {
    return descendants(root).filter((p) => p.argv.some((a) => a.includes("dynamic-provider") || a.endsWith("pulumi-resource-pulumi-nodejs")));
}

/** A kB field (VmRSS, VmHWM) of /proc/<pid>/status, in bytes. */
export function memoryField(pid: number, field: "VmRSS" | "VmHWM"): number | undefined {
    try {
        const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
        return match ? Number(match[1]) * 1024 : undefined;
    } catch {
        return undefined;
    }
}

/**
 * Samples the peak resident memory of matching processes until stopped. VmHWM is the kernel's own high-water mark,
 * so a short-lived peak between two samples is still seen, as long as one sample lands before the process exits.
 */
export class PeakMemorySampler {
    private peak = 0;
    private readonly timer: NodeJS.Timeout;

    constructor(select: (root: number) => ProcessInfo[] = dynamicProviderProcesses, intervalMs = 100, root: number = process.pid) {
        this.timer = setInterval(() => {
            for (const p of select(root)) this.peak = Math.max(this.peak, memoryField(p.pid, "VmHWM") ?? 0);
        }, intervalMs);
        this.timer.unref();
    }

    /** Peak bytes seen (0 if no matching process was ever sampled). */
    stop(): number {
        clearInterval(this.timer);
        return this.peak;
    }
}
