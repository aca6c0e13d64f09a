import type { Stack } from "@pulumi/pulumi/automation";
import { ManagementClient } from "../../client";
import { startLocalLogto, type FaultRule, type LocalLogto } from "../../local-logto";
import { engineSandbox, inlineStack, storedState, type EngineSandbox } from "../support/engine";
import { logtoStackConfig } from "../support/topology";
import { resource } from "../plugin/support";

/**
 * The secrets scan of `secretsScan.test.ts`, for a run through the plugin, with a subset of the chaos faults.
 * Since the plugin accepts secrets, the engine traces every secret property as `[secret]`, the bootstrap secret
 * included (through the dynamic provider it is traced as `logto:appSecret=<plaintext>`). What remains is Pulumi's
 * own trace of a secret's envelope, which prints the envelope's inner `value` for any provider (counted and
 * reported, see `envelopeTrace`); everywhere else (the CLI's output, the engine's and the plugin's verbose logs,
 * failed runs' messages, the stored state): 0 plaintext occurrences of the bootstrap secret, any app secret or
 * any access token. Faults (a 429, a 503, a lost create answer) duplicate nothing.
 */
const verbose = { logVerbosity: 9, logToStdErr: true, logFlow: true } as const;
const jwtPattern = /eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\./g;

describe("a plugin run: no plaintext secret in -v=9 traces, and faults duplicate nothing", () => {
    let logto: LocalLogto;
    let sandbox: EngineSandbox;
    let stack: Stack;
    let client: ManagementClient;
    let secretName = "extra";
    const seen: { where: string; text: string }[] = [];
    const secretValues = new Set<string>();
    const apps = ["alpha", "beta", "gamma"];

    const program = async () => {
        const api = resource("ApiResource", "api", { name: "scan API", indicator: "https://scan.api" });
        const scope = resource("ApiScope", "read", { resourceId: api.id, name: "read" });
        const role = resource("M2MRole", "role", { name: "scan-reader", description: "reads", scopeIds: [scope.id] });
        const out: Record<string, unknown> = {};
        for (const name of apps) {
            const app = resource("M2MApplication", `app-${name}`, { name: `scan-${name}`, roleIds: [role.id] });
            const secret = resource("ApplicationSecret", `secret-${name}`, { applicationId: app.id, name: secretName });
            out[name] = { appId: app.out("appId"), appSecret: app.out("appSecret"), extra: secret.out("value") };
        }
        return out;
    };

    async function collectSecretValues(): Promise<void> {
        secretValues.add(logto.bootstrap.appSecret);
        for (const app of await client.listApplications()) {
            for (const secret of await client.listApplicationSecrets(app.id)) secretValues.add(secret.value);
        }
    }

    async function run(where: string, op: () => Promise<{ stdout: string; stderr: string }>, faults: FaultRule[] = []): Promise<void> {
        logto.faults.set(faults);
        try {
            const result = await op();
            seen.push({ where: `${where} stdout`, text: result.stdout }, { where: `${where} stderr (verbose logs)`, text: result.stderr });
        } catch (error) {
            seen.push({ where: `${where} error`, text: String(error) + JSON.stringify(error) });
        }
        logto.faults.clear();
        await collectSecretValues();
    }

    beforeAll(async () => {
        logto = await startLocalLogto({ port: 0 });
        sandbox = engineSandbox();
        stack = await inlineStack(sandbox, "plugin-secrets", "dev", program, logtoStackConfig(logto));
        client = new ManagementClient({ endpoint: logto.endpoint, appId: logto.bootstrap.appId, appSecret: logto.bootstrap.appSecret }, { budget: "off" });
        // Faults on the first up: a 429 and a 503 on creates, and the answer of one app create lost after Logto made it.
        await run("up (faults)", () => stack.up(verbose), [
            { kind: "429", route: "POST /api/resources", count: 1, retryAfterSeconds: 1 },
            { kind: "503", route: "POST /api/roles", count: 1 },
            { kind: "drop", route: "POST /api/applications", when: "after", count: 1 },
        ]);
        await run("preview", () => stack.preview(verbose));
        await run("refresh", () => stack.refresh(verbose));
        secretName = "rotated";
        await run("up (rotation)", () => stack.up(verbose));
        await run("refresh (500 on reads)", () => stack.refresh(verbose), [{ kind: "500", method: "GET" }]);
        await stack.setConfig("logto:appSecret", { value: "wrong-bootstrap-secret-5c1d", secret: true });
        secretValues.add("wrong-bootstrap-secret-5c1d");
        secretName = "after-wrong-bootstrap";
        await run("up (wrong bootstrap secret)", () => stack.up(verbose));
        await stack.setConfig("logto:appSecret", { value: logto.bootstrap.appSecret, secret: true });
        await run("up (back)", () => stack.up(verbose));
        seen.push({ where: "stored state file", text: storedState(sandbox, "plugin-secrets", "dev") });
        const grant = await client.requestAppToken(logto.bootstrap.appId, logto.bootstrap.appSecret, logto.managementIndicator, ["all"]);
        secretValues.add(grant.accessToken);
    });

    afterAll(async () => {
        await stack?.destroy().catch(() => undefined);
        sandbox?.cleanup();
        await logto?.close();
    });

    test("the faults duplicated nothing: one of each object, and the stack converged", async () => {
        expect(seen.filter((s) => s.where.endsWith("error")).map((s) => s.where).sort()).toEqual(["refresh (500 on reads) error", "up (wrong bootstrap secret) error"]);
        const names = (await client.listApplications()).map((a) => a.name).filter((n) => n.startsWith("scan-")).sort();
        expect(names).toEqual(apps.map((a) => `scan-${a}`).sort());
        expect((await client.listResources()).filter((r) => r.indicator === "https://scan.api")).toHaveLength(1);
        expect((await client.listRoles()).filter((r) => r.name === "scan-reader")).toHaveLength(1);
        const preview = await stack.preview();
        expect(preview.changeSummary).toEqual({ same: 1 + 3 + 2 * apps.length });
    });

    test("the scan covers real material: the engine's -v=9 RPC traces of the plugin's resources", () => {
        const traces = seen.flatMap(({ text }) => text.split("\n").filter((line) => /[Mm]arshaling property for RPC\[.*logto:index:/.test(line) || /Provider\[logto/.test(line)));
        expect(traces.length).toBeGreaterThan(100);
        expect(traces.some((line) => line.includes("[secret]"))).toBe(true);
        // bootstrap + per app a default secret and two generations of the extra one + the wrong one + a token
        expect(secretValues.size).toBeGreaterThanOrEqual(1 + apps.length * 3 + 2);
        console.log(`plugin secrets scan: ${secretValues.size} secret values in ${seen.length} texts ` +
            `(${(seen.reduce((n, s) => n + s.text.length, 0) / 2 ** 20).toFixed(1)} MiB), ${traces.length} engine RPC trace lines of the plugin`);
    });

    /** Every line (of the logs, or of an error's text, where lines are escaped) holding a secret in plaintext. */
    function linesWithSecrets(): { where: string; line: string }[] {
        const hits: { where: string; line: string }[] = [];
        for (const { where, text } of seen) {
            for (const line of text.split(/\n|\\n/)) {
                if ([...secretValues].some((v) => line.includes(v))) hits.push({ where, line });
            }
        }
        return hits;
    }

    /**
     * Pulumi's own traces of a secret's envelope, whatever the provider. The engine (3.259) (un)marshals the
     * `{sig, value}` object of every secret as a map, and its -v=9 trace prints that map's `value` field before it
     * becomes a secret again (sdk/go/common/resource/plugin/rpc.go); the property itself is traced as `[secret]`.
     * The Node SDK's debug line "RegisterResource RPC finished ... resp:" prints the program's response, secret
     * envelopes included. Those lines are counted and reported; nothing else may hold a secret.
     */
    const envelopeTrace = /[Mm]arshaling property for RPC\[.*\]: value=|RegisterResource RPC finished: .*; err: .*, resp: /;

    test("0 plaintext occurrences of any secret value outside Pulumi's own traces of a secret's envelope", () => {
        const hits = linesWithSecrets();
        const envelope = hits.filter((h) => envelopeTrace.test(h.line));
        const elsewhere = hits.filter((h) => !envelopeTrace.test(h.line)).map((h) => {
            const value = [...secretValues].find((v) => h.line.includes(v))!;
            return `${h.where}: ${h.line.split(value).join("<SECRET>").slice(0, 300)}`;
        });
        console.log(`plugin secrets scan: ${envelope.length} lines of Pulumi's own traces show a secret envelope's value (engine -v=9, SDK debug); ${elsewhere.length} other lines hold a secret`);
        expect(elsewhere).toEqual([]);
    });

    test("the engine traces the app secrets and the bootstrap secret as secrets under their names", () => {
        const lines = seen.flatMap(({ text }) => text.split("\n"));
        for (const property of ["appSecret"]) {
            const traced = lines.filter((line) => new RegExp(`[Mm]arshaling property for RPC\\[.*\\]: ${property}=`).test(line));
            expect({ property, traced: traced.length > 0 }).toEqual({ property, traced: true });
            expect({ property, allSecret: traced.every((line) => line.includes("[secret]")) }).toEqual({ property, allSecret: true });
        }
    });

    test("0 access tokens (JWTs) anywhere", () => {
        const found = seen.flatMap(({ where, text }) => (text.match(jwtPattern) ?? []).map((m) => `${where}: ${m.slice(0, 16)}...`));
        expect(found).toEqual([]);
    });
});
