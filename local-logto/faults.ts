import type { FaultRule } from "./options";

/** What the server does to one request: wait, then maybe strike before or after handling it. */
export interface FaultDecision {
    latencyMs: number;
    strike?: { kind: Exclude<FaultRule["kind"], "latency">; when: "before" | "after"; retryAfterSeconds: number | null };
}

/** mulberry32: small, fast, and seeded, so `rate` faults replay identically. */
export function seededRandom(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

interface ActiveRule {
    rule: FaultRule;
    matched: number;
    fired: number;
    random: () => number;
    /** End of the window opened by the last firing (`windowMs` rules). */
    windowEndsAt: number;
}

/** The route a request is counted under: "METHOD /pattern", and "token" for the token endpoint. */
export interface RequestRoute {
    method: string;
    pattern: string;
    isToken: boolean;
}

function ruleMatches(rule: FaultRule, route: RequestRoute): boolean {
    if (rule.method && rule.method.toUpperCase() !== route.method) return false;
    if (rule.route === undefined) return true;
    if (rule.route === "token") return route.isToken;
    if (rule.route.includes(" ")) return rule.route === `${route.method} ${route.pattern}`;
    return rule.route === route.pattern;
}

/** The fault rules in force; each keeps its own counts, so `count`/`nth` are per rule. */
export class FaultInjector {
    private rules: ActiveRule[] = [];

    constructor(rules: FaultRule[] = []) {
        this.set(rules);
    }

    set(rules: FaultRule[]): void {
        this.rules = rules.map((rule) => ({ rule, matched: 0, fired: 0, random: seededRandom(rule.seed ?? 1), windowEndsAt: 0 }));
    }

    clear(): void {
        this.rules = [];
    }

    /** Latency rules add up; the first other rule that fires strikes. */
    decide(route: RequestRoute, now: number = Date.now()): FaultDecision {
        const decision: FaultDecision = { latencyMs: 0 };
        for (const active of this.rules) {
            const { rule } = active;
            if (!ruleMatches(rule, route)) continue;
            if (rule.kind !== "latency" && now < active.windowEndsAt) {
                decision.strike ??= this.strikeOf(rule);
                continue;
            }
            // Every rule counts every request it matches, so a rule's `nth` does not shift when another strikes.
            active.matched++;
            if (rule.nth !== undefined && active.matched % rule.nth !== 0) continue;
            if (rule.count !== undefined && active.fired >= rule.count) continue;
            if (rule.rate !== undefined && !(active.random() < rule.rate)) continue;
            if (rule.kind === "latency") {
                active.fired++;
                decision.latencyMs += rule.latencyMs ?? 0;
            } else if (!decision.strike) {
                active.fired++;
                if (rule.windowMs !== undefined) active.windowEndsAt = now + rule.windowMs;
                decision.strike = this.strikeOf(rule);
            }
        }
        return decision;
    }

    private strikeOf(rule: FaultRule): NonNullable<FaultDecision["strike"]> {
        return {
            kind: rule.kind as Exclude<FaultRule["kind"], "latency">,
            when: rule.when ?? "before",
            retryAfterSeconds: rule.retryAfterSeconds === undefined ? 1 : rule.retryAfterSeconds,
        };
    }
}
