import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";

/**
 * The processes under one root (the `pulumi` CLI a benchmark started), sampled from /proc (Linux): when each
 * started (the kernel's start time, 10 ms resolution) and when it was last seen, and what it is. The CLI's road
 * is CLI -> language host -> program (`cmd/run`), and CLI -> dynamic-provider host.
 */
export type ProcessKind = "cli" | "language host" | "program" | "dynamic-provider host" | "other";

export interface SeenProcess {
    pid: number;
    kind: ProcessKind;
    /** The process that started it (the CLI for hosts, a language host for programs). */
    parent: number;
    argv: string[];
    startMs: number;
    lastSeenMs: number;
}

const clockTicks = 100; // USER_HZ on Linux
const bootMs = Number(/^btime (\d+)$/m.exec(readFileSync("/proc/stat", "utf8"))![1]) * 1000;

function kindOf(argv: string[]): ProcessKind {
    const text = argv.join(" ");
    if (text.includes("langhost/main.js") || text.includes("pulumi-language-nodejs")) return "language host";
    if (/cmd[/\\]run([/\\]|\s|$)/.test(text)) return "program";
    if (text.includes("dynamic-provider") || text.includes("pulumi-resource-pulumi-nodejs")) return "dynamic-provider host";
    if (argv[0] !== undefined && path.basename(argv[0]) === "pulumi") return "cli";
    return "other";
}

function children(pid: number): number[] {
    const found: number[] = [];
    try {
        for (const task of readdirSync(`/proc/${pid}/task`)) {
            try {
                for (const word of readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").split(" ")) if (word !== "") found.push(Number(word));
            } catch { /* the thread ended */ }
        }
    } catch { /* the process ended */ }
    return found;
}

function startMs(pid: number): number | undefined {
    try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        return bootMs + (Number(fields[19]) * 1000) / clockTicks; // field 22 of stat: starttime
    } catch {
        return undefined;
    }
}

export class ProcessTimeline {
    private readonly seen = new Map<number, SeenProcess>();
    private readonly timer: NodeJS.Timeout;

    constructor(private readonly root: number, intervalMs = 20) {
        this.timer = setInterval(() => this.sample(), intervalMs);
        this.sample();
    }

    private sample(): void {
        const now = Date.now();
        const queue: [number, number][] = [[this.root, 0]];
        while (queue.length > 0) {
            const [pid, parent] = queue.shift()!;
            let argv: string[];
            try { argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter((a) => a !== ""); } catch { continue; }
            let entry = this.seen.get(pid);
            if (entry === undefined) {
                const start = startMs(pid);
                if (start === undefined) continue;
                entry = { pid, parent, kind: "other", argv, startMs: start, lastSeenMs: now };
                this.seen.set(pid, entry);
            }
            // What it is by its latest argv: a child shows its parent's argv until it execs. A launcher script's
            // subshells keep the script's argv, so the counts below go by parent.
            if (argv.length > 0) { // a zombie's cmdline is empty
                entry.argv = argv;
                entry.kind = pid === this.root ? "cli" : kindOf(argv);
            }
            entry.lastSeenMs = now;
            queue.push(...children(pid).map((child): [number, number] => [child, pid]));
        }
    }

    stop(): SeenProcess[] {
        clearInterval(this.timer);
        return [...this.seen.values()].sort((a, b) => a.startMs - b.startMs);
    }
}

/** What a CLI command's wall time went to, from its process timeline (milliseconds). */
export interface RoadSplit {
    cliStartup: number;
    languageHost: number;
    program: number;
    /** From the (first) program's start until the dynamic-provider host starts: SDK load and registrations. */
    programToProviderHost: number;
    languageHosts: number;
    dynamicProviderHosts: number;
}

export function splitRoad(processes: SeenProcess[]): RoadSplit {
    const cli = processes.find((p) => p.kind === "cli");
    const hosts = processes.filter((p) => p.kind === "language host" && p.parent === cli?.pid);
    const programs = processes.filter((p) => p.kind === "program" && hosts.some((h) => h.pid === p.parent));
    const firstHost = hosts[0];
    const split: RoadSplit = {
        cliStartup: cli !== undefined && firstHost !== undefined ? firstHost.startMs - cli.startMs : 0,
        languageHost: 0,
        program: 0,
        programToProviderHost: 0,
        languageHosts: hosts.length,
        dynamicProviderHosts: processes.filter((p) => p.kind === "dynamic-provider host" && p.parent === cli?.pid).length,
    };
    for (const host of hosts) {
        // The host's share of the road: from its start until the program it runs starts (start-up, plugin
        // info, required packages, the Run call). Hosts that run no program (plugin info and About, asked
        // while the CLI does other work) are counted in `languageHosts` only.
        const program = programs.find((p) => p.parent === host.pid);
        if (program !== undefined) split.languageHost += program.startMs - host.startMs;
    }
    for (const program of programs) split.program += program.lastSeenMs - program.startMs;
    const providerHost = processes.find((p) => p.kind === "dynamic-provider host" && p.parent === cli?.pid);
    if (programs[0] !== undefined && providerHost !== undefined) split.programToProviderHost = providerHost.startMs - programs[0].startMs;
    return split;
}
