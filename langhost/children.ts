import type { ChildProcess } from "node:child_process";

/**
 * The processes this host started (programs, plugins, package managers). When the CLI ends the host (SIGINT
 * to its process group, SIGTERM, or its stdin closing because the CLI is gone) they end with it.
 */
const running = new Set<ChildProcess>();

export function track(child: ChildProcess): ChildProcess {
    running.add(child);
    child.once("exit", () => running.delete(child));
    return child;
}

export function killAll(signal: NodeJS.Signals = "SIGTERM"): void {
    for (const child of running) child.kill(signal);
}
