import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { Stack } from "@pulumi/pulumi/automation";
import { ManagementClient } from "../../client";
import { startLocalLogto, type FaultRule, type LocalLogto } from "../../local-logto";
import { ApplicationSecret } from "../../providers/applicationSecret";
import { cliStackExport, engineSandbox, inlineStack, pulumiBinary, storedState, type EngineSandbox } from "../support/engine";
import { generatedTopology, logtoStackConfig, topologyProgram } from "../support/topology";

/**
 * Every secret value this package handles (the bootstrap secret, each app's secret, extra named secrets,
 * Management API access tokens) is searched for, in plaintext, in everything a user or a CI log can see:
 * `pulumi stack export`, the stored state, `pulumi stack output`, the CLI's output and verbose engine and
 * provider logs (-v=9, log flow to plugins, --debug), and the messages of failed runs. 0 occurrences.
 */
const execFileAsync = promisify(execFile);
/** A JWT (header.payload.): any access token, whoever requested it. */
const jwtPattern = /eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\./g;
const verbose = { logVerbosity: 9, logToStdErr: true, logFlow: true, debug: true } as const;

/**
 * Pulumi's own RPC traces, which print every property in plaintext, secrets included, whatever the provider:
 * the engine's `-v=9` "(Un)marshaling property for RPC[...]" lines, and the Node SDK's `--debug`
 * "RegisterResource RPC finished ... resp:" lines. They are Pulumi's documented behaviour at those levels (its
 * troubleshooting guide warns that verbose logs may hold secrets), not this package's; they are left out of
 * the scan and counted apart (`engineTraceLeaks`), so that everything the package itself writes is still checked.
 */
