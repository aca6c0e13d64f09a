/**
 * `npm run demo`: `pulumi up` of this repo's Pulumi.yaml through the Pulumi CLI, as a user runs it (the program
 * dist/index.js applies examples/spec.yaml; local file backend), then the App IDs, how to see the secrets, a
 * verify of every app's token against the spec, and calls of the example shopping API as two of the apps. A
 * second run changes nothing.
 *
 * Logto: the one given by LOGTO_ENDPOINT + LOGTO_APP_ID + LOGTO_APP_SECRET (+ LOGTO_TENANT_ID on Logto Cloud),
 * else the local Logto, started in this process on port LOGTO_LOCAL_PORT (default 3001) with its data in
 * .local-logto/ (kept across runs, so the stack's objects are still there next time).
 *
 * Flags: --no-verify (skip the verify step and the API calls), --outputs (print the stack's outputs in full,
 * secrets masked), --destroy (remove what the demo created).
 * Env: LOGTO_M2M_SPEC (another spec file), LOGTO_M2M_STACK (stack name; default `demo` for the local Logto,
 * `demo-<host>` for a given one), PULUMI_BACKEND_URL
 * (default file://<repo>/.pulumi-state), PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE.
 */
import { execFile, spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { verifyStackOutputs, requestClientCredentialsToken, type VerifiableApp } from "../component/verify";

const repoRoot = path.resolve(__dirname, "..", "..");
const projectName = "logto-m2m";

interface Target {
    endpoint: string;
    appId: string;
    appSecret: string;
    tenantId?: string;
    describe: string;
    close(): Promise<void>;
}

function say(line = ""): void {
    process.stdout.write(`${line}\n`);
}

async function logtoTarget(): Promise<Target> {
    const env = process.env;
    if (env.LOGTO_ENDPOINT?.trim()) {
        if (!env.LOGTO_APP_ID?.trim() || !env.LOGTO_APP_SECRET?.trim()) {
            throw new Error("LOGTO_ENDPOINT is set: set LOGTO_APP_ID and LOGTO_APP_SECRET too (an M2M app holding the Management API's `all`)");
        }
        return {
            endpoint: env.LOGTO_ENDPOINT.trim(), appId: env.LOGTO_APP_ID.trim(), appSecret: env.LOGTO_APP_SECRET.trim(),
            ...(env.LOGTO_TENANT_ID?.trim() ? { tenantId: env.LOGTO_TENANT_ID.trim() } : {}),
            describe: `Logto at ${env.LOGTO_ENDPOINT.trim()}`,
            close: async () => {},
        };
    }
    // Loaded only when needed: a demo against a real Logto does not start the local one.
    const { startLocalLogto } = await import("../local-logto");
    const port = Number(env.LOGTO_LOCAL_PORT ?? 3001);
    const dataDir = path.join(repoRoot, ".local-logto");
    try {
        const local = await startLocalLogto({ port, dataDir });
        return { ...local.bootstrap, endpoint: local.endpoint, describe: `the local Logto at ${local.endpoint} (data in .local-logto/)`, close: () => local.close() };
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
            throw new Error(`port ${port} is in use: stop what listens there or set LOGTO_LOCAL_PORT ` +
                "(the stack keeps the endpoint in its config, so keep one port across runs)");
        }
        throw error;
    }
}

/** The Pulumi environment of the project's setup, filled in when the demo runs outside `npm run`. */
function pulumiEnv(): Record<string, string> {
    const state = path.join(repoRoot, ".pulumi-state");
    mkdirSync(state, { recursive: true });
    const env: Record<string, string> = {
        PULUMI_BACKEND_URL: process.env.PULUMI_BACKEND_URL ?? `file://${state}`,
        PULUMI_SKIP_UPDATE_CHECK: "true",
    };
    if (process.env.PULUMI_CONFIG_PASSPHRASE !== undefined) env.PULUMI_CONFIG_PASSPHRASE = process.env.PULUMI_CONFIG_PASSPHRASE;
    else if (process.env.PULUMI_CONFIG_PASSPHRASE_FILE !== undefined) env.PULUMI_CONFIG_PASSPHRASE_FILE = process.env.PULUMI_CONFIG_PASSPHRASE_FILE;
    else {
        // As scripts/setup.sh does: a random passphrase kept beside the state.
        const file = path.join(state, "passphrase");
        if (!existsSync(file)) writeFileSync(file, randomBytes(24).toString("base64url"), { mode: 0o600 });
        env.PULUMI_CONFIG_PASSPHRASE_FILE = file;
    }
    if (process.env.PULUMI_HOME !== undefined) env.PULUMI_HOME = process.env.PULUMI_HOME;
    return env;
}

