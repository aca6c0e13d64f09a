import { z } from "zod";

/**
 * A fault to inject, for tests and benchmarks of clients (retries, lost responses, slow servers).
 * Matching requests are counted per rule; `count` and `nth` make a rule deterministic, `rate` draws from a
 * PRNG seeded with `seed` (default 1), so a run can be replayed.
 */
export interface FaultRule {
    kind: "429" | "500" | "502" | "503" | "drop" | "latency";
    /** HTTP method to match (any when omitted). */
    method?: string;
    /**
     * Route to match, as counted: "POST /api/roles" (method and pattern), "/api/roles/:id/scopes" (pattern,
     * any method), or "token" for /oidc/token. Omitted = every route (control routes are never faulted).
     */
    route?: string;
    /** Probability 0..1 that a matching request gets the fault. */
    rate?: number;
    /** Only the first N matching requests (that pass `nth`/`rate`) get the fault. */
    count?: number;
    /** Every nth matching request gets the fault (n, 2n, 3n, ...). */
    nth?: number;
    /** Retry-After header of a 429 (seconds, default 1). */
    retryAfterSeconds?: number;
    /** Delay before handling, for `latency`. */
    latencyMs?: number;
    seed?: number;
    /**
     * When the fault strikes: "before" (default) the request is not handled at all; "after" it is handled
     * (a create is committed) and the answer is then replaced by the fault: a lost response. Ignored by latency.
     */
    when?: "before" | "after";
}

export interface RequestCounts {
    /** POST /oidc/token requests. */
    token: number;
    /** Requests under /api. */
    api: number;
    /** "METHOD /api/pattern" -> requests, ids replaced by their placeholders; token requests not included. */
    byRoute: Record<string, number>;
}

export interface LocalLogtoOptions {
    /** 0 = a random free port. Default 0 in process (the CLI defaults to 3001). */
    port?: number;
    /** Default 127.0.0.1. */
    host?: string;
    /** Where the store lives; default a fresh temp dir, removed on close (the CLI uses ./.local-logto). */
    dataDir?: string;
    /** Lifetime of every issued token, in seconds, instead of the resource's accessTokenTtl. */
    tokenTtlOverrideSeconds?: number;
    faults?: FaultRule[];
    /** Seed of the order of lists Logto answers unordered (see listOrder.ts); default 1. */
    listOrderSeed?: number;
    /**
     * Serve the /__local control routes. They answer only requests carrying `Authorization: Bearer <controlToken>`
     * (a random token made at start, `LocalLogto.controlToken`, also in `<dataDir>/control-token`, mode 0600):
     * they hand out the bootstrap secret and switch faults on.
     */
    controlApi?: boolean;
    /** Bind to an address other than loopback (the default refuses: the server speaks plain HTTP). */
    allowRemote?: boolean;
    /** Receives one line per request and lifecycle events. */
    log?: (line: string) => void;
}

export const faultRuleSchema = z.object({
    kind: z.enum(["429", "500", "502", "503", "drop", "latency"]),
    method: z.string().optional(),
    route: z.string().optional(),
    rate: z.number().min(0).max(1).optional(),
    count: z.number().int().min(0).optional(),
    nth: z.number().int().min(1).optional(),
    retryAfterSeconds: z.number().min(0).optional(),
    latencyMs: z.number().min(0).optional(),
    seed: z.number().int().optional(),
    when: z.enum(["before", "after"]).optional(),
});
export const faultRulesSchema = z.array(faultRuleSchema);

/** Parses fault rules from JSON text (env, CLI flag, control API); throws with zod's message when invalid. */
export function parseFaultRules(jsonText: string): FaultRule[] {
    return faultRulesSchema.parse(JSON.parse(jsonText));
}
