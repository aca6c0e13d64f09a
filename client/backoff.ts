/** Pure retry timing: no I/O, no clock of its own, so it is tested with a fixed random and a fixed `now`. */

export interface RetryPolicy {
    /** Attempts in all, the first included. */
    maxAttempts: number;
    /** No retry starts once this much time has passed since the first attempt was sent. */
    maxElapsedMs: number;
    /** Ceiling of the first backoff; it doubles per retry. */
    baseDelayMs: number;
    /** Ceiling of any computed backoff (a server's Retry-After may ask for longer, within `maxElapsedMs`). */
    maxDelayMs: number;
    /**
     * How long a 429 without Retry-After may last: Logto Cloud's rate-limit window (10 s). The retries of such a
     * 429 are spread so that, with the default attempts, they reach beyond it (see `rateLimitDelayMs`).
     */
    rateLimitWindowMs: number;
}

export const defaultRetryPolicy: Readonly<RetryPolicy> = Object.freeze({
    maxAttempts: 6,
    maxElapsedMs: 60_000,
    baseDelayMs: 200,
    maxDelayMs: 10_000,
    rateLimitWindowMs: 10_000,
});

export function retryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
    const policy = { ...defaultRetryPolicy, ...overrides };
    for (const [key, value] of Object.entries(policy)) {
        if (!Number.isFinite(value) || value < 0) {
            throw new RangeError(`retry policy ${key} must be a finite number >= 0`);
        }
    }
    if (policy.maxAttempts < 1) {
        throw new RangeError("retry policy maxAttempts must be >= 1");
    }
    return policy;
}

/**
 * Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"): a uniform
 * draw in [0, min(maxDelay, base * 2^(retry-1))). Full jitter spreads the retries of many callers that failed
 * together, which matters here: a `pulumi up` fails hundreds of calls at once when the server throttles.
 * `retry` counts retries from 1 (the wait before the second attempt).
 */
export function backoffDelayMs(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
    const exponent = Math.max(0, retry - 1);
    // Cap the exponent before Math.pow so a large retry number cannot overflow to Infinity.
    const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(exponent, 30));
    return Math.floor(random() * ceiling);
}

/**
 * Parses a Retry-After header: delta-seconds or an HTTP date (RFC 9110 section 10.2.3). Returns milliseconds
 * to wait (0 for a date in the past) or `undefined` when absent or unreadable.
 */
export function parseRetryAfter(value: string | string[] | undefined, now: number = Date.now()): number | undefined {
    const raw = Array.isArray(value) ? value[0] : value;
    if (raw === undefined) {
        return undefined;
    }
    const text = raw.trim();
    if (text === "") {
        return undefined;
    }
    if (/^\d+$/.test(text)) {
        return Number(text) * 1000;
    }
    // Only date forms: Date.parse alone would also read "1.5" or "-3" as dates.
    if (!/[a-z]/i.test(text)) {
        return undefined;
    }
    const at = Date.parse(text);
    if (Number.isNaN(at)) {
        return undefined;
    }
    return Math.max(0, at - now);
}

/**
 * The wait before retry number `retry` of a 429 that named no Retry-After. Logto Cloud counts requests per
 * tenant in a 10 s window and may answer 429 without saying when it ends; the 200 ms backoff of 5xx retries
 * would give up after at most 6.2 s, inside that window. So the ceiling starts at a quarter of the window and
 * doubles (capped by `maxDelayMs`), with equal jitter (at least half the ceiling): with the defaults the five
 * retries wait at least 1.25 + 2.5 + 5 + 5 + 5 = 18.75 s in all, and at most 37.5 s.
 */
export function rateLimitDelayMs(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
    const exponent = Math.min(Math.max(0, retry - 1), 30);
    const ceiling = Math.min(policy.maxDelayMs, (policy.rateLimitWindowMs / 4) * 2 ** exponent);
    return Math.floor(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * The wait before retry number `retry`. A server's Retry-After wins over the computed backoff, plus a little
 * jitter (up to one base delay) so that callers throttled together do not come back in the same millisecond;
 * a 429 without one (`rateLimited`) waits by `rateLimitDelayMs`.
 */
export function retryDelayMs(retry: number, policy: RetryPolicy, retryAfterMs: number | undefined, random: () => number = Math.random, rateLimited = false): number {
    if (retryAfterMs !== undefined) {
        return retryAfterMs + Math.floor(random() * policy.baseDelayMs);
    }
    return rateLimited ? rateLimitDelayMs(retry, policy, random) : backoffDelayMs(retry, policy, random);
}

/**
 * Whether retry number `retry` may start after waiting `delayMs`, given the time already spent. The attempt
 * bound counts the first attempt; the time bound is checked against when the retry would start.
 */
export function mayRetry(retry: number, elapsedMs: number, delayMs: number, policy: RetryPolicy): boolean {
    return retry + 1 <= policy.maxAttempts && elapsedMs + delayMs <= policy.maxElapsedMs;
}