/** The CLI that setup chose (beside it the language host and the dynamic-provider launcher), else PATH's. */
const pulumiBin = process.env.PULUMI_CLI ?? "pulumi";

class PulumiFailed extends Error {}

/** A `pulumi` command in the repo (the project of Pulumi.yaml) whose output is the demo's own (progress). */
function pulumiShown(args: string[], env: Record<string, string>): Promise<void> {
    return new Promise((resolve, reject) => {
        const child = spawn(pulumiBin, args, { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ["ignore", "inherit", "inherit"] });
        child.once("error", reject);
        child.once("exit", (code) => (code === 0 ? resolve() : reject(new PulumiFailed(`pulumi ${args[0]} failed (exit code ${code}): see its diagnostics above`))));
    });
}

/** A `pulumi` command whose output the demo reads (and shows only when it fails). */
function pulumiQuiet(args: string[], env: Record<string, string>): Promise<string> {
    return new Promise((resolve, reject) => {
        execFile(pulumiBin, [...args, "--non-interactive"], { cwd: repoRoot, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 },
            (error, stdout, stderr) => (error ? reject(new PulumiFailed(`pulumi ${args.join(" ")}: ${stderr.trim() || error.message}`)) : resolve(stdout)));
    });
}

/**
 * The stack selected (created on the first run) with the Logto connection and the spec in its config
 * (Pulumi.<stack>.yaml, git-ignored). A stack config left by the former Automation API demo in
 * .pulumi-state/demo-project holds the stack's encryption salt: it is taken over.
 */
async function prepareStack(stackName: string, target: Target, specFile: string, env: Record<string, string>): Promise<void> {
    const configFile = path.join(repoRoot, `Pulumi.${stackName}.yaml`);
    const former = path.join(repoRoot, ".pulumi-state", "demo-project", `Pulumi.${stackName}.yaml`);
    if (!existsSync(configFile) && existsSync(former)) copyFileSync(former, configFile);
    await pulumiQuiet(["stack", "select", "--create", stackName], env);
    const settings = [
        "--plaintext", `logto:endpoint=${target.endpoint}`,
        "--plaintext", `logto:appId=${target.appId}`,
        "--secret", `logto:appSecret=${target.appSecret}`,
        "--plaintext", `logto-m2m:specFile=${path.relative(repoRoot, specFile)}`,
    ];
    if (target.tenantId !== undefined) settings.push("--plaintext", `logto:tenantId=${target.tenantId}`);
    await pulumiQuiet(["config", "set-all", "--stack", stackName, ...settings], env);
}

/** `pulumi stack output --json` as the Automation API's OutputMap shape, which verify takes. */
async function stackOutputs(stackName: string, env: Record<string, string>, showSecrets: boolean): Promise<Record<string, { value: unknown }>> {
    const args = ["stack", "output", "--json", "--stack", stackName, ...(showSecrets ? ["--show-secrets"] : [])];
    const plain = JSON.parse(await pulumiQuiet(args, env)) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(plain).map(([key, value]) => [key, { value }]));
}

/** A command line as a shell reads it (words with spaces or shell characters quoted). */
function shellWords(words: string[]): string {
    return words.map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, "'\\''")}'`)).join(" ");
}

/** The guide's last section, live: two apps call the example API with their own tokens. */
async function callShoppingApi(endpoint: string, apps: Record<string, VerifiableApp>): Promise<void> {
    const { createShoppingApi } = await import("../examples/shopping-api/server");
    const server = createShoppingApi({ endpoint, indicator: "https://shopping.api" });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
        for (const [name, app] of Object.entries(apps)) {
            const held = app.resources["https://shopping.api"];
            if (held === undefined) continue;
            const token = await requestClientCredentialsToken({ ...app, resource: "https://shopping.api", scopes: held });
            const auth = { authorization: `Bearer ${token.accessToken}` };
            const read = await fetch(`${base}/products`, { headers: auth });
            const write = await fetch(`${base}/products`, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ name: `from ${name}` }) });
            say(`  ${name} (scope "${token.scope.join(" ")}"): GET /products -> ${read.status}, POST /products -> ${write.status}`);
        }
    } finally {
        server.close();
    }
}

