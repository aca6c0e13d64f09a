/**
 * `npm run demo`: applies examples/spec.yaml with `pulumi up` (Automation API, inline program, local file
 * backend), prints the App IDs and how to see the secrets, verifies every app's token against the spec, and
 * calls the example shopping API as two of the apps. A second run changes nothing.
 *
 * Logto: the one given by LOGTO_ENDPOINT + LOGTO_APP_ID + LOGTO_APP_SECRET (+ LOGTO_TENANT_ID on Logto Cloud),
 * else the local Logto, started in this process on port LOGTO_LOCAL_PORT (default 3001) with its data in
 * .local-logto/ (kept across runs, so the stack's objects are still there next time).
 *
 * Flags: --no-verify (skip the verify step and the API calls), --destroy (remove what the demo created).
 * Env: LOGTO_M2M_SPEC (another spec file), LOGTO_M2M_STACK (stack name; default `demo` for the local Logto,
 * `demo-<host>` for a given one), PULUMI_BACKEND_URL
 * (default file://<repo>/.pulumi-state), PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE.
 */
import { CommandError, LocalWorkspace, PulumiCommand, type ConfigMap, type OutputMap, type Stack } from "@pulumi/pulumi/automation";
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { agentFetch } from "../client/http";
import { verifyStackOutputs, requestClientCredentialsToken, type VerifiableApp } from "../component/verify";
import { logtoM2MProgram } from "../program";

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

/**
 * The program's folder: git-ignored, holding the workspace's Pulumi.yaml and Pulumi.<stack>.yaml, with a
 * node_modules link so that Pulumi's dynamic-provider host finds `pulumi-logto-m2m` (the repo itself).
 */
function programFolder(): string {
    const dir = path.join(repoRoot, ".pulumi-state", "demo-project");
    mkdirSync(dir, { recursive: true });
    const link = path.join(dir, "node_modules");
    if (!existsSync(link)) symlinkSync(path.join(repoRoot, "node_modules"), link, "dir");
    return dir;
}

async function pulumiCommand(): Promise<PulumiCommand> {
    const cli = process.env.PULUMI_CLI;
    return PulumiCommand.get({ ...(cli ? { root: path.dirname(path.dirname(cli)) } : {}), skipVersionCheck: true });
}

function summary(changes: Record<string, number> | undefined): string {
    const entries = Object.entries(changes ?? {}).filter(([, n]) => n > 0);
    if (entries.length === 1 && entries[0]![0] === "same") return `no changes (${entries[0]![1]} resources unchanged)`;
    return entries.map(([op, n]) => `${op} ${n}`).join(", ") || "nothing";
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
            const read = await agentFetch(`${base}/products`, { headers: auth });
            const write = await agentFetch(`${base}/products`, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ name: `from ${name}` }) });
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
    const workDir = programFolder();
    const target = await logtoTarget();
    // One stack per Logto: a stack's state only makes sense against the Logto that holds its objects.
    const stackName = process.env.LOGTO_M2M_STACK
        ?? (process.env.LOGTO_ENDPOINT?.trim() ? `demo-${new URL(target.endpoint).host.replace(/[^A-Za-z0-9]+/g, "-")}` : "demo");
    try {
        say(`Logto: ${target.describe}`);
        say(`Spec: ${path.relative(repoRoot, specFile)}; stack ${projectName}/${stackName}, backend ${env.PULUMI_BACKEND_URL}`);
        const stack: Stack = await LocalWorkspace.createOrSelectStack(
            { projectName, stackName, program: () => logtoM2MProgram({ specFile }) },
            {
                workDir,
                envVars: env,
                pulumiCommand: await pulumiCommand(),
                projectSettings: { name: projectName, runtime: "nodejs", backend: { url: env.PULUMI_BACKEND_URL! } },
            },
        );
        const config: ConfigMap = {
            "logto:endpoint": { value: target.endpoint },
            "logto:appId": { value: target.appId },
            "logto:appSecret": { value: target.appSecret, secret: true },
        };
        if (target.tenantId !== undefined) config["logto:tenantId"] = { value: target.tenantId };
        await stack.setAllConfig(config);

        if (args.has("--destroy")) {
            const result = await stack.destroy({ onOutput: (line) => process.stdout.write(line) });
            say(`\ndestroy: ${summary(result.summary.resourceChanges)}`);
            return 0;
        }

        const result = await stack.up({ onOutput: (line) => process.stdout.write(line) });
        say(`\npulumi up: ${summary(result.summary.resourceChanges)}`);
        const outputs: OutputMap = await stack.outputs();
        const apps = (outputs.apps?.value ?? {}) as Record<string, VerifiableApp>;
        say("\nApp IDs:");
        for (const [name, app] of Object.entries(apps)) {
            const holds = Object.entries(app.resources).map(([ind, perms]) => `${ind} [${perms.join(" ")}]`).join(", ");
            say(`  ${name.padEnd(20)} ${app.appId}   ${holds || "(no permissions)"}`);
        }
        say(`Token endpoint: ${outputs.tokenEndpoint?.value as string}`);
        const passphrase = env.PULUMI_CONFIG_PASSPHRASE_FILE ? `PULUMI_CONFIG_PASSPHRASE_FILE=${env.PULUMI_CONFIG_PASSPHRASE_FILE}` : "PULUMI_CONFIG_PASSPHRASE=<yours>";
        say("\nThe App Secrets are stack outputs (encrypted in the state). To see them:");
        say(`  PULUMI_BACKEND_URL=${env.PULUMI_BACKEND_URL} ${passphrase} \\`);
        say(`    ${process.env.PULUMI_CLI ?? "pulumi"} stack output apps --show-secrets --stack ${stackName} --cwd ${path.relative(process.cwd(), workDir) || "."}`);

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
    // Pulumi's own output (streamed above) already holds the diagnostics of a failed command.
    const message = error instanceof CommandError ? "the pulumi command failed: see its diagnostics above"
        : error instanceof Error ? error.message : String(error);
    process.stderr.write(`\ndemo failed: ${message}\n`);
    process.exit(1);
});
