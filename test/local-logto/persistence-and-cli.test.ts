import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { startLocalLogto } from "../../local-logto";
import { accessToken, httpRequest, managementApi, repoRoot } from "./support";
import { describeLocalOnly } from "./target";

describeLocalOnly("persistence is the local Logto's store", "persistence across a restart", () => {
    let dataDir: string;
    beforeEach(() => {
        dataDir = mkdtempSync(path.join(tmpdir(), "local-logto-persist-"));
    });
    afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

    it("keeps data, the signing key and the bootstrap app in the same data dir", async () => {
        const first = await startLocalLogto({ port: 0, dataDir });
        const api = await managementApi(first);
        const resource = (await api.post("/api/resources", { name: "kept", indicator: "https://kept.api" })).body;
        await api.post(`/api/resources/${resource.id}/scopes`, { name: "read" });
        const app = (await api.post("/api/applications", { name: "kept-app", type: "MachineToMachine", customData: { k: 1 } })).body;
        const jwksBefore = (await httpRequest(`${first.endpoint}/oidc/jwks`)).body;
        await first.close();

        const second = await startLocalLogto({ port: 0, dataDir });
        try {
            expect(second.bootstrap).toEqual(first.bootstrap);
            expect((await httpRequest(`${second.endpoint}/oidc/jwks`)).body).toEqual(jwksBefore);
            const api2 = await managementApi(second);
            expect((await api2.get(`/api/resources/${resource.id}/scopes`)).body.map((s: { name: string }) => s.name)).toEqual(["read"]);
            expect((await api2.get(`/api/applications/${app.id}`)).body.customData).toEqual({ k: 1 });
            // Seeded once: still one Management API role and one bootstrap app.
            expect((await api2.get("/api/roles?search=Logto%20Management%20API%20access")).body).toHaveLength(1);
            expect((await api2.get("/api/applications?search=pulumi-logto-m2m%20bootstrap")).body).toHaveLength(1);
        } finally {
            await second.close();
        }
    });

    it("accepts a token issued before the restart when the endpoint is the same", async () => {
        const first = await startLocalLogto({ port: 0, dataDir });
        const port = Number(new URL(first.endpoint).port);
        const token = await accessToken(first.endpoint, first.bootstrap.appId, first.bootstrap.appSecret, first.managementIndicator, "all");
        await first.close();
        const second = await startLocalLogto({ port, dataDir });
        try {
            const result = await httpRequest(`${second.endpoint}/api/applications`, { headers: { authorization: `Bearer ${token}` } });
            expect(result.status).toBe(200);
        } finally {
            await second.close();
        }
    });

    it("writes bootstrap.json (mode 0600) with endpoint, appId, appSecret and managementIndicator", async () => {
        const logto = await startLocalLogto({ port: 0, dataDir });
        try {
            const file = path.join(dataDir, "bootstrap.json");
            expect(statSync(file).mode & 0o777).toBe(0o600);
            expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({ endpoint: logto.endpoint, appId: logto.bootstrap.appId, appSecret: logto.bootstrap.appSecret, managementIndicator: "https://default.logto.app/api" });
        } finally {
            await logto.close();
        }
    });

    it("creates its database file owner-only from the start, before SQLite writes to it", async () => {
        // What the database file is like at the moment SQLite opens it (it holds secrets and the signing key).
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const sqlite = require("node:sqlite") as { DatabaseSync: new (file: string) => unknown };
        const original = sqlite.DatabaseSync;
        const seen: Array<number | "absent"> = [];
        sqlite.DatabaseSync = class extends (original as new (file: string) => object) {
            constructor(file: string) {
                let mode: number | "absent" = "absent";
                try {
                    mode = statSync(file).mode & 0o777;
                } catch { /* not there yet */ }
                seen.push(mode);
                super(file);
            }
        } as typeof original;
        const umask = process.umask(0o022);
        try {
            const logto = await startLocalLogto({ port: 0, dataDir });
            await logto.close();
        } finally {
            sqlite.DatabaseSync = original;
            process.umask(umask);
        }
        expect(seen).toEqual([0o600]);
        expect(statSync(path.join(dataDir, "logto.sqlite")).mode & 0o777).toBe(0o600);
    });

    it("removes the temporary data dir it created when none was given", async () => {
        const lines: string[] = [];
        const logto = await startLocalLogto({ port: 0, log: (line) => lines.push(line) });
        const used = /data: (.+)\)/.exec(lines.join("\n"))![1]!;
        expect(statSync(used).isDirectory()).toBe(true);
        await logto.close();
        expect(() => statSync(used)).toThrow();
    });
});

/** Runs the CLI and resolves once it printed its endpoint. */
function startCli(args: string[]): Promise<{ child: ChildProcess; output: () => string; endpoint: string }> {
    const child = spawn(process.execPath, [path.join(repoRoot, "dist", "local-logto", "main.js"), "--quiet", ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`CLI did not start: ${output}`)), 15_000);
        const check = () => {
            if (/^Data: /m.test(output)) {
                clearTimeout(timer);
                resolve({ child, output: () => output, endpoint: /listening on (\S+)/.exec(output)![1]! });
            }
        };
        child.stdout!.on("data", check);
        child.on("exit", (code) => {
            clearTimeout(timer);
            reject(new Error(`CLI exited with ${code}: ${output}`));
        });
    });
}

function stopCli(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
    return new Promise((resolve) => {
        child.removeAllListeners("exit");
        child.on("exit", (code) => resolve(code));
        child.kill(signal);
    });
}