async function main(): Promise<number> {
    const args = new Set(process.argv.slice(2));
    const verify = !args.has("--no-verify") && process.env.LOGTO_M2M_VERIFY !== "0";
    const specFile = path.resolve(repoRoot, process.env.LOGTO_M2M_SPEC ?? "examples/spec.yaml");
    const env = pulumiEnv();
    const target = await logtoTarget();
    // One stack per Logto: a stack's state only makes sense against the Logto that holds its objects.
    const stackName = process.env.LOGTO_M2M_STACK
        ?? (process.env.LOGTO_ENDPOINT?.trim() ? `demo-${new URL(target.endpoint).host.replace(/[^A-Za-z0-9]+/g, "-")}` : "demo");
    try {
        say(`Logto: ${target.describe}`);
        say(`Spec: ${path.relative(repoRoot, specFile)}; stack ${projectName}/${stackName}, backend ${env.PULUMI_BACKEND_URL}`);
        await prepareStack(stackName, target, specFile, env);

        if (args.has("--destroy")) {
            say(`\n$ pulumi destroy --yes --skip-preview --stack ${stackName}`);
            await pulumiShown(["destroy", "--yes", "--skip-preview", "--stack", stackName], env);
            return 0;
        }

        // The users' road: the CLI runs Pulumi.yaml's program (dist/index.js) through the Node.js language host.
        say(`\n$ pulumi up --yes --skip-preview --suppress-outputs --stack ${stackName}`);
        await pulumiShown(["up", "--yes", "--skip-preview", "--suppress-outputs", "--stack", stackName], env);
        const outputs = await stackOutputs(stackName, env, true);
        const apps = (outputs.apps?.value ?? {}) as Record<string, VerifiableApp>;
        say("\nApp IDs:");
        for (const [name, app] of Object.entries(apps)) {
            const holds = Object.entries(app.resources).map(([ind, perms]) => `${ind} [${perms.join(" ")}]`).join(", ");
            say(`  ${name.padEnd(20)} ${app.appId}   ${holds || "(no permissions)"}`);
        }
        say(`Token endpoint: ${outputs.tokenEndpoint?.value as string}`);
        if (args.has("--outputs")) {
            say("\nStack outputs (secrets masked):");
            say(JSON.stringify(Object.fromEntries(Object.entries(await stackOutputs(stackName, env, false)).map(([k, v]) => [k, v.value])), null, 2));
        }
        const passphrase = env.PULUMI_CONFIG_PASSPHRASE_FILE ? `PULUMI_CONFIG_PASSPHRASE_FILE=${env.PULUMI_CONFIG_PASSPHRASE_FILE}` : "PULUMI_CONFIG_PASSPHRASE=<yours>";
        say("\nThe App Secrets are stack outputs (encrypted in the state). To see them, from any folder:");
        say(`  ${shellWords([`PULUMI_BACKEND_URL=${env.PULUMI_BACKEND_URL!}`, passphrase])} \\`);
        say(`    ${shellWords([pulumiBin.includes("/") ? path.resolve(pulumiBin) : pulumiBin, "stack", "output", "apps", "--show-secrets", "--stack", stackName, "--cwd", repoRoot])}`);

        if (verify) {
            const checks = await verifyStackOutputs(outputs);
            say(`\nverify: ${checks.length} token checks match the spec`);
            for (const c of checks) say(`  ${c.app.padEnd(20)} ${c.resource}: ${c.granted.join(" ") || "(none)"}`);
            say("\nThe example shopping API (GET needs read:products, POST needs write:products):");
            await callShoppingApi(target.endpoint, apps);
        }
        return 0;
    } finally {
        await target.close();
    }
}

main().then((code) => process.exit(code), (error: unknown) => {
    // A failed pulumi command's own output (streamed above) holds its diagnostics; the message says which failed.
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`\ndemo failed: ${message}\n`);
    process.exit(1);
});
