#!/usr/bin/env node
/**
 * `npm run logto:local`: a local Logto on 127.0.0.1:3001 with its data in ./.local-logto.
 *
 *   node dist/local-logto/main.js [--port N] [--host H] [--allow-remote] [--data-dir D] [--control]
 *                                 [--faults JSON] [--token-ttl SECONDS] [--quiet]
 *
 * Env: LOCAL_LOGTO_PORT, LOCAL_LOGTO_HOST, LOCAL_LOGTO_DATA_DIR, LOCAL_LOGTO_FAULTS (JSON array of fault
 * rules), LOCAL_LOGTO_TOKEN_TTL (seconds). Flags win over env. The control API is only switched on by
 * --control (never by the environment); its token is written to <data dir>/control-token (mode 0600).
 */
import { parseArgs } from "node:util";
import { parseFaultRules } from "./options";
import { launchLocalLogto } from "./server";

function fail(message: string): never {
    process.stderr.write(`local-logto: ${message}\n`);
    process.exit(2);
}

function parseIntegerOption(name: string, value: string | undefined, min: number): number | undefined {
    if (value === undefined || value === "") return undefined;
    if (!/^\d+$/.test(value) || Number(value) < min) fail(`${name} must be an integer >= ${min}, got "${value}"`);
    return Number(value);
}

async function main(): Promise<void> {
    const { values } = parseArgs({
        options: {
            port: { type: "string" },
            host: { type: "string" },
            "allow-remote": { type: "boolean" },
            "data-dir": { type: "string" },
            control: { type: "boolean" },
            faults: { type: "string" },
            "token-ttl": { type: "string" },
            quiet: { type: "boolean" },
            help: { type: "boolean" },
        },
    });
    if (values.help) {
        process.stdout.write("usage: local-logto [--port N] [--host H] [--allow-remote] [--data-dir D] [--control] [--faults JSON] [--token-ttl S] [--quiet]\n");
        return;
    }
    const env = process.env;
    const port = parseIntegerOption("--port", values.port ?? env.LOCAL_LOGTO_PORT, 0) ?? 3001;
    const faultsText = values.faults ?? env.LOCAL_LOGTO_FAULTS;
    let faults;
    try {
        faults = faultsText ? parseFaultRules(faultsText) : undefined;
    } catch (error) {
        fail(`invalid fault rules: ${(error as Error).message}`);
    }
    const quiet = values.quiet ?? false;

    if (env.LOCAL_LOGTO_CONTROL !== undefined && values.control !== true) {
        process.stderr.write("local-logto: LOCAL_LOGTO_CONTROL is ignored: the control API is switched on by --control only\n");
    }
    const { logto, dataDir, seededNow, bootstrapFile, controlTokenFile } = await launchLocalLogto({
        port,
        host: values.host ?? env.LOCAL_LOGTO_HOST ?? "127.0.0.1",
        dataDir: values["data-dir"] ?? env.LOCAL_LOGTO_DATA_DIR ?? ".local-logto",
        controlApi: values.control === true,
        allowRemote: values["allow-remote"] === true,
        faults,
        tokenTtlOverrideSeconds: parseIntegerOption("--token-ttl", values["token-ttl"] ?? env.LOCAL_LOGTO_TOKEN_TTL, 1),
        // Warnings reach stderr even with --quiet.
        log: (line) => (line.startsWith("WARNING") ? process.stderr.write(`local-logto: ${line}\n`) : quiet ? true : process.stdout.write(`${line}\n`)),
    });

    // Handlers first: whoever reads the banner below may signal at once, and an unhandled SIGTERM would kill
    // the process without closing the store.
    let stopping = false;
    const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        process.stdout.write(`Received ${signal}, stopping\n`);
        logto.close().then(
            () => process.exit(0),
            (error: unknown) => {
                process.stderr.write(`local-logto: ${(error as Error).message}\n`);
                process.exit(1);
            },
        );
    };
    process.on("SIGINT", () => stop("SIGINT"));
    process.on("SIGTERM", () => stop("SIGTERM"));

    process.stdout.write(`Local Logto listening on ${logto.endpoint}\n`);
    process.stdout.write(`Management API indicator: ${logto.managementIndicator}\n`);
    if (seededNow) {
        // Printed once, on the first start of a data dir, like the console shows a new app's secret once.
        process.stdout.write(`Bootstrap M2M app (holds "Logto Management API access"):\n`);
        process.stdout.write(`  App ID:     ${logto.bootstrap.appId}\n`);
        process.stdout.write(`  App secret: ${logto.bootstrap.appSecret}\n`);
    } else {
        process.stdout.write(`Bootstrap M2M app: ${logto.bootstrap.appId} (secret in ${bootstrapFile})\n`);
    }
    if (controlTokenFile !== undefined) process.stdout.write(`Control API: on (bearer token in ${controlTokenFile})\n`);
    process.stdout.write(`Data: ${dataDir} (credentials: ${bootstrapFile})\n`);
}

main().catch((error: unknown) => fail((error as Error).stack ?? String(error)));
