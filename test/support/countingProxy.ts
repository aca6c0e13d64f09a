import { createServer, request as httpRequest, type Server } from "node:http";
import { request as httpsRequest } from "node:https";
import type { AddressInfo } from "node:net";
import type { RequestCounts } from "../../local-logto";

/**
 * A reverse proxy on loopback in front of another Logto (live mode), counting what passes as the local Logto
 * counts it: token requests, Management API requests, and per route with the ids replaced by placeholders
 * (`GET /api/roles/:id/scopes`). The providers are pointed at it, so the suites' call-count assertions hold
 * against real Logto too, instead of being skipped.
 */
export interface CountingProxy {
    /** `http://127.0.0.1:<port>`: give it as `logto:endpoint`. */
    endpoint: string;
    counts(): RequestCounts;
    reset(): void;
    close(): Promise<void>;
}

/** The sub-collection of a path and the placeholder of its ids, as the local Logto names them. */
const subPlaceholders: Record<string, string> = { scopes: ":scopeId", roles: ":roleId", secrets: ":name", applications: ":applicationId" };

/** `/api/roles/abc/scopes/def` -> `/api/roles/:id/scopes/:scopeId`. */
export function routePattern(pathname: string): string {
    const parts = pathname.split("/");
    // ["", "api", collection, id, sub, subId]
    if (parts.length > 3 && parts[3] !== "") parts[3] = ":id";
    if (parts.length > 5 && parts[5] !== "") parts[5] = subPlaceholders[parts[4] ?? ""] ?? ":id";
    // A member's organization roles: /api/organizations/:id/applications/:applicationId/roles/:roleId.
    if (parts.length > 7 && parts[7] !== "") parts[7] = subPlaceholders[parts[6] ?? ""] ?? ":id";
    return parts.join("/");
}

export async function startCountingProxy(target: string): Promise<CountingProxy> {
    const upstream = new URL(target);
    let counts: RequestCounts = { token: 0, api: 0, byRoute: {} };
    const server: Server = createServer((req, res) => {
        const url = new URL(req.url ?? "/", upstream);
        if (url.pathname === "/oidc/token") counts.token++;
        else if (url.pathname.startsWith("/api/")) {
            counts.api++;
            const route = `${req.method} ${routePattern(url.pathname)}`;
            counts.byRoute[route] = (counts.byRoute[route] ?? 0) + 1;
        }
        const send = upstream.protocol === "https:" ? httpsRequest : httpRequest;
        const forwarded = send(new URL(`${url.pathname}${url.search}`, upstream), {
            method: req.method,
            headers: { ...req.headers, host: upstream.host },
        }, (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
        });
        forwarded.on("error", () => res.destroy());
        req.pipe(forwarded);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return {
        endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        counts: () => structuredClone(counts),
        reset: () => {
            counts = { token: 0, api: 0, byRoute: {} };
        },
        close: async () => {
            server.closeAllConnections();
            await new Promise((resolve) => server.close(resolve));
        },
    };
}
