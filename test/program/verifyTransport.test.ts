import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer as createHttpServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { closeHttpAgent } from "../../client/http";
import { requestClientCredentialsToken } from "../../component/verify";
import { fetchAccessToken } from "../../examples/consumer/service";
import { repoRoot } from "../support/engine";
import { startLocalLogto, type LocalLogto } from "../../local-logto";

/**
 * The verify step and the consumer example request tokens through the client's HTTP agent: the proxy settings
 * apply to them, and NODE_TLS_REJECT_UNAUTHORIZED=0 does not switch their TLS verification off.
 */

const proxyVars = ["HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy", "NODE_TLS_REJECT_UNAUTHORIZED"];

async function listen(server: Server): Promise<number> {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return (server.address() as AddressInfo).port;
}

describe("verify and the consumer example use the client's transport", () => {
    const saved: Record<string, string | undefined> = {};
    beforeEach(async () => {
        for (const name of proxyVars) {
            saved[name] = process.env[name];
            delete process.env[name];
        }
        await closeHttpAgent();
    });
    afterEach(async () => {
        for (const name of proxyVars) {
            if (saved[name] === undefined) delete process.env[name];
            else process.env[name] = saved[name];
        }
        // The agent reads the proxy settings when it is made: the next test gets a fresh one.
        await closeHttpAgent();
    });

    test("HTTP_PROXY is honoured", async () => {
        const logto: LocalLogto = await startLocalLogto({ port: 0 });
        // A forward proxy that records what it carried: absolute-form requests and CONNECT tunnels.
        const carried: string[] = [];
        const proxy = createHttpServer((req, res) => {
            carried.push(`${req.method} ${req.url}`);
            const upstream = httpRequest(req.url!, { method: req.method, headers: req.headers }, (answer) => {
                res.writeHead(answer.statusCode ?? 502, answer.headers);
                answer.pipe(res);
            });
            req.pipe(upstream);
        });
        proxy.on("connect", (req, socket, head) => {
            carried.push(`CONNECT ${req.url}`);
            const [host, port] = String(req.url).split(":");
            const upstream = connect(Number(port), host, () => {
                socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
                upstream.write(head);
                upstream.pipe(socket);
                socket.pipe(upstream);
            });
        });
        const proxyPort = await listen(proxy);
        try {
            process.env.HTTP_PROXY = `http://127.0.0.1:${proxyPort}`;
            const tokenEndpoint = `${logto.endpoint}/oidc/token`;
            const creds = { appId: logto.bootstrap.appId, appSecret: logto.bootstrap.appSecret };
            const verified = await requestClientCredentialsToken({ tokenEndpoint, ...creds, resource: logto.managementIndicator, scopes: ["all"] });
            expect(verified.scope).toEqual(["all"]);
            const consumer = await fetchAccessToken({ LOGTO_TOKEN_ENDPOINT: tokenEndpoint, LOGTO_APP_ID: creds.appId, LOGTO_APP_SECRET: creds.appSecret,
                API_RESOURCE: logto.managementIndicator, API_SCOPE: "all" });
            expect(consumer.scope).toBe("all");
            const host = new URL(logto.endpoint).host;
            expect(carried).toHaveLength(2);
            for (const line of carried) expect(line).toContain(host);
        } finally {
            await closeHttpAgent();
            proxy.closeAllConnections();
            await new Promise((resolve) => proxy.close(resolve));
            await logto.close();
        }
    });

    test("NODE_TLS_REJECT_UNAUTHORIZED=0 does not switch TLS verification off", () => {
        const dir = mkdtempSync(path.join(tmpdir(), "tls-"));
        try {
            // A self-signed certificate: what a man in the middle would show.
            execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem")], { stdio: "ignore" });
            // A process of its own, with the variable set as a user sets it (Node's TLS reads the real environment).
            const script = `
                const https = require("node:https"), fs = require("node:fs");
                const { requestClientCredentialsToken } = require(${JSON.stringify(path.join(repoRoot, "dist", "component", "verify.js"))});
                const { fetchAccessToken } = require(${JSON.stringify(path.join(repoRoot, "dist", "examples", "consumer", "service.js"))});
                let served = 0;
                const server = https.createServer({ key: fs.readFileSync(${JSON.stringify(path.join(dir, "key.pem"))}), cert: fs.readFileSync(${JSON.stringify(path.join(dir, "cert.pem"))}) }, (req, res) => {
                    served++;
                    res.writeHead(200, { "content-type": "application/json" });
                    res.end(JSON.stringify({ access_token: "t", expires_in: 3600, token_type: "Bearer", scope: "all" }));
                });
                const outcome = (p) => p.then(() => "token issued", (e) => String(e.cause ?? e));
                server.listen(0, "127.0.0.1", async () => {
                    const tokenEndpoint = "https://127.0.0.1:" + server.address().port + "/oidc/token";
                    const verified = await outcome(requestClientCredentialsToken({ tokenEndpoint, appId: "a", appSecret: "s", resource: "https://x.example", scopes: [] }));
                    const consumer = await outcome(fetchAccessToken({ LOGTO_TOKEN_ENDPOINT: tokenEndpoint, LOGTO_APP_ID: "a", LOGTO_APP_SECRET: "s", API_RESOURCE: "https://x.example", API_SCOPE: "" }));
                    console.log(JSON.stringify({ verified, consumer, served }));
                    process.exit(0);
                });`;
            const output = execFileSync(process.execPath, ["-e", script], { env: { ...process.env, NODE_TLS_REJECT_UNAUTHORIZED: "0" }, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
            const result = JSON.parse(output.trim().split("\n").pop()!) as { verified: string; consumer: string; served: number };
            // Refused at the handshake: no token, and the server never saw a request.
            expect(result.verified).toMatch(/self[- ]signed certificate/i);
            expect(result.consumer).toMatch(/self[- ]signed certificate/i);
            expect(result.served).toBe(0);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});