const engineTrace = /(Un)?[Mm]arshaling property for RPC\[|RPC finished: .*; err: .*, resp: /;
function withoutEngineTraces(item: { where: string; text: string }): { where: string; text: string }[] {
    return [{ where: item.where, text: item.text.split("\n").filter((line) => !engineTrace.test(line)).join("\n") }];
}

describe("no secret appears in plaintext in state, outputs, logs or errors", () => {
    const topology = generatedTopology(14, "secrets");
    let logto: LocalLogto;
    let sandbox: EngineSandbox;
    let stack: Stack;
    let client: ManagementClient;
    let secretName = "extra";
    /** Everything a user or a CI log could see, by where it came from. */
    const seen: { where: string; text: string }[] = [];
    const secretValues = new Set<string>();

    const program = async () => {
        const base = (await topologyProgram(topology)()) as { apps: Record<string, { appId: import("@pulumi/pulumi").Output<string> }> };
        const extra = Object.entries(base.apps).map(([name, app]) => new ApplicationSecret(`extra:${name}`, { applicationId: app.appId, name: secretName }));
        return { ...base, extraSecrets: extra.map((s) => s.value) };
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
        // The provider host inherits the CLI's environment: make the client as chatty as it can be.
        sandbox.env.PULUMI_DEBUG_COMMANDS = "true";
        stack = await inlineStack(sandbox, "secrets", "dev", program, logtoStackConfig(logto));
        client = new ManagementClient({ endpoint: logto.endpoint, appId: logto.bootstrap.appId, appSecret: logto.bootstrap.appSecret }, { budget: "off" });

        await run("up", () => stack.up(verbose));
        await run("preview", () => stack.preview(verbose));
        await run("refresh", () => stack.refresh(verbose));
        secretName = "extra-rotated"; // replaces every extra secret, create-before-delete
        await run("up (rotation)", () => stack.up(verbose));
        // Failed runs: a lost answer on a secret create, then a 500 on every app read, then a wrong bootstrap secret.
        secretName = "extra-failing";
        await run("up (500 after secret create)", () => stack.up(verbose), [{ kind: "500", method: "POST", route: "/api/applications/:id/secrets", when: "after" }]);
        await run("refresh (500 on reads)", () => stack.refresh(verbose), [{ kind: "500", method: "GET" }]);
        await stack.setConfig("logto:appSecret", { value: "wrong-bootstrap-secret-7f3a", secret: true });
        secretValues.add("wrong-bootstrap-secret-7f3a");
        secretName = "extra-wrong-bootstrap"; // a change, so that the provider needs a token
        await run("up (wrong bootstrap secret)", () => stack.up(verbose));
        await stack.setConfig("logto:appSecret", { value: logto.bootstrap.appSecret, secret: true });
        await run("up (back to the spec)", () => stack.up(verbose));

        seen.push({ where: "pulumi stack export", text: await cliStackExport(sandbox, "dev") });
        seen.push({ where: "stored state file", text: storedState(sandbox, "secrets", "dev") });
        const output = await execFileAsync(pulumiBinary(), ["stack", "output", "--json", "--stack", "dev", "--non-interactive"],
            { cwd: sandbox.workDir, env: { ...process.env, ...sandbox.env } });
        seen.push({ where: "pulumi stack output --json", text: output.stdout + output.stderr });
        // The Automation API's history shows secrets unless told not to (`--show-secrets` by default); a user's
        // `pulumi stack history` does not.
        const history = await stack.history(undefined, undefined, false);
        seen.push({ where: "stack history", text: JSON.stringify(history) });
        // A token requested as the provider does, so that at least one real token value is searched for.
        const grant = await client.requestAppToken(logto.bootstrap.appId, logto.bootstrap.appSecret, logto.managementIndicator, ["all"]);
        secretValues.add(grant.accessToken);
    });
    afterAll(async () => {
        sandbox?.cleanup();
        await logto?.close();
    });

    test("the scan covers real material: verbose logs, every secret kind, failed runs", () => {
        expect(seen.some((s) => s.where.includes("stderr") && s.text.length > 100_000)).toBe(true);
        expect(seen.filter((s) => s.where.endsWith("error")).map((s) => s.where)).toEqual(expect.arrayContaining(["refresh (500 on reads) error", "up (wrong bootstrap secret) error"]));
        // bootstrap + 1 default secret per app (+ the bootstrap's own) + extra secrets of two generations + wrong one + a token
        expect(secretValues.size).toBeGreaterThanOrEqual(1 + topology.apps.length * 3 + 2);
        const traceLines = seen.flatMap(({ text }) => text.split("\n").filter((line) => engineTrace.test(line)));
        const leaking = traceLines.filter((line) => [...secretValues].some((v) => line.includes(v)));
        console.log(`secrets scan: ${secretValues.size} secret values searched in ${seen.length} texts ` +
            `(${(seen.reduce((n, s) => n + s.text.length, 0) / 2 ** 20).toFixed(1)} MiB); Pulumi's own RPC trace lines left out: ` +
            `${traceLines.length}, of which ${leaking.length} hold a secret in plaintext (Pulumi's -v=9 / --debug behaviour)`);
    });

    test("0 plaintext occurrences of any secret value", () => {
        const found: string[] = [];
        for (const { where, text } of seen.flatMap(withoutEngineTraces)) {
            for (const value of secretValues) {
                const count = text.split(value).length - 1;
                if (count > 0) {
                    found.push(`${where}: ${count} x a secret (${value.slice(0, 4)}...)`);
                    if (process.env.LOGTO_M2M_SHOW_LEAKS === "1") {
                        const at = text.indexOf(value);
                        console.log(`${where}: ...${text.slice(Math.max(0, at - 400), at)}<SECRET>${text.slice(at + value.length, at + value.length + 200)}...`);
                    }
                }
            }
        }
        expect(found).toEqual([]);
    });

    test("0 access tokens (JWTs) anywhere", () => {
        const found = seen.flatMap(({ where, text }) => (text.match(jwtPattern) ?? []).map((m) => `${where}: ${m.slice(0, 16)}...`));
        expect(found).toEqual([]);
    });
});