describeLocalOnly("the CLI starts a local Logto", "CLI (node dist/local-logto/main.js)", () => {
    let dataDir: string;
    beforeAll(() => {
        dataDir = path.join(mkdtempSync(path.join(tmpdir(), "local-logto-cli-")), "data");
    });
    afterAll(() => rmSync(path.dirname(dataDir), { recursive: true, force: true }));

    it("prints the endpoint and, on the first start of a data dir only, the bootstrap App ID and secret; stops on SIGTERM", async () => {
        const cli = await startCli(["--port", "0", "--data-dir", dataDir]);
        expect(cli.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        const bootstrap = JSON.parse(readFileSync(path.join(dataDir, "bootstrap.json"), "utf8"));
        expect(cli.output()).toContain(`App ID:     ${bootstrap.appId}`);
        expect(cli.output()).toContain(`App secret: ${bootstrap.appSecret}`);
        expect(await stopCli(cli.child, "SIGTERM")).toBe(0);
    });

    it("reuses the bootstrap on the second start without printing the secret; stops on SIGINT", async () => {
        const bootstrap = JSON.parse(readFileSync(path.join(dataDir, "bootstrap.json"), "utf8"));
        const cli = await startCli(["--port", "0", "--data-dir", dataDir]);
        expect(cli.output()).toContain(bootstrap.appId);
        expect(cli.output()).not.toContain(bootstrap.appSecret);
        const token = await accessToken(cli.endpoint, bootstrap.appId, bootstrap.appSecret, "https://default.logto.app/api", "all");
        expect((await httpRequest(`${cli.endpoint}/api/applications`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
        expect(await stopCli(cli.child, "SIGINT")).toBe(0);
    });

    it("takes fault rules and the token lifetime from env, the control API from --control only (with its token)", async () => {
        const child = spawn(process.execPath, [path.join(repoRoot, "dist", "local-logto", "main.js"), "--quiet", "--control", "--port", "0", "--data-dir", dataDir], {
            stdio: ["ignore", "pipe", "pipe"],
            env: { ...process.env, LOCAL_LOGTO_TOKEN_TTL: "7", LOCAL_LOGTO_FAULTS: JSON.stringify([{ kind: "503", route: "GET /api/resources", count: 1 }]) },
        });
        let output = "";
        child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
        await new Promise<void>((resolve) => child.stdout.on("data", () => /^Data: /m.test(output) && resolve()));
        const endpoint = /listening on (\S+)/.exec(output)![1]!;
        try {
            const bootstrap = JSON.parse(readFileSync(path.join(dataDir, "bootstrap.json"), "utf8"));
            const token = await httpRequest(`${endpoint}/oidc/token`, {
                method: "POST",
                headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${Buffer.from(`${bootstrap.appId}:${bootstrap.appSecret}`).toString("base64")}` },
                body: "grant_type=client_credentials&resource=https%3A%2F%2Fdefault.logto.app%2Fapi&scope=all",
            });
            expect(token.body.expires_in).toBe(7);
            const auth = { authorization: `Bearer ${token.body.access_token}` };
            expect((await httpRequest(`${endpoint}/api/resources`, { headers: auth })).status).toBe(503);
            expect((await httpRequest(`${endpoint}/api/resources`, { headers: auth })).status).toBe(200);
            const tokenFile = path.join(dataDir, "control-token");
            expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
            const control = { authorization: `Bearer ${readFileSync(tokenFile, "utf8").trim()}` };
            expect((await httpRequest(`${endpoint}/__local/counters`)).status).toBe(401);
            expect((await httpRequest(`${endpoint}/__local/counters`, { headers: control })).body.byRoute).toEqual({ "GET /api/resources": 2 });
        } finally {
            await stopCli(child, "SIGTERM");
        }
    });

    it("does not switch the control API on from LOCAL_LOGTO_CONTROL, and says so", async () => {
        const child = spawn(process.execPath, [path.join(repoRoot, "dist", "local-logto", "main.js"), "--quiet", "--port", "0", "--data-dir", dataDir], {
            stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LOCAL_LOGTO_CONTROL: "1" },
        });
        let output = "";
        child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
        child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
        await new Promise<void>((resolve) => child.stdout.on("data", () => /^Data: /m.test(output) && resolve()));
        try {
            expect(output).toContain("LOCAL_LOGTO_CONTROL is ignored");
            const endpoint = /listening on (\S+)/.exec(output)![1]!;
            expect((await httpRequest(`${endpoint}/__local/bootstrap`)).status).toBe(404);
        } finally {
            await stopCli(child, "SIGTERM");
        }
    });

    it("refuses to listen beyond loopback unless --allow-remote, and then warns", async () => {
        const refused = spawn(process.execPath, [path.join(repoRoot, "dist", "local-logto", "main.js"), "--quiet", "--host", "0.0.0.0", "--port", "0", "--data-dir", dataDir], { stdio: ["ignore", "pipe", "pipe"] });
        let refusal = "";
        refused.stderr.on("data", (chunk: Buffer) => (refusal += chunk.toString()));
        expect(await new Promise((resolve) => refused.on("exit", resolve))).not.toBe(0);
        expect(refusal).toMatch(/refusing to listen on 0\.0\.0\.0/);
        const cli = await startCli(["--host", "0.0.0.0", "--allow-remote", "--port", "0", "--data-dir", dataDir]);
        try {
            expect(cli.output()).toMatch(/WARNING: listening on 0\.0\.0\.0, beyond loopback/);
        } finally {
            await stopCli(cli.child, "SIGTERM");
        }
    });

    it("refuses invalid flags with exit code 2", async () => {
        const child = spawn(process.execPath, [path.join(repoRoot, "dist", "local-logto", "main.js"), "--port", "nope"], { stdio: "ignore" });
        expect(await new Promise((resolve) => child.on("exit", resolve))).toBe(2);
    });
});
