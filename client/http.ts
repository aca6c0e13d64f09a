import { setTimeout as sleep } from "node:timers/promises";
import { EnvHttpProxyAgent, fetch as undiciFetch, request, type Dispatcher, type RequestInit, type Response } from "undici";
import { mayRetry, parseRetryAfter, retryDelayMs, type RetryPolicy } from "./backoff";
import type { RequestBudget } from "./budget";
import { LogtoApiError, LogtoNetworkError } from "./errors";

/**
 * HTTP for the client: one undici agent for the process, and `HttpTransport.send`, which spends the request
 * budget on every attempt and retries what is safe to retry.
 *
 * What is retried, and why:
 * - 429: the server refused before doing anything; always safe, for every method, honouring Retry-After.
 * - 502, 503, 504 and 500, and connection resets and timeouts after the request was sent: the request may or
 *   may not have been applied. Idempotent requests (GET, PUT, PATCH, DELETE, and POSTs that the caller marks
 *   as safe to repeat) are retried. 500 is included: Logto answers 500 for transient database failures, and
 *   for a deterministic bug the bounded retries cost only time. A non-idempotent POST is not repeated: the
 *   transport throws `UncertainOutcome`, and the typed endpoint resolves it by looking the object up.
 * - Failures before anything was sent (connection refused, DNS, connect timeout): safe to retry for every method.
 */

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface HttpRequest {
    method: HttpMethod;
    url: string;
    headers?: Record<string, string>;
    /** Already serialized. */
    body?: string;
    /**
     * Whether sending it twice has the effect of sending it once. Defaults to true for every method but POST.
     * A POST may be marked idempotent when a repeat is harmless (a token request, an "add" that tolerates
     * "already there").
     */
    idempotent?: boolean;
}

export interface HttpResponse {
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: string;
    /** Attempts made, this one included. */
    attempts: number;
    /** Time from the first attempt's send to this answer (set by `HttpTransport.send`). */
    elapsedMs?: number;
    /** Whether any 429 of these attempts carried a Retry-After (set by `HttpTransport.send` for a final 429). */
    retryAfterSeen?: boolean;
}

/**
 * Thrown for a non-idempotent request whose outcome is unknown: sent, then a 5xx or a lost connection. The
 * typed endpoint catches it and resolves the outcome; it never escapes the client.
 */
export class UncertainOutcome extends Error {
    constructor(readonly method: string, readonly path: string, override readonly cause: LogtoApiError | LogtoNetworkError) {
        super(`outcome of ${method} ${path} unknown: ${cause.message}`, { cause });
        this.name = "UncertainOutcome";
    }
}

const agentTimeouts = {
    connectTimeout: 10_000,
    // Logto closes idle keep-alive sockets after 5 s (Koa/Node default); reusing one at that moment gives a
    // reset. Staying below avoids most of them; the rest are retried or resolved.
    keepAliveTimeout: 4_000,
    keepAliveMaxTimeout: 30_000,
};

let sharedAgent: Dispatcher | undefined;

/**
 * The process-wide agent: keep-alive, timeouts, proxy from HTTP_PROXY/HTTPS_PROXY/NO_PROXY. TLS verification is
 * set explicitly so NODE_TLS_REJECT_UNAUTHORIZED=0 cannot switch it off; extra CAs come from NODE_EXTRA_CA_CERTS.
 */
export function httpAgent(): Dispatcher {
    if (sharedAgent === undefined) {
        sharedAgent = new EnvHttpProxyAgent({
            ...agentTimeouts,
            connect: { rejectUnauthorized: true },
            requestTls: { rejectUnauthorized: true },
            proxyTls: { rejectUnauthorized: true },
        });
    }
    return sharedAgent;
}

/**
 * `fetch` through the process-wide agent, for requests made as a service makes them (verify, the consumer
 * example): no budget and no retries, but the same proxy settings and TLS verification as the client's calls
 * (the global `fetch` ignores HTTPS_PROXY and obeys NODE_TLS_REJECT_UNAUTHORIZED=0).
 */
export function agentFetch(url: string, init: Omit<RequestInit, "dispatcher"> = {}): Promise<Response> {
    return undiciFetch(url, { ...init, dispatcher: httpAgent() });
}

/** Closes the process-wide agent (tests, scripts); the next request opens a new one. */
export async function closeHttpAgent(): Promise<void> {
    const agent = sharedAgent;
    sharedAgent = undefined;
    await agent?.close();
}

const notSentCodes = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH", "UND_ERR_CONNECT_TIMEOUT"]);
const maybeSentCodes = new Set([
    "ECONNRESET", "EPIPE", "ETIMEDOUT", "ECONNABORTED",
    "UND_ERR_SOCKET", "UND_ERR_CLOSED", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT",
    "UND_ERR_RES_CONTENT_LENGTH_MISMATCH",
]);

function errorCode(error: unknown): string | undefined {
    let current: unknown = error;
    for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
        const code = (current as { code?: unknown }).code;
        if (typeof code === "string" && (notSentCodes.has(code) || maybeSentCodes.has(code))) {
            return code;
        }
        current = current.cause;
    }
    const top = (error as { code?: unknown } | undefined)?.code;
    return typeof top === "string" ? top : undefined;
}

/** How a network failure bears on retrying: `not-sent` is always safe, `maybe-sent` only when idempotent. */
export function classifyNetworkError(error: unknown): "not-sent" | "maybe-sent" | "fatal" {
    const code = errorCode(error);
    if (code !== undefined && notSentCodes.has(code)) {
        return "not-sent";
    }
    if (code !== undefined && maybeSentCodes.has(code)) {
        return "maybe-sent";
    }
    return "fatal";
}

const retryableStatus = new Set([500, 502, 503, 504]);

