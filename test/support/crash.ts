import { ConcurrentUpdateError, type Stack } from "@pulumi/pulumi/automation";
import { descendants, pulumiCliProcesses } from "./processes";
import { copyFileSync, existsSync, readFileSync, rmSync } from "node:fs";
import * as path from "node:path";

/**
 * Crash trials: `pulumi up` killed with SIGKILL at a chosen moment, then the recovery of docs/recovery.md.
 * The moment is drawn from a seeded PRNG and tied to the requests the local Logto serves, so a trial hits the
 * dangerous instants (an object committed in Logto, its id not yet in the state) and can be replayed by seed.
 */

export { seededRandom } from "../../local-logto/faults";

/**
 * SIGKILLs the `pulumi` CLI started under this process and everything under it (the provider host): what a CI
 * runner's OOM kill or a lost machine does. The tree is read before the kill, since orphans are re-parented.
 * Returns the pids killed.
 */
export function killPulumi(): number[] {
    const clis = pulumiCliProcesses();
    const victims = clis.flatMap((cli) => [cli.pid, ...descendants(cli.pid).map((p) => p.pid)]);
    for (const pid of victims) {
        try {
            process.kill(pid, "SIGKILL");
        } catch { /* already gone */ }
    }
    return victims;
}

/** Fires an action when the local Logto has served the k-th request (token or Management API). */
export class RequestTrigger {
    private served = 0;
    private armed?: { at: number; action: () => void };

    /** Give this as the local Logto's `log` option: it is called once per request, right after the answer is written. */
    readonly onLog = (line: string): void => {
        if (!/^(GET|POST|PATCH|PUT|DELETE) \/(api|oidc)\S* (\d{3}|dropped)/.test(line)) return;
        this.served++;
        if (this.armed && this.served >= this.armed.at) {
            const { action } = this.armed;
            this.armed = undefined;
            action();
        }
    };

    /** Runs `action` (synchronously, inside the server's request handling) once `k` more requests were served. */
    after(k: number, action: () => void): void {
        this.armed = { at: this.served + k, action };
    }

    disarm(): void {
        this.armed = undefined;
    }

    get count(): number {
        return this.served;
    }
}

/** True when the process is gone or dead (a zombie not yet reaped by whoever inherited it). */
export function processGone(pid: number): boolean {
    try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
    } catch {
        return true;
    }
}

export interface KilledUp {
    /** False when the up finished before the chosen moment came. */
    killed: boolean;
    pids: number[];
    error?: unknown;
}

/** Runs `up` and SIGKILLs the CLI after `k` requests to Logto. */
export async function upKilledAfterRequests(stack: Stack, trigger: RequestTrigger, k: number): Promise<KilledUp> {
    let pids: number[] = [];
    trigger.after(k, () => (pids = killPulumi()));
    try {
        await stack.up();
        return { killed: false, pids };
    } catch (error) {
        if (pids.length === 0) throw error; // a real failure, not our kill
        return { killed: true, pids, error };
    } finally {
        trigger.disarm();
    }
}

/**
 * Runs `up` and SIGKILLs the CLI after `ms` milliseconds (before any request to Logto, when `ms` is small), or
 * at the `lastRequest`-th request to Logto if that comes first, so that an up faster than `ms` is killed too.
 */
export async function upKilledAfterMs(stack: Stack, ms: number, trigger: RequestTrigger, lastRequest: number): Promise<KilledUp> {
    let pids: number[] = [];
    const kill = () => {
        if (pids.length === 0) pids = killPulumi();
    };
    const timer = setTimeout(kill, ms);
    trigger.after(lastRequest, kill);
    try {
        await stack.up();
        return { killed: false, pids };
    } catch (error) {
        if (pids.length === 0) throw error;
        return { killed: true, pids, error };
    } finally {
        clearTimeout(timer);
        trigger.disarm();
    }
}

