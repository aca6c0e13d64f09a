import { defaultBudgetFor, defaultBudgetSpec, parseBudgetSpec, RequestBudget, selfHostedBudgetSpec, type BudgetClock } from "../../client/budget";

/** A clock that moves only when told, firing due timers in order. */
class FakeClock implements BudgetClock {
    private time = 0;
    private timers: Array<{ at: number; callback: () => void }> = [];

    now(): number {
        return this.time;
    }

    setTimer(callback: () => void, ms: number): void {
        this.timers.push({ at: this.time + ms, callback });
    }

    get pendingTimers(): number {
        return this.timers.length;
    }

    /** Advances to `ms` later, firing timers as their time comes (and letting granted promises settle). */
    async advance(ms: number): Promise<void> {
        const until = this.time + ms;
        for (;;) {
            this.timers.sort((a, b) => a.at - b.at);
            const next = this.timers[0];
            if (next === undefined || next.at > until) break;
            this.timers.shift();
            this.time = next.at;
            next.callback();
            await flush();
        }
        this.time = until;
        await flush();
    }
}

async function flush(): Promise<void> {
    for (let i = 0; i < 5; i++) await Promise.resolve();
}

/** Starts `n` acquires and records the fake time at which each is granted. */
function acquireMany(budget: RequestBudget, clock: FakeClock, n: number): { grantedAt: number[]; order: number[] } {
    const grantedAt: number[] = [];
    const order: number[] = [];
    for (let i = 0; i < n; i++) {
        void budget.acquire().then(() => {
            grantedAt.push(clock.now());
            order.push(i);
        });
    }
    return { grantedAt, order };
}

describe("RequestBudget", () => {
    test("a full bucket grants the burst at once, then one request per refill interval", async () => {
        const clock = new FakeClock();
        const budget = new RequestBudget({ requests: 10, perMs: 1_000, burst: 3 }, clock);
        const { grantedAt } = acquireMany(budget, clock, 6);
        await flush();
        expect(grantedAt).toEqual([0, 0, 0]);
        await clock.advance(1_000);
        expect(grantedAt).toEqual([0, 0, 0, 100, 200, 300]);
    });

    test("waiters are served in arrival order, and a newcomer does not overtake them", async () => {
        const clock = new FakeClock();
        const budget = new RequestBudget({ requests: 10, perMs: 1_000, burst: 1 }, clock);
        const { order } = acquireMany(budget, clock, 5);
        await clock.advance(150);
        const late: string[] = [];
        void budget.acquire().then(() => late.push("late"));
        await clock.advance(1_000);
        expect(order).toEqual([0, 1, 2, 3, 4]);
        expect(late).toEqual(["late"]);
        expect(budget.waiting).toBe(0);
    });

    test("over any window of perMs at most burst + requests are granted, under 500 concurrent callers", async () => {
        const clock = new FakeClock();
        const budget = new RequestBudget(defaultBudgetSpec, clock);
        const { grantedAt } = acquireMany(budget, clock, 500);
        await clock.advance(60_000);
        expect(grantedAt).toHaveLength(500);
        let worst = 0;
        for (let i = 0; i < grantedAt.length; i++) {
            let j = i;
            while (j < grantedAt.length && grantedAt[j]! - grantedAt[i]! < defaultBudgetSpec.perMs) j++;
            worst = Math.max(worst, j - i);
        }
        expect(worst).toBeLessThanOrEqual(defaultBudgetSpec.burst + defaultBudgetSpec.requests);
        expect(worst).toBeLessThan(200);
    });

    test("waiting callers are woken by one timer, not by polling", async () => {
        const clock = new FakeClock();
        const budget = new RequestBudget({ requests: 1, perMs: 1_000, burst: 1 }, clock);
        acquireMany(budget, clock, 50);
        await flush();
        expect(budget.waiting).toBe(49);
        expect(clock.pendingTimers).toBe(1);
    });

    test("an idle bucket refills up to the burst, not beyond", async () => {
        const clock = new FakeClock();
        const budget = new RequestBudget({ requests: 10, perMs: 1_000, burst: 2 }, clock);
        await clock.advance(60_000);
        const { grantedAt } = acquireMany(budget, clock, 3);
        await flush();
        expect(grantedAt).toEqual([60_000, 60_000]);
    });

    test("an unlimited budget grants at once and still counts", async () => {
        const budget = RequestBudget.unlimited();
        await Promise.all(Array.from({ length: 1_000 }, () => budget.acquire()));
        expect(budget.granted).toBe(1_000);
    });

    test("the budget of an endpoint is shared by origin across the process", () => {
        const a = RequestBudget.forEndpoint("https://shared-budget.example/");
        const b = RequestBudget.forEndpoint("https://shared-budget.example");
        expect(a).toBe(b);
        expect(RequestBudget.forEndpoint("https://other-budget.example")).not.toBe(a);
    });

    test("LOGTO_REQUEST_BUDGET sets the budget of an endpoint", () => {
        const previous = process.env.LOGTO_REQUEST_BUDGET;
        process.env.LOGTO_REQUEST_BUDGET = "60/1m:5";
        try {
            expect(RequestBudget.forEndpoint("https://env-budget.example").spec).toEqual({ requests: 60, perMs: 60_000, burst: 5 });
        } finally {
            if (previous === undefined) delete process.env.LOGTO_REQUEST_BUDGET;
            else process.env.LOGTO_REQUEST_BUDGET = previous;
        }
    });
});

describe("budget specs", () => {
    test("default: 150 per 10 s, burst 20", () => {
        expect(defaultBudgetSpec).toEqual({ requests: 150, perMs: 10_000, burst: 20 });
    });

    test("requests per duration, with an optional burst", () => {
        expect(parseBudgetSpec("150/10s")).toEqual({ requests: 150, perMs: 10_000, burst: 20 });
        expect(parseBudgetSpec("5/500ms")).toEqual({ requests: 5, perMs: 500, burst: 5 });
        expect(parseBudgetSpec("100/1m:10")).toEqual({ requests: 100, perMs: 60_000, burst: 10 });
        expect(parseBudgetSpec("10/s")).toEqual({ requests: 10, perMs: 1_000, burst: 10 });
    });

    test("off disables the budget", () => {
        expect(parseBudgetSpec("off")).toBeUndefined();
    });

    test("a malformed spec is refused with the expected form", () => {
        expect(() => parseBudgetSpec("fast")).toThrow(/150\/10s/);
        expect(() => parseBudgetSpec("0/10s")).toThrow(/requests >= 1/);
    });
});

describe("the default budget per endpoint", () => {
    test("Logto Cloud endpoints get Cloud's budget, self-hosted ones a larger one", () => {
        expect(defaultBudgetFor("https://abc123.logto.app")).toEqual(defaultBudgetSpec);
        expect(defaultBudgetFor("https://auth.example.com")).toEqual(selfHostedBudgetSpec);
        expect(defaultBudgetFor("http://127.0.0.1:3001")).toEqual(selfHostedBudgetSpec);
        expect(selfHostedBudgetSpec.requests).toBeGreaterThan(defaultBudgetSpec.requests);
    });
});
