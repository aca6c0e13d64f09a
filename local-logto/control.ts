import { z } from "zod";
import type { RequestCounters } from "./counters";
import type { FaultInjector } from "./faults";
import { json, type HttpResponse, type RawBody } from "./http";
import { faultRulesSchema } from "./options";
import { quotasSchema, type Quotas } from "./quotas";

export interface ControlDeps {
    counters: RequestCounters;
    faults: FaultInjector;
    setTokenTtlOverride(seconds: number | undefined): void;
    setQuotas(quotas: Quotas): void;
    bootstrap: { appId: string; appSecret: string };
}

const tokenTtlBody = z.object({ seconds: z.number().int().positive().nullable() });

function parseJson(raw: RawBody): { ok: true; value: unknown } | { ok: false; response: HttpResponse } {
    if (raw.kind === "too-large") return { ok: false, response: json(413, { message: "request entity too large" }) };
    try {
        return { ok: true, value: JSON.parse(raw.bytes.toString("utf8") || "null") as unknown };
    } catch (error) {
        return { ok: false, response: json(400, { message: (error as Error).message }) };
    }
}

/**
 * The test controls of the local Logto for clients in another process (benchmarks, the demo's tests):
 * `GET/POST /__local/counters` (POST answers the counts, then resets them), `PUT/DELETE /__local/faults`,
 * `PUT /__local/token-ttl {seconds|null}`, `PUT /__local/quotas {key: limit}`, `GET /__local/bootstrap`. Served only when enabled.
 */
export function handleControlRequest(method: string, pathname: string, raw: RawBody, deps: ControlDeps): HttpResponse {
    const route = `${method} ${pathname}`;
    switch (route) {
        case "GET /__local/counters":
            return json(200, deps.counters.snapshot());
        case "POST /__local/counters": {
            const counts = deps.counters.snapshot();
            deps.counters.reset();
            return json(200, counts);
        }
        case "PUT /__local/faults": {
            const body = parseJson(raw);
            if (!body.ok) return body.response;
            const rules = faultRulesSchema.safeParse(body.value);
            if (!rules.success) return json(400, { message: "invalid fault rules", issues: rules.error.issues });
            deps.faults.set(rules.data);
            return { status: 204 };
        }
        case "DELETE /__local/faults":
            deps.faults.clear();
            return { status: 204 };
        case "PUT /__local/token-ttl": {
            const body = parseJson(raw);
            if (!body.ok) return body.response;
            const ttl = tokenTtlBody.safeParse(body.value);
            if (!ttl.success) return json(400, { message: "expected { seconds: positive integer | null }", issues: ttl.error.issues });
            deps.setTokenTtlOverride(ttl.data.seconds ?? undefined);
            return { status: 204 };
        }
        case "PUT /__local/quotas": {
            const body = parseJson(raw);
            if (!body.ok) return body.response;
            const quotas = quotasSchema.safeParse(body.value);
            if (!quotas.success) return json(400, { message: "invalid quotas", issues: quotas.error.issues });
            deps.setQuotas(quotas.data as Quotas);
            return { status: 204 };
        }
        case "GET /__local/bootstrap":
            return json(200, deps.bootstrap);
        default:
            return json(404, { message: `no control route ${route}` });
    }
}