/**
 * The recovery of docs/recovery.md, step by step, as a user runs it after a killed `up`:
 * 1. `pulumi cancel --yes` if the stack is still locked (a DIY backend keeps the dead run's lock);
 * 2. `pulumi refresh --clear-pending-creates --yes` (reads every object back; drops creates whose outcome the
 *    engine never heard, because their objects may or may not exist);
 * 3. `pulumi up` with `logto:adoptExisting=true`, so a create finds the object the killed run made by its
 *    natural key (apps by their marker) instead of making a second one or failing on a name in use;
 * 4. `logto:adoptExisting` removed again, so later creates fail loudly on a name someone else already uses.
 * Returns the steps taken, for the trial's record.
 */
export async function recoverAfterKilledUp(stack: Stack): Promise<string[]> {
    const steps: string[] = [];
    const refresh = () => stack.refresh({ clearPendingCreates: true });
    // docs/recovery.md: a left-over lock is cancelled; a checkpoint the kill cut short is restored from the
    // backend's previous one. Each at most once, in whichever order the errors come.
    for (let attempt = 0; ; attempt++) {
        try {
            await refresh();
            break;
        } catch (error) {
            if (attempt < 2 && error instanceof ConcurrentUpdateError && !steps.includes("cancel")) {
                steps.push("cancel");
                await stack.cancel();
            } else if (attempt < 2 && /failed to load checkpoint/.test(String(error)) && !steps.includes("restore checkpoint")
                && await restorePreviousCheckpoint(stack)) {
                steps.push("restore checkpoint");
            } else {
                throw error;
            }
        }
    }
    steps.push("refresh --clear-pending-creates");
    await stack.setConfig("logto:adoptExisting", { value: "true" });
    await stack.up();
    steps.push("up (logto:adoptExisting=true)");
    await stack.removeConfig("logto:adoptExisting");
    steps.push("config rm logto:adoptExisting");
    return steps;
}

/**
 * The file backend's documented fix (docs/recovery.md) for a checkpoint the kill cut short. The backend keeps
 * each checkpoint as `<stack>.json` plus its attributes `<stack>.json.attrs`, and the previous pair as
 * `<stack>.json.bak` and `<stack>.json.bak.attrs`. Either file of the pair may be cut short: an empty or
 * unreadable `.json.attrs` beside an intact `.json` also gives `failed to load checkpoint: EOF`. A broken
 * checkpoint is replaced by an intact `.bak`; a broken attributes file by an intact `.bak.attrs`, else removed
 * (it holds only the blob's content type, and the backend reads a missing one as none: the kill may have cut
 * the `.bak.attrs` too). False where nothing was broken or nothing could mend it.
 */
export async function restorePreviousCheckpoint(stack: Stack): Promise<boolean> {
    const backend = stack.workspace.envVars.PULUMI_BACKEND_URL ?? process.env.PULUMI_BACKEND_URL;
    if (backend === undefined || !backend.startsWith("file://")) return false;
    const project = (await stack.workspace.projectSettings()).name;
    const file = path.join(new URL(backend).pathname, ".pulumi", "stacks", project, `${stack.name.split("/").pop()}.json`);
    const stateBroken = !readableJson(file) && readableJson(`${file}.bak`);
    if (stateBroken) copyFileSync(`${file}.bak`, file);
    const attrs = `${file}.attrs`;
    const attrsBroken = existsSync(attrs) && !readableJson(attrs);
    if (stateBroken || attrsBroken) {
        // The attributes go with the checkpoint they describe.
        if (readableJson(`${file}.bak.attrs`)) copyFileSync(`${file}.bak.attrs`, attrs);
        else rmSync(attrs, { force: true });
    }
    const restored = stateBroken || attrsBroken;
    return restored;
}

/** Whether a file holds one whole JSON document (a cut-short write does not). */
function readableJson(file: string): boolean {
    try {
        JSON.parse(readFileSync(file, "utf8"));
        return true;
    } catch {
        return false;
    }
}
