/**
 * Test-only: reach Logto Cloud names (`<tenant>.logto.app`, port 443) on a local Logto listening on loopback.
 * TLS stays as strict as ever: the connection keeps the Cloud name as its server name, so the certificate is
 * verified for that name, against the system CAs plus the test's CA (NODE_EXTRA_CA_CERTS in a child process,
 * `extraCa` in this one). Nothing of this is in the product.
 *
 * In a child process (the engine's provider host) it installs itself when preloaded:
 * `NODE_OPTIONS=--require <this file>` with LOGTO_TEST_CLOUD_LOOPBACK_PORT=<port>.
 */
import type * as tlsTypes from "node:tls";

export const loopbackPortVar = "LOGTO_TEST_CLOUD_LOOPBACK_PORT";

// The module object itself (not an import namespace copy), so undici's `tls.connect(...)` sees the change.
const tls = require("node:tls") as typeof tlsTypes;
const originalConnect = tls.connect;
let installed: { port: number; extraCa?: string } | undefined;

function isCloudName(host: unknown): host is string {
    return typeof host === "string" && /^[a-z0-9-]+\.logto\.app$/i.test(host);
}

/** Maps `*.logto.app:443` to 127.0.0.1:`port` for this process's TLS connections. */
export function mapLogtoCloudToLoopback(port: number, extraCa?: string): void {
    installed = { port, ...(extraCa !== undefined ? { extraCa } : {}) };
    (tls as { connect: unknown }).connect = function connect(this: unknown, ...args: unknown[]) {
        const [options] = args;
        if (installed !== undefined && options !== null && typeof options === "object" && isCloudName((options as tlsTypes.ConnectionOptions).host)) {
            const given = options as tlsTypes.ConnectionOptions;
            if ((given.port ?? 443) === 443 || String(given.port) === "443") {
                const mapped: tlsTypes.ConnectionOptions = {
                    ...given,
                    host: "127.0.0.1",
                    port: installed.port,
                    servername: given.servername ?? given.host,
                    ...(installed.extraCa !== undefined ? { ca: [...tls.rootCertificates, installed.extraCa] } : {}),
                };
                return (originalConnect as (...a: unknown[]) => unknown).call(this, mapped, ...args.slice(1));
            }
        }
        return (originalConnect as (...a: unknown[]) => unknown).apply(this, args);
    };
}

/** Undoes `mapLogtoCloudToLoopback`. */
export function unmapLogtoCloud(): void {
    installed = undefined;
    (tls as { connect: unknown }).connect = originalConnect;
}

const fromEnv = Number(process.env[loopbackPortVar] ?? "");
if (Number.isInteger(fromEnv) && fromEnv > 0) mapLogtoCloudToLoopback(fromEnv);
