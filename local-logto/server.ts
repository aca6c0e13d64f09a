import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes, timingSafeEqual } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { handleControlRequest } from "./control";
import { RequestCounters } from "./counters";
import { LogtoApiError } from "./errors";
import { FaultInjector, type FaultDecision } from "./faults";
import { authorizeManagementRequest } from "./guard";
import { json, parseBody, readRawBody, text, type HttpResponse } from "./http";
import { startJoseRuntime } from "./jose-runtime";
import type { FaultRule, LocalLogtoOptions, RequestCounts } from "./options";
import { applicationRoutes } from "./routes/applications";
import { ListOrder } from "./listOrder";
import type { RouteDeps } from "./routes/deps";
import { organizationRoleRoutes } from "./routes/organization-roles";
import { organizationScopeRoutes } from "./routes/organization-scopes";
import { organizationRoutes } from "./routes/organizations";
import { resourceRoutes } from "./routes/resources";
import { roleRoutes } from "./routes/roles";
import { matchRoute, type Route } from "./router";
import { managementApiResourceId, managementIndicator, seedOnce } from "./seed";
import { jwksOf, loadOrCreateSigningKey } from "./signing-key";
import { Store } from "./store";
import { handleTokenRequest } from "./tokens";

export interface LocalLogto {
    /** e.g. http://127.0.0.1:41234 (no trailing slash) */
    endpoint: string;
    /** "https://default.logto.app/api" */
    managementIndicator: string;
    /** The seeded M2M app holding "Logto Management API access". */
    bootstrap: { appId: string; appSecret: string };
    /** The bearer token of the control API (`undefined` when it is off). */
    controlToken?: string;
    faults: { set(rules: FaultRule[]): void; clear(): void };
    setTokenTtlOverride(seconds: number | undefined): void;
    counters: { snapshot(): RequestCounts; reset(): void };
    close(): Promise<void>;
}

/** A started local Logto, plus what only the CLI needs to know. */
export interface LaunchedLocalLogto {
    logto: LocalLogto;
    dataDir: string;
    /** True when this start seeded the data dir (the CLI then prints the bootstrap secret, once). */
    seededNow: boolean;
    bootstrapFile: string;
    /** `<dataDir>/control-token` when the control API is on. */
    controlTokenFile?: string;
}

const controlPrefix = "/__local/";

/** A tiny stand-in for Logto's 790 KB OpenAPI document, which is not shipped. */
const swaggerStub = {
    openapi: "3.0.1",
    info: { title: "Logto API references (local Logto stub)", version: "Cloud" },
    paths: {},
};

function endpointFor(host: string, port: number): string {
    const reachable = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host;
    return `http://${reachable.includes(":") ? `[${reachable}]` : reachable}:${port}`;
}

/** Loopback: 127.0.0.0/8, ::1, localhost. */
export function isLoopbackHost(host: string): boolean {
    if (host === "localhost" || host === "::1") return true;
    return isIP(host) === 4 && host.startsWith("127.");
}

/** The control token from an Authorization header, compared in constant time. */
function controlAuthorized(header: string | undefined, token: string): boolean {
    const given = Buffer.from(/^Bearer (\S+)$/.exec(header ?? "")?.[1] ?? "");
    const expected = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Writes a file under the data dir readable by the owner only, atomically (temp file + rename). */
function writeOwnerOnlyFile(file: string, content: string): void {
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, content, { mode: 0o600 });
    chmodSync(temp, 0o600);
    renameSync(temp, file);
}

/** Writes `<dataDir>/bootstrap.json` readable by the owner only, atomically (temp file + rename). */
function writeBootstrapFile(file: string, content: object): void {
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(content, null, 2) + "\n", { mode: 0o600 });
    chmodSync(temp, 0o600);
    renameSync(temp, file);
}

function writeResponse(res: ServerResponse, response: HttpResponse): void {
    if (res.destroyed || res.headersSent) return;
    const headers: Record<string, string | string[]> = { ...response.headers };
    let payload: Buffer | undefined;
    if (typeof response.body === "string") {
        payload = Buffer.from(response.body);
        headers["content-type"] ??= "text/plain; charset=utf-8";
    } else if (response.body !== undefined) {
        payload = Buffer.from(JSON.stringify(response.body));
        headers["content-type"] ??= "application/json; charset=utf-8";
    }
    if (payload) headers["content-length"] = String(payload.length);
    res.writeHead(response.status, headers);
    res.end(payload);
}

/** What a fault answers instead of the real response (a 429/5xx from Logto or the proxy in front of it). */
function faultResponse(strike: NonNullable<FaultDecision["strike"]>): HttpResponse | "drop" {
    switch (strike.kind) {
        case "drop":
            return "drop";
        case "429":
            return { status: 429, headers: { "retry-after": String(strike.retryAfterSeconds) }, body: "Too Many Requests" };
        case "500":
            return json(500, { message: "Internal server error." });
        case "502":
            return text(502, "Bad Gateway");
        case "503":
            return text(503, "Service Unavailable");
    }
}

