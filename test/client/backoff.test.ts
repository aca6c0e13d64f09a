import { backoffDelayMs, defaultRetryPolicy, mayRetry, parseRetryAfter, retryDelayMs, retryPolicy } from "../../client/backoff";

const policy = retryPolicy({ baseDelayMs: 100, maxDelayMs: 1_000, maxAttempts: 6, maxElapsedMs: 60_000 });
const always = (value: number) => () => value;

describe("backoff with full jitter", () => {
    test("the ceiling doubles per retry from the base delay", () => {
        const almostOne = always(0.999999);
        expect([1, 2, 3, 4].map((retry) => backoffDelayMs(retry, policy, almostOne))).toEqual([99, 199, 399, 799]);
    });

    test("the ceiling never exceeds maxDelayMs, even after many retries", () => {
        expect(backoffDelayMs(5, policy, always(0.999999))).toBe(999);
        expect(backoffDelayMs(500, policy, always(0.999999))).toBe(999);
    });

    test("the delay is a uniform draw below the ceiling (full jitter)", () => {
        expect(backoffDelayMs(3, policy, always(0))).toBe(0);
        expect(backoffDelayMs(3, policy, always(0.5))).toBe(200);
    });

    test("a Retry-After wins over the computed backoff, plus at most one base delay of jitter", () => {
        expect(retryDelayMs(1, policy, 3_000, always(0))).toBe(3_000);
        expect(retryDelayMs(1, policy, 3_000, always(0.5))).toBe(3_050);
        expect(retryDelayMs(4, policy, undefined, always(0.5))).toBe(400);
    });

    test("retries stop at maxAttempts, counting the first attempt", () => {
        expect(mayRetry(5, 0, 0, policy)).toBe(true);
        expect(mayRetry(6, 0, 0, policy)).toBe(false);
    });

    test("no retry starts after maxElapsedMs", () => {
        expect(mayRetry(1, 59_000, 1_000, policy)).toBe(true);
        expect(mayRetry(1, 59_000, 1_001, policy)).toBe(false);
    });

    test("defaults: 6 attempts within 60 s", () => {
        expect(defaultRetryPolicy.maxAttempts).toBe(6);
        expect(defaultRetryPolicy.maxElapsedMs).toBe(60_000);
    });

    test("a policy with a negative or zero-attempt setting is refused", () => {
        expect(() => retryPolicy({ maxAttempts: 0 })).toThrow(/maxAttempts/);
        expect(() => retryPolicy({ baseDelayMs: -1 })).toThrow(/baseDelayMs/);
    });
});

describe("Retry-After", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");

    test("delta-seconds become milliseconds", () => {
        expect(parseRetryAfter("0", now)).toBe(0);
        expect(parseRetryAfter("3", now)).toBe(3_000);
        expect(parseRetryAfter(" 120 ", now)).toBe(120_000);
    });

    test("an HTTP date is the time left until then", () => {
        expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:05 GMT", now)).toBe(5_000);
    });

    test("an HTTP date in the past means retry now", () => {
        expect(parseRetryAfter("Wed, 31 Dec 2025 23:59:00 GMT", now)).toBe(0);
    });

    test("absent, empty or unreadable values are ignored", () => {
        expect(parseRetryAfter(undefined, now)).toBeUndefined();
        expect(parseRetryAfter("", now)).toBeUndefined();
        expect(parseRetryAfter("soon", now)).toBeUndefined();
        expect(parseRetryAfter("-3", now)).toBeUndefined();
        expect(parseRetryAfter("1.5", now)).toBeUndefined();
    });

    test("of repeated headers, the first counts", () => {
        expect(parseRetryAfter(["2", "9"], now)).toBe(2_000);
    });
});
