import * as pulumi from "@pulumi/pulumi";
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../support/engine";
import type { LogtoTarget } from "../support/logtoTarget";
import { parseSpecYaml } from "../../spec/load";
import { managementIndicatorFor } from "../../spec/validate";

/** The Management API indicator of the Logto under test. */
export function managementIndicatorOf(target: LogtoTarget): string {
    return target.connection.managementIndicator ?? managementIndicatorFor(target.connection.tenantId);
}

/** The names of the example spec, as this run uses them (tagged with the run id against a shared Logto). */
export interface ExampleNames {
    shopping: string;
    reader: string;
    editor: string;
    storefront: string;
    sync: string;
    bot: string;
}

/** The example's names for this run: as written against the local Logto, tagged with the run id elsewhere. */
export function exampleNames(target: LogtoTarget): ExampleNames {
    const tag = target.local ? "" : `-${target.runId}`;
    return {
        shopping: target.local ? "https://shopping.api" : `https://shopping.api/${target.runId}`,
        reader: `shopping-reader${tag}`,
        editor: `shopping-editor${tag}`,
        storefront: `storefront${tag}`,
        sync: `catalogue-sync${tag}`,
        bot: `provisioning-bot${tag}`,
    };
}

export interface SpecShape {
    resources: { name: string; indicator: string; accessTokenTtl?: number; permissions: unknown[] }[];
    roles: { name: string; description?: string; permissions: { resource: string; permissions: string[] }[] }[];
    apps: { name: string; description?: string; roles: string[]; secrets?: unknown[] }[];
}

/**
 * examples/spec.yaml, verbatim against the local Logto (a fresh one per test file); against a Logto given by
 * LOGTO_* every name and indicator carries the run id, so the target's cleanup finds what the run left.
 */
export function exampleSpec(target: LogtoTarget): { spec: SpecShape; names: ExampleNames } {
    const raw = parseSpecYaml(readFileSync(path.join(repoRoot, "examples", "spec.yaml"), "utf8"), "examples/spec.yaml").raw as SpecShape;
    const tag = target.local ? "" : `-${target.runId}`;
    const names = exampleNames(target);
    if (tag === "") return { spec: raw, names };
    const rename = (s: string): string => (s === "https://shopping.api" ? names.shopping : s === "Logto Management API access" ? s : `${s}${tag}`);
    return {
        names,
        spec: {
            resources: raw.resources.map((r) => ({ ...r, indicator: rename(r.indicator) })),
            roles: raw.roles.map((r) => ({ ...r, name: rename(r.name), permissions: r.permissions.map((g) => ({ ...g, resource: rename(g.resource) })) })),
            apps: raw.apps.map((a) => ({ ...a, name: rename(a.name), roles: a.roles.map(rename) })),
        },
    };
}

export function clone<T>(value: T): T {
    return JSON.parse(JSON.stringify(value)) as T;
}

/** Requests to Logto's Management API that change something (anything but GET), by route. */
export function writes(byRoute: Record<string, number>): Record<string, number> {
    return Object.fromEntries(Object.entries(byRoute).filter(([route]) => !route.startsWith("GET ")));
}

export interface RunningApi {
    url: string;
    stop(): Promise<void>;
}

/**
 * The example shopping API as a user runs it: its own Node process (jose is an ES module, which Jest's module
 * loader cannot `require`; plain Node can).
 */
export async function startShoppingApi(endpoint: string, indicator: string): Promise<RunningApi> {
    const child: ChildProcess = spawn(process.execPath, [path.join(repoRoot, "dist", "examples", "shopping-api", "main.js")], {
        env: { ...process.env, LOGTO_ENDPOINT: endpoint, SHOPPING_API_INDICATOR: indicator, PORT: "0", HOST: "127.0.0.1" },
        stdio: ["ignore", "pipe", "pipe"],
    });
    const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        let err = "";
        child.stdout!.on("data", (chunk: Buffer) => {
            out += chunk.toString();
            const match = /listening on (http:\/\/\S+)/.exec(out);
            if (match) resolve(match[1]!);
        });
        child.stderr!.on("data", (chunk: Buffer) => (err += chunk.toString()));
        child.on("exit", (code) => reject(new Error(`the shopping API exited (${code}): ${err}`)));
    });
    return {
        url,
        stop: () => new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once("exit", () => resolve());
            child.kill("SIGTERM");
        }),
    };
}

/**
 * A program whose error is reported as an error diagnostic instead of a rejection. The up fails the same way
 * (the Automation API fails a run that logged errors), but Pulumi's inline runner leaves a thrown error's promise
 * unhandled, which Jest counts as a failure of the whole test file.
 */
export function reportingErrors<T>(program: () => Promise<T>): () => Promise<T | undefined> {
    return async () => {
        try {
            return await program();
        } catch (error) {
            pulumi.log.error((error as Error).message);
            return undefined;
        }
    };
}