/** Parses Logto's error body `{ code, message }` without trusting it to be JSON. */
export function logtoErrorBody(body: string): { code?: string; message?: string } {
    try {
        const parsed: unknown = JSON.parse(body);
        if (parsed !== null && typeof parsed === "object") {
            const { code, message } = parsed as { code?: unknown; message?: unknown };
            return {
                ...(typeof code === "string" ? { code } : {}),
                ...(typeof message === "string" ? { message } : {}),
            };
        }
    } catch {
        // Not JSON (a proxy's HTML page, "Bad Gateway"): no code.
    }
    return {};
}

/** What a final 429 says: how long the client kept trying, and what to change. */
export function rateLimitHint(response: HttpResponse): string {
    const seconds = ((response.elapsedMs ?? 0) / 1000).toFixed(1);
    const told = response.retryAfterSeen === true ? "" : " (no Retry-After given)";
    return `rate limited by Logto: still 429 after ${response.attempts} attempt(s) over ${seconds} s${told}; Logto Cloud ` +
        "allows about 200 Management API requests per 10 s per tenant -- lower the request budget (LOGTO_REQUEST_BUDGET, " +
        "e.g. 100/10s), keep other clients of the tenant quiet, or retry later";
}

export function apiErrorFromResponse(method: string, path: string, response: HttpResponse, hint?: string): LogtoApiError {
    const { code, message } = logtoErrorBody(response.body);
    hint ??= response.status === 429 ? rateLimitHint(response) : undefined;
    return new LogtoApiError({
        status: response.status,
        ...(code !== undefined ? { code } : {}),
        method,
        path,
        // A non-JSON body (proxy page) is not Logto's message; keep the message short and meaningful.
        ...(message !== undefined ? { logtoMessage: message } : {}),
        attempts: response.attempts,
        ...(hint !== undefined ? { hint } : {}),
    });
}

export interface HttpTransportOptions {
    budget: RequestBudget;
    retry: RetryPolicy;
    /** Per attempt: time to the response headers, and the longest pause inside the body. */
    timeoutMs: number;
    dispatcher?: Dispatcher;
    random?: () => number;
}

export interface SendHooks {
    /** Called once per attempt, after the budget granted it (what the server sees). */
    onAttempt?: () => void;
}

/** Path without query, for messages and errors: queries carry no secrets, but paths are stable to match on. */
function pathOf(url: string): string {
    return new URL(url).pathname;
}

export class HttpTransport {
    private readonly options: HttpTransportOptions;

    constructor(options: HttpTransportOptions) {
        this.options = options;
    }

    get retry(): RetryPolicy {
        return this.options.retry;
    }

    get budget(): RequestBudget {
        return this.options.budget;
    }

    /**
     * Sends with retries. Returns the final response whatever its status (the caller maps errors); throws
     * `LogtoNetworkError` when no answer came, and `UncertainOutcome` for a non-idempotent request that may have
     * been applied.
     */
    async send(req: HttpRequest, hooks: SendHooks = {}): Promise<HttpResponse> {
        const idempotent = req.idempotent ?? req.method !== "POST";
        const policy = this.options.retry;
        const random = this.options.random ?? Math.random;
        const path = pathOf(req.url);
        let startedAt: number | undefined;
        let retryAfterSeen = false;
        for (let attempt = 1; ; attempt++) {
            await this.options.budget.acquire();
            // The clock starts at the first send, not before the budget's wait: a queue behind 500 other calls
            // must not eat the retry time.
            startedAt ??= Date.now();
            hooks.onAttempt?.();
            let response: HttpResponse | undefined;
            let failure: unknown;
            try {
                response = await this.sendOnce(req, attempt);
            } catch (error) {
                failure = error;
            }
            const elapsed = Date.now() - startedAt;
            if (response !== undefined) {
                const status = response.status;
                if (status === 429 || retryableStatus.has(status)) {
                    if (status !== 429 && !idempotent) {
                        throw new UncertainOutcome(req.method, path, apiErrorFromResponse(req.method, path, response));
                    }
                    const retryAfter = parseRetryAfter(response.headers["retry-after"]);
                    retryAfterSeen ||= status === 429 && retryAfter !== undefined;
                    const delay = retryDelayMs(attempt, policy, retryAfter, random, status === 429);
                    if (mayRetry(attempt, elapsed, delay, policy)) {
                        await sleep(delay);
                        continue;
                    }
                }
                return { ...response, elapsedMs: elapsed, ...(status === 429 ? { retryAfterSeen } : {}) };
            }
            const kind = classifyNetworkError(failure);
            const networkError = new LogtoNetworkError({
                method: req.method,
                path,
                ...(errorCode(failure) !== undefined ? { code: errorCode(failure)! } : {}),
                attempts: attempt,
                cause: failure,
            });
            if (kind === "fatal") {
                throw networkError;
            }
            if (kind === "maybe-sent" && !idempotent) {
                throw new UncertainOutcome(req.method, path, networkError);
            }
            const delay = retryDelayMs(attempt, policy, undefined, random);
            if (!mayRetry(attempt, elapsed, delay, policy)) {
                throw networkError;
            }
            await sleep(delay);
        }
    }

    private async sendOnce(req: HttpRequest, attempt: number): Promise<HttpResponse> {
        const response = await request(req.url, {
            dispatcher: this.options.dispatcher ?? httpAgent(),
            method: req.method,
            headers: req.headers ?? {},
            ...(req.body !== undefined ? { body: req.body } : {}),
            headersTimeout: this.options.timeoutMs,
            bodyTimeout: this.options.timeoutMs,
        });
        // Always read the body to the end: an unread body keeps the socket from returning to the pool.
        const body = await response.body.text();
        return { status: response.statusCode, headers: response.headers, body, attempts: attempt };
    }
}
