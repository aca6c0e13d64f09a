import type { IncomingHttpHeaders } from "node:http";
import type { HttpResponse } from "./http";

export interface RequestContext {
    method: string;
    url: URL;
    /** The endpoint the client reached, e.g. http://127.0.0.1:3001 (for `iss` and Link headers). */
    endpoint: string;
    params: Record<string, string>;
    query: URLSearchParams;
    headers: IncomingHttpHeaders;
    body: unknown;
}

export type Handler = (ctx: RequestContext) => HttpResponse | Promise<HttpResponse>;

export interface Route {
    method: string;
    /** Path with `:name` placeholders; also the route's name in counters and fault rules. */
    pattern: string;
    handler: Handler;
}

export type RouteMatch =
    | { kind: "found"; route: Route; params: Record<string, string> }
    | { kind: "method-not-allowed"; pattern: string }
    | { kind: "not-found" };

function matchPattern(pattern: string, path: string): Record<string, string> | undefined {
    const want = pattern.split("/");
    const got = path.split("/");
    if (want.length !== got.length) return undefined;
    const params: Record<string, string> = {};
    for (let i = 0; i < want.length; i++) {
        const w = want[i]!;
        const g = got[i]!;
        if (w.startsWith(":")) {
            if (g === "") return undefined;
            try {
                params[w.slice(1)] = decodeURIComponent(g);
            } catch {
                return undefined; // a malformed %-escape matches nothing, like koa-router
            }
        } else if (w !== g) return undefined;
    }
    return params;
}

/**
 * Literal segments win over placeholders (`/api/applications/:id/legacy-secret` before a `:name`), so routes
 * are tried most specific first.
 */
export function matchRoute(routes: readonly Route[], method: string, path: string): RouteMatch {
    const trimmed = path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
    let pathMatched: string | undefined;
    for (const route of routes) {
        const params = matchPattern(route.pattern, trimmed);
        if (!params) continue;
        if (route.method === method) return { kind: "found", route, params };
        pathMatched ??= route.pattern;
    }
    return pathMatched ? { kind: "method-not-allowed", pattern: pathMatched } : { kind: "not-found" };
}