/** Starts a local Logto: store, seed, signing key, HTTP server. */
export async function launchLocalLogto(options: LocalLogtoOptions = {}): Promise<LaunchedLocalLogto> {
    const host = options.host ?? "127.0.0.1";
    // Plain HTTP, a bootstrap app holding the whole Management API, and test controls: loopback unless asked.
    if (!isLoopbackHost(host) && options.allowRemote !== true) {
        throw new Error(`local Logto: refusing to listen on ${host}: it speaks plain HTTP and serves a bootstrap app with full Management API access; ` +
            "bind to 127.0.0.1 (the default), or allow another address explicitly (--allow-remote, allowRemote: true)");
    }
    const ownsDataDir = options.dataDir === undefined;
    const dataDir = path.resolve(options.dataDir ?? mkdtempSync(path.join(tmpdir(), "local-logto-")));
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const log = options.log ?? (() => {});
    // Only by the caller's own choice, never by the environment; and only with the token.
    const controlToken = options.controlApi === true ? randomBytes(32).toString("base64url") : undefined;
    if (!isLoopbackHost(host)) {
        const warning = `WARNING: listening on ${host}, beyond loopback: whoever reaches it can use its token endpoint and Management API`;
        if (options.log !== undefined) options.log(warning);
        else process.stderr.write(`local-logto: ${warning}\n`);
    }

    const store = new Store(dataDir);
    const jose = startJoseRuntime();
    const signingKey = await loadOrCreateSigningKey(store, jose);
    const { credentials, seededNow } = seedOnce(store, Date.now());

    const counters = new RequestCounters();
    const faults = new FaultInjector(options.faults ?? []);
    let tokenTtlOverride = options.tokenTtlOverrideSeconds;
    let endpoint = "";
    const issuer = () => `${endpoint}/oidc`;

    const deps: RouteDeps = { store, managementApiResourceId, now: Date.now, listOrder: new ListOrder(options.listOrderSeed ?? 1) };
    const apiRoutes: Route[] = [
        ...resourceRoutes(deps),
        ...roleRoutes(deps),
        ...applicationRoutes(deps),
        ...organizationRoutes(deps),
        ...organizationScopeRoutes(deps),
        ...organizationRoleRoutes(deps),
    ];

    /**
     * The Management API in Logto's order: route (an unknown path is 404, a wrong method 405, before any guard),
     * guard, then the body (too large: 404 "Not Found", as Logto 1.42 answers; not JSON: 400 with a message).
     */
    async function handleApi(req: IncomingMessage, url: URL, raw: Awaited<ReturnType<typeof readRawBody>>): Promise<HttpResponse> {
        const method = req.method ?? "GET";
        if (url.pathname === "/api/swagger.json" && method === "GET") return json(200, swaggerStub);
        if (url.pathname === "/api/status" && method === "GET") return { status: 204 };
        const match = matchRoute(apiRoutes, method, url.pathname);
        if (match.kind === "not-found") return text(404, "Not Found");
        if (match.kind === "method-not-allowed") return text(405, "Method Not Allowed");
        try {
            await authorizeManagementRequest(req.headers, { jose, signingKey, issuer: issuer(), managementIndicator });
            if (raw.kind === "too-large") return text(404, "Not Found");
            const parsed = parseBody(req.headers["content-type"], raw.bytes);
            if (parsed.kind === "invalid-json") return json(400, { message: parsed.message });
            return await match.route.handler({ method, url, endpoint, params: match.params, query: url.searchParams, headers: req.headers, body: parsed.value });
        } catch (error) {
            if (error instanceof LogtoApiError) return json(error.status, error.toBody());
            throw error;
        }
    }

    async function handleOidc(req: IncomingMessage, url: URL, raw: Awaited<ReturnType<typeof readRawBody>>): Promise<HttpResponse> {
        const method = req.method ?? "GET";
        if (url.pathname === "/oidc/token") {
            if (method !== "POST") return text(405, "Method Not Allowed");
            if (raw.kind === "too-large") return text(404, "Not Found");
            return handleTokenRequest(req.headers, raw.bytes, {
                store,
                jose,
                signingKey,
                issuer: issuer(),
                tokenTtlOverride: () => tokenTtlOverride,
                now: Date.now,
            });
        }
        if (url.pathname === "/oidc/jwks" && method === "GET") {
            return { status: 200, headers: { "content-type": "application/jwk-set+json; charset=utf-8" }, body: jwksOf(signingKey) };
        }
        if (url.pathname === "/oidc/.well-known/openid-configuration" && method === "GET") {
            return json(200, {
                issuer: issuer(),
                jwks_uri: `${issuer()}/jwks`,
                token_endpoint: `${issuer()}/token`,
                grant_types_supported: ["client_credentials"],
                token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
                id_token_signing_alg_values_supported: ["ES384"],
            });
        }
        return text(404, "Not Found");
    }

    async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
        const started = Date.now();
        const method = req.method ?? "GET";
        let url: URL;
        try {
            url = new URL(req.url ?? "/", endpoint);
        } catch {
            writeResponse(res, text(400, "Bad Request"));
            return;
        }

        // Test controls: never counted, never faulted.
        if (controlToken !== undefined && url.pathname.startsWith(controlPrefix)) {
            const raw = await readRawBody(req);
            if (!controlAuthorized(req.headers.authorization, controlToken)) {
                writeResponse(res, json(401, { message: "the control API needs Authorization: Bearer <control token>" }));
                return;
            }
            writeResponse(res, handleControlRequest(method, url.pathname, raw, {
                counters,
                faults,
                setTokenTtlOverride: (seconds) => (tokenTtlOverride = seconds),
                bootstrap: credentials,
            }));
            return;
        }

        const isApi = url.pathname === "/api" || url.pathname.startsWith("/api/");
        const isToken = url.pathname === "/oidc/token";
        let pattern = url.pathname;
        if (isApi) {
            const match = matchRoute(apiRoutes, method, url.pathname);
            pattern = match.kind === "found" ? match.route.pattern : match.kind === "method-not-allowed" ? match.pattern : "(unmatched)";
            counters.countApi(`${method} ${pattern}`);
        } else if (isToken) counters.countToken();

        const raw = await readRawBody(req);
        const decision = faults.decide({ method, pattern, isToken });
        if (decision.latencyMs > 0) await sleep(decision.latencyMs);
        const strike = decision.strike;

        let response: HttpResponse;
        if (strike?.when === "before") {
            const faulted = faultResponse(strike);
            if (faulted === "drop") {
                log(`${method} ${url.pathname} dropped (before)`);
                req.socket.destroy();
                return;
            }
            response = faulted;
        } else {
            try {
                response = isApi ? await handleApi(req, url, raw) : await handleOidc(req, url, raw);
            } catch (error) {
                log(`${method} ${url.pathname} failed: ${(error as Error).stack ?? String(error)}`);
                response = json(500, { message: "Internal server error." });
            }
            if (strike?.when === "after") {
                const faulted = faultResponse(strike);
                if (faulted === "drop") {
                    // The work is done (a create is committed), but the client never hears back.
                    log(`${method} ${url.pathname} dropped (after)`);
                    req.socket.destroy();
                    return;
                }
                response = faulted;
            }
        }
        writeResponse(res, response);
        log(`${method} ${url.pathname}${url.search} ${response.status} ${Date.now() - started}ms`);
    }

    const server = createServer((req, res) => {
        handleRequest(req, res).catch((error: unknown) => {
            // Last resort: a bug must cost one request, never the server.
            log(`unhandled: ${(error as Error).stack ?? String(error)}`);
            writeResponse(res, json(500, { message: "Internal server error." }));
        });
    });
    server.keepAliveTimeout = 5_000;

    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(options.port ?? 0, host, () => {
            server.off("error", reject);
            resolve();
        });
    });
    endpoint = endpointFor(host, (server.address() as AddressInfo).port);

    const bootstrapFile = path.join(dataDir, "bootstrap.json");
    writeBootstrapFile(bootstrapFile, { endpoint, appId: credentials.appId, appSecret: credentials.appSecret, managementIndicator });
    const controlTokenFile = controlToken !== undefined ? path.join(dataDir, "control-token") : undefined;
    if (controlTokenFile !== undefined) writeOwnerOnlyFile(controlTokenFile, `${controlToken}\n`);
    log(`local Logto listening on ${endpoint} (data: ${dataDir})`);

    let closing: Promise<void> | undefined;
    const logto: LocalLogto = {
        endpoint,
        managementIndicator,
        bootstrap: { appId: credentials.appId, appSecret: credentials.appSecret },
        ...(controlToken !== undefined ? { controlToken } : {}),
        faults: { set: (rules) => faults.set(rules), clear: () => faults.clear() },
        setTokenTtlOverride: (seconds) => {
            tokenTtlOverride = seconds;
        },
        counters: { snapshot: () => counters.snapshot(), reset: () => counters.reset() },
        close: () => {
            closing ??= (async () => {
                await new Promise<void>((resolve) => {
                    server.close(() => resolve());
                    server.closeAllConnections();
                });
                store.close();
                await jose.close();
                if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
            })();
            return closing;
        },
    };
    return { logto, dataDir, seededNow, bootstrapFile, ...(controlTokenFile !== undefined ? { controlTokenFile } : {}) };
}
