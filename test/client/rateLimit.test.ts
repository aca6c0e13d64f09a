import { LogtoApiError } from "../../client";
import { defaultRetryPolicy, rateLimitDelayMs, retryPolicy } from "../../client/backoff";
import type { LocalLogto } from "../../local-logto";
import { clientFor, closeAll, startLogto } from "./support";

/**
 * Logto Cloud's rate limiter counts requests per tenant in a 10 s window and may answer 429 without Retry-After.
 * The client's retries of such a 429 must outlast the window (a 200 ms exponential backoff gave up after at most
 * 6.2 s), stay bounded, and say what happened when they give up.
 */
describe("429 without Retry-After", () => {
    const sumOf = (random: () => number): number =>
        [1, 2, 3, 4, 5].reduce((sum, retry) => sum + rateLimitDelayMs(retry, defaultRetryPolicy, random), 0);

    test("the default retries of a 429 without Retry-After outlast Cloud's 10 s window, and stay bounded", () => {
        // Equal jitter: the least a random draw can give, and the most.
        expect(sumOf(() => 0)).toBe(18_750);
        expect(sumOf(() => 0.999999)).toBeLessThanOrEqual(37_500);
        expect(sumOf(() => 0)).toBeGreaterThan(defaultRetryPolicy.rateLimitWindowMs);
        expect(sumOf(() => 0.999999)).toBeLessThan(defaultRetryPolicy.maxElapsedMs);
    });

    test("each wait is at least half its ceiling, the ceiling starting at a quarter of the window", () => {
        const policy = retryPolicy({ rateLimitWindowMs: 8_000, maxDelayMs: 5_000 });
        expect([1, 2, 3, 4].map((retry) => rateLimitDelayMs(retry, policy, () => 0))).toEqual([1_000, 2_000, 2_500, 2_500]);
        expect([1, 2, 3].map((retry) => rateLimitDelayMs(retry, policy, () => 0.999999))).toEqual([1_999, 3_999, 4_999]);
    });

    describe("against the local Logto's rate-limit window", () => {
        let logto: LocalLogto;

        beforeAll(async () => {
            logto = await startLogto();
        });

        afterAll(async () => {
            await closeAll(logto);
        });

        beforeEach(() => {
            logto.faults.clear();
            logto.counters.reset();
        });

        test("a 10 s window of 429s without Retry-After is waited out with the default policy", async () => {
            // The production policy, not the tests' fast one: this is the timing that must hold.
            const client = clientFor(logto, { retry: {} });
            await client.listResources();
            logto.counters.reset();
            logto.faults.set([{ kind: "429", route: "GET /api/roles", count: 1, windowMs: 10_000, retryAfterSeconds: null }]);
            await expect(client.listRoles()).resolves.toBeInstanceOf(Array);
            const sent = logto.counters.snapshot().byRoute["GET /api/roles"] ?? 0;
            expect(sent).toBeGreaterThanOrEqual(2);
            expect(sent).toBeLessThanOrEqual(defaultRetryPolicy.maxAttempts);
        }, 60_000);

        test("a create refused by the window is sent again once it is over, and made once", async () => {
            const client = clientFor(logto, { retry: { rateLimitWindowMs: 400 } });
            logto.faults.set([{ kind: "429", route: "POST /api/roles", count: 1, windowMs: 300, retryAfterSeconds: null }]);
            const role = await client.createRole({ name: "after-window", description: "d", type: "MachineToMachine" });
            expect((await client.listRoles()).filter((r) => r.name === "after-window")).toEqual([expect.objectContaining({ id: role.id })]);
        });

        test("a window that never ends: bounded attempts, then an error naming the rate limit", async () => {
            const client = clientFor(logto, { retry: { rateLimitWindowMs: 80, maxAttempts: 4 } });
            logto.faults.set([{ kind: "429", route: "GET /api/roles", count: 1, windowMs: 600_000, retryAfterSeconds: null }]);
            const error = await client.listRoles().then(() => undefined, (e: unknown) => e);
            expect(error).toBeInstanceOf(LogtoApiError);
            const apiError = error as LogtoApiError;
            expect(apiError.status).toBe(429);
            expect(apiError.isRateLimited).toBe(true);
            expect(apiError.attempts).toBe(4);
            expect(apiError.message).toMatch(/GET \/api\/roles failed with 429/);
            expect(apiError.message).toMatch(/rate limited by Logto: still 429 after 4 attempt\(s\) over \d+\.\d s \(no Retry-After given\)/);
            expect(apiError.message).toMatch(/LOGTO_REQUEST_BUDGET/);
            expect(logto.counters.snapshot().byRoute["GET /api/roles"]).toBe(4);
        });

        test("with Retry-After, the final error says nothing about a missing one", async () => {
            const client = clientFor(logto, { retry: { maxAttempts: 2 } });
            logto.faults.set([{ kind: "429", route: "GET /api/roles", retryAfterSeconds: 0 }]);
            const error = (await client.listRoles().then(() => undefined, (e: unknown) => e)) as LogtoApiError;
            expect(error.message).toMatch(/still 429 after 2 attempt\(s\)/);
            expect(error.message).not.toMatch(/no Retry-After/);
        });
    });
});

describe("429 without Retry-After at the token endpoint", () => {
    let logto: LocalLogto;

    beforeAll(async () => {
        logto = await startLogto();
    });

    afterAll(async () => {
        await closeAll(logto);
    });

    test("the token request is retried past the window; when it never ends, the error says it was rate limited", async () => {
        logto.faults.set([{ kind: "429", route: "token", count: 1, windowMs: 300, retryAfterSeconds: null }]);
        await expect(clientFor(logto, { retry: { rateLimitWindowMs: 400 } }).listRoles()).resolves.toBeInstanceOf(Array);
        logto.faults.set([{ kind: "429", route: "token", count: 1, windowMs: 600_000, retryAfterSeconds: null }]);
        const error = await clientFor(logto, { retry: { rateLimitWindowMs: 80, maxAttempts: 3 } }).listRoles().then(() => undefined, (e: unknown) => e);
        expect(String(error)).toMatch(/failed with 429 -- rate limited by Logto even after the retries/);
        expect(String(error)).toMatch(/LOGTO_REQUEST_BUDGET/);
    });
});
