/**
 * A client-side request budget: a token bucket per Logto endpoint, shared by every client of the process, so
 * that a large `pulumi up` (hundreds of resources, each a few calls, all started at once by the engine) stays
 * under Logto Cloud's limit (about 200 requests per 10 s per tenant) instead of tripping it and backing off.
 *
 * The bucket holds at most `burst` tokens and refills at `requests / perMs`. Over any window of `perMs` it
 * therefore grants at most `burst + requests`: 170 per 10 s with the defaults (150/10s, burst 20).
 * Waiters are served in arrival order by one timer; nobody polls.
 */

export interface BudgetSpec {
    /** Sustained rate: `requests` per `perMs`. */
    requests: number;
    perMs: number;
    /** Bucket size: how many requests may start at once after a quiet period. */
    burst: number;
}

/** Logto Cloud's default: safely under its ~200 requests per 10 s per tenant. */
export const defaultBudgetSpec: Readonly<BudgetSpec> = Object.freeze({ requests: 150, perMs: 10_000, burst: 20 });

/**
 * Self-hosted Logto has no such limit; this default only keeps a runaway `up` from flooding the server, and lets
 * a large create run at the engine's pace instead of Cloud's.
 */
export const selfHostedBudgetSpec: Readonly<BudgetSpec> = Object.freeze({ requests: 1_000, perMs: 10_000, burst: 100 });

/** The default budget for an endpoint: Cloud's for `*.logto.app`, the self-hosted one elsewhere. */
export function defaultBudgetFor(endpoint: string): Readonly<BudgetSpec> {
    return new URL(endpoint).hostname.endsWith(".logto.app") ? defaultBudgetSpec : selfHostedBudgetSpec;
}

/** The environment variable that overrides the default budget, e.g. `150/10s`, `100/10s:10`, `off`. */
export const budgetEnvVar = "LOGTO_REQUEST_BUDGET";

const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

/**
 * Parses `<requests>/<duration>[:<burst>]`, duration in ms, s or m (`150/10s`, `150/10s:20`, `5/1000ms`), or
 * `off`/`unlimited`, which disables the budget (returns `undefined`). The burst defaults to min(20, requests).
 */
export function parseBudgetSpec(text: string): BudgetSpec | undefined {
    const value = text.trim().toLowerCase();
    if (value === "off" || value === "unlimited" || value === "none") {
        return undefined;
    }
    const match = /^(\d+)\s*\/\s*(\d+(?:\.\d+)?)?\s*(ms|s|m)(?:\s*:\s*(\d+))?$/.exec(value);
    if (match === null) {
        throw new RangeError(`${budgetEnvVar} must look like 150/10s, 150/10s:20 or off; got ${JSON.stringify(text)}`);
    }
    const requests = Number(match[1]);
    const perMs = Number(match[2] ?? "1") * (unitMs[match[3]!] ?? 1000);
    const burst = match[4] !== undefined ? Number(match[4]) : Math.min(20, requests);
    return validSpec({ requests, perMs, burst });
}

function validSpec(spec: BudgetSpec): BudgetSpec {
    if (!(spec.requests >= 1) || !(spec.perMs > 0) || !(spec.burst >= 1) || !Number.isFinite(spec.requests + spec.perMs + spec.burst)) {
        throw new RangeError("a request budget needs requests >= 1, perMs > 0 and burst >= 1");
    }
    return { ...spec };
}

/** The clock of a budget; tests pass a fake one. */
export interface BudgetClock {
    now(): number;
    setTimer(callback: () => void, ms: number): unknown;
}

const realClock: BudgetClock = {
    now: () => Date.now(),
    setTimer: (callback, ms) => setTimeout(callback, ms),
};

export class RequestBudget {
    /** `null`: unlimited. */
    readonly spec: Readonly<BudgetSpec> | null;
    private readonly clock: BudgetClock;
    private tokens: number;
    private refilledAt: number;
    private readonly waiters: Array<() => void> = [];
    private timerArmed = false;
    private grantedCount = 0;

    /** `spec` null = unlimited (every acquire resolves at once; grants are still counted). */
    constructor(spec: BudgetSpec | null = defaultBudgetSpec, clock: BudgetClock = realClock) {
        this.spec = spec === null ? null : validSpec(spec);
        this.clock = clock;
        this.tokens = this.spec?.burst ?? 0;
        this.refilledAt = clock.now();
    }

    static unlimited(): RequestBudget {
        return new RequestBudget(null);
    }

    /**
     * The budget shared by all clients of this process for `endpoint` (keyed by origin). The first caller's
     * spec wins (`null`: unlimited); without a spec, LOGTO_REQUEST_BUDGET or the endpoint's default applies.
     */
    static forEndpoint(endpoint: string, spec?: BudgetSpec | null): RequestBudget {
        const key = new URL(endpoint).origin;
        let budget = sharedBudgets.get(key);
        if (budget === undefined) {
            const fromEnv = process.env[budgetEnvVar];
            const chosen = spec !== undefined ? spec
                : fromEnv !== undefined && fromEnv.trim() !== "" ? parseBudgetSpec(fromEnv) ?? null : defaultBudgetFor(endpoint);
            budget = new RequestBudget(chosen);
            sharedBudgets.set(key, budget);
        }
        return budget;
    }

    /** Requests granted so far. */
    get granted(): number {
        return this.grantedCount;
    }

    /** Callers waiting for a token now. */
    get waiting(): number {
        return this.waiters.length;
    }

    /** Resolves when the caller may send one request. FIFO: a newcomer never overtakes a waiter. */
    acquire(): Promise<void> {
        if (this.spec === null) {
            this.grantedCount++;
            return Promise.resolve();
        }
        this.refill();
        if (this.waiters.length === 0 && this.tokens >= 1) {
            this.tokens -= 1;
            this.grantedCount++;
            return Promise.resolve();
        }
        return new Promise<void>((resolve) => {
            this.waiters.push(resolve);
            this.arm();
        });
    }

    private refill(): void {
        const spec = this.spec!;
        const now = this.clock.now();
        const elapsed = Math.max(0, now - this.refilledAt);
        this.tokens = Math.min(spec.burst, this.tokens + elapsed * (spec.requests / spec.perMs));
        this.refilledAt = now;
    }

    private arm(): void {
        if (this.timerArmed || this.waiters.length === 0) {
            return;
        }
        const spec = this.spec!;
        const missing = Math.max(0, 1 - this.tokens);
        const waitMs = Math.max(1, Math.ceil(missing * (spec.perMs / spec.requests)));
        this.timerArmed = true;
        this.clock.setTimer(() => this.drain(), waitMs);
    }

    private drain(): void {
        this.timerArmed = false;
        this.refill();
        while (this.waiters.length > 0 && this.tokens >= 1) {
            this.tokens -= 1;
            this.grantedCount++;
            this.waiters.shift()!();
        }
        this.arm();
    }
}

const sharedBudgets = new Map<string, RequestBudget>();
