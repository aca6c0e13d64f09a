import * as pulumi from "@pulumi/pulumi";
import type { ConfigMap } from "@pulumi/pulumi/automation";
import { ManagementClient } from "../../client";
import { startLocalLogto, type LocalLogto } from "../../local-logto";
import { ApiResource } from "../../providers/apiResource";
import { ApiScope } from "../../providers/apiScope";
import { ApplicationSecret } from "../../providers/applicationSecret";
import { M2MApplication } from "../../providers/m2mApplication";
import { M2MRole } from "../../providers/m2mRole";
import { validateSpec } from "../../spec";
import { engineSandbox, inlineStack, type EngineSandbox } from "../support/engine";
import { specReferenceMistakes, specShapeMistakes } from "../support/badSpecs";
import { logtoStackConfig } from "../support/topology";

/**
 * The bad-input matrix: every kind of mistake a user can make in resource args or stack config fails with a
 * message naming the field or setting, and Logto receives no write (counted by the local Logto). Each case is one
 * `up` through the engine: resource args fail in the provider's `check`, config mistakes at the first operation
 * that needs Logto, before any request that writes.
 */

// Values a typed program cannot write; a YAML program or a JavaScript caller can.
const wrong = <T>(value: unknown): T => value as T;
const fakeId = "abcdefghijklmnopqrstu";
const long = (n: number): string => "x".repeat(n);

interface ArgCase {
    kind: string;
    /** The property the failure must name. */
    property: string;
    /** What the reason must say, where the rule is not obvious from the property. */
    reason?: RegExp;
    declare: (name: string) => pulumi.CustomResource;
}

const argCases: ArgCase[] = [
    { kind: "API resource with an empty name", property: "name", declare: (n) => new ApiResource(n, { name: "", indicator: `https://${n}.example` }) },
    { kind: "indicator that is not a URI", property: "indicator", declare: (n) => new ApiResource(n, { name: n, indicator: "not a uri" }) },
    { kind: "indicator with a fragment", property: "indicator", declare: (n) => new ApiResource(n, { name: n, indicator: `https://${n}.example#frag` }) },
    { kind: "indicator with whitespace", property: "indicator", declare: (n) => new ApiResource(n, { name: n, indicator: `https://${n}.example/a b` }) },
    { kind: "accessTokenTtl as a string", property: "accessTokenTtl", declare: (n) => new ApiResource(n, { name: n, indicator: `https://${n}.example`, accessTokenTtl: wrong("3600") }) },
    { kind: "accessTokenTtl of 0", property: "accessTokenTtl", declare: (n) => new ApiResource(n, { name: n, indicator: `https://${n}.example`, accessTokenTtl: 0 }) },
    { kind: "accessTokenTtl over 30 days", property: "accessTokenTtl", declare: (n) => new ApiResource(n, { name: n, indicator: `https://${n}.example`, accessTokenTtl: 31 * 24 * 3600 }) },
    { kind: "adopt as a string", property: "adopt", declare: (n) => new ApiResource(n, { name: n, indicator: `https://${n}.example`, adopt: wrong("yes") }) },
    { kind: "permission name with a space", property: "name", declare: (n) => new ApiScope(n, { resourceId: fakeId, name: "read products" }) },
    { kind: "permission name with a tab", property: "name", declare: (n) => new ApiScope(n, { resourceId: fakeId, name: "read\tproducts" }) },
    { kind: "permission name over 256 characters", property: "name", declare: (n) => new ApiScope(n, { resourceId: fakeId, name: long(257) }) },
    { kind: "permission with an empty resourceId", property: "resourceId", declare: (n) => new ApiScope(n, { resourceId: "", name: "read:x" }) },
    { kind: "permission description as a number", property: "description", declare: (n) => new ApiScope(n, { resourceId: fakeId, name: "read:x", description: wrong(42) }) },
    { kind: "role name over 128 characters", property: "name", declare: (n) => new M2MRole(n, { name: long(129), description: "d", scopeIds: [] }) },
    { kind: "role without a description", property: "description", declare: (n) => new M2MRole(n, { name: n, description: "", scopeIds: [] }) },
    { kind: "role description over 128 characters", property: "description", declare: (n) => new M2MRole(n, { name: n, description: long(129), scopeIds: [] }) },
    { kind: "role scopeIds not a list", property: "scopeIds", declare: (n) => new M2MRole(n, { name: n, description: "d", scopeIds: wrong(fakeId) }) },
    { kind: "role with a permission listed twice", property: "scopeIds", reason: new RegExp(`property scopeIds value \\{\\[\\{${fakeId}\\} \\{${fakeId}\\}\\]\\} has a problem: scopeIds\\[1\\]: the same id as scopeIds\\[0\\]: list each id once`), declare: (n) => new M2MRole(n, { name: n, description: "d", scopeIds: [fakeId, fakeId] }) },
    { kind: "role name of 65 rocket emoji (130 UTF-16 code units)", property: "name", reason: /at most 128 characters \(Logto's limit, counted in UTF-16 code units/, declare: (n) => new M2MRole(n, { name: "\u{1F680}".repeat(65), description: "d", scopeIds: [] }) },
    { kind: "role name with a NUL character", property: "name", reason: /NUL character/, declare: (n) => new M2MRole(n, { name: `${n}\u0000`, description: "d", scopeIds: [] }) },
    { kind: "permission name with a NUL character", property: "name", reason: /NUL character/, declare: (n) => new ApiScope(n, { resourceId: fakeId, name: "read:\u0000" }) },
    { kind: "permission description with a NUL character", property: "description", reason: /NUL character/, declare: (n) => new ApiScope(n, { resourceId: fakeId, name: "read:x", description: "\u0000" }) },
    { kind: "permission name as a number", property: "name", reason: /must be a string, not the number 7/, declare: (n) => new ApiScope(n, { resourceId: fakeId, name: wrong(7) }) },
    { kind: "role name reserved by Logto (#internal:)", property: "name", declare: (n) => new M2MRole(n, { name: "#internal:admin", description: "d", scopeIds: [] }) },
    { kind: "app with an empty name", property: "name", declare: (n) => new M2MApplication(n, { name: "", roleIds: [] }) },
    { kind: "app name over 256 characters", property: "name", declare: (n) => new M2MApplication(n, { name: long(257), roleIds: [] }) },
    { kind: "app roleId with a slash", property: "roleIds", reason: /roleIds\[0\]: roleId must be a Logto id/, declare: (n) => new M2MApplication(n, { name: n, roleIds: ["a/b"] }) },
    { kind: "app customData as a list", property: "customData", declare: (n) => new M2MApplication(n, { name: n, roleIds: [], customData: wrong(["a"]) }) },
    { kind: "app customData over 4 KB", property: "customData", declare: (n) => new M2MApplication(n, { name: n, roleIds: [], customData: { blob: long(5000) } }) },
    { kind: "app customData with the marker's key", property: "customData", reason: /customData\.__pulumiLogtoM2M: customData\.__pulumiLogtoM2M is reserved/, declare: (n) => new M2MApplication(n, { name: n, roleIds: [], customData: { __pulumiLogtoM2M: "x" } }) },
    { kind: "app customData with a NUL character", property: "customData", reason: /customData\.team: customData must not contain a NUL character/, declare: (n) => new M2MApplication(n, { name: n, roleIds: [], customData: { team: "a\u0000" } }) },
    { kind: "app description with a NUL character", property: "description", reason: /NUL character/, declare: (n) => new M2MApplication(n, { name: n, roleIds: [], description: "\u0000" }) },
    { kind: "app adopt without adoptAppId", property: "adoptAppId", declare: (n) => new M2MApplication(n, { name: n, roleIds: [], adopt: true }) },
    { kind: "secret with an empty name", property: "name", declare: (n) => new ApplicationSecret(n, { applicationId: fakeId, name: "" }) },
    { kind: "secret expiresAt not a date", property: "expiresAt", declare: (n) => new ApplicationSecret(n, { applicationId: fakeId, name: "ci", expiresAt: "tomorrow" }) },
    { kind: "secret name over 249 characters (Logto's 256 less the generation suffix)", property: "name", reason: /at most 249 characters/, declare: (n) => new ApplicationSecret(n, { applicationId: fakeId, name: long(250) }) },
    { kind: "secret name with a NUL character", property: "name", reason: /NUL character/, declare: (n) => new ApplicationSecret(n, { applicationId: fakeId, name: "ci\u0000" }) },
    { kind: "secret expiresAt without an offset", property: "expiresAt", reason: /has no offset: add Z/, declare: (n) => new ApplicationSecret(n, { applicationId: fakeId, name: "ci", expiresAt: "2030-01-01T00:00:00" }) },
    { kind: "secret expiresAt not a date of the calendar", property: "expiresAt", reason: /not a date of the calendar/, declare: (n) => new ApplicationSecret(n, { applicationId: fakeId, name: "ci", expiresAt: "2030-02-30" }) },
    { kind: "secret expiresAt in the past", property: "expiresAt", declare: (n) => new ApplicationSecret(n, { applicationId: fakeId, name: "ci", expiresAt: "2001-01-01" }) },
    { kind: "secret applicationId with whitespace", property: "applicationId", declare: (n) => new ApplicationSecret(n, { applicationId: "my app", name: "ci" }) },
];

interface ConfigCase {
    kind: string;
    /** What the message must contain: the setting it names. */
    names: RegExp;
    config: (logto: LocalLogto, extra: { noAllApp: { appId: string; appSecret: string } }) => ConfigMap;
}

const configCases: ConfigCase[] = [
    { kind: "no logto:endpoint", names: /logto:endpoint/, config: (l) => withoutKey(logtoStackConfig(l), "logto:endpoint") },
    { kind: "logto:endpoint not a URL", names: /logto:endpoint/, config: (l) => logtoStackConfig(l, { "logto:endpoint": { value: "logto.example" } }) },
    { kind: "logto:endpoint with a query", names: /logto:endpoint/, config: (l) => logtoStackConfig(l, { "logto:endpoint": { value: `${l.endpoint}?tenant=x` } }) },
    { kind: "no logto:appId", names: /logto:appId/, config: (l) => withoutKey(logtoStackConfig(l), "logto:appId") },
    { kind: "no logto:appSecret", names: /logto:appSecret/, config: (l) => withoutKey(logtoStackConfig(l), "logto:appSecret") },
    { kind: "wrong logto:appSecret", names: /logto:appSecret/, config: (l) => logtoStackConfig(l, { "logto:appSecret": { value: "wrong-secret-value", secret: true } }) },
    { kind: "unknown logto:appId", names: /logto:appId/, config: (l) => logtoStackConfig(l, { "logto:appId": { value: "nosuchapp0000" } }) },
    { kind: "wrong logto:endpoint (nothing listens)", names: /logto:endpoint/, config: (l) => logtoStackConfig(l, { "logto:endpoint": { value: "http://127.0.0.1:9" } }) },
    { kind: "bootstrap app whose token lacks `all`", names: /logto:appId/, config: (l, x) => logtoStackConfig(l, { "logto:appId": { value: x.noAllApp.appId }, "logto:appSecret": { value: x.noAllApp.appSecret, secret: true } }) },
    { kind: "logto:managementIndicator not the Management API", names: /logto:managementIndicator/, config: (l) => logtoStackConfig(l, { "logto:managementIndicator": { value: "https://shopping.api" } }) },
    { kind: "logto:tenantId malformed", names: /logto:tenantId/, config: (l) => logtoStackConfig(l, { "logto:tenantId": { value: "Not A Tenant!" } }) },
    { kind: "logto:adoptExisting not a boolean", names: /logto:adoptExisting/, config: (l) => logtoStackConfig(l, { "logto:adoptExisting": { value: "maybe" } }) },
];

function withoutKey(config: ConfigMap, key: string): ConfigMap {
    const copy = { ...config };
    delete copy[key];
    return copy;
}

/** Writes Logto received: anything but GET under /api. */
function writes(logto: LocalLogto): Record<string, number> {
    return Object.fromEntries(Object.entries(logto.counters.snapshot().byRoute).filter(([route]) => !route.startsWith("GET ")));
}

describe("bad input fails before anything is created, naming the field or setting", () => {
    let logto: LocalLogto;
    let sandbox: EngineSandbox;
    let noAllApp: { appId: string; appSecret: string };

    beforeAll(async () => {
        logto = await startLocalLogto({ port: 0 });
        sandbox = engineSandbox();
        // A bootstrap app that exists but holds no Management API role: its token has no `all`.
        const client = new ManagementClient({ endpoint: logto.endpoint, appId: logto.bootstrap.appId, appSecret: logto.bootstrap.appSecret }, { budget: "off" });
        const app = await client.createApplication({ name: "no-all" });
        noAllApp = { appId: app.id, appSecret: (await client.listApplicationSecrets(app.id))[0].value };
    });
    afterAll(async () => {
        sandbox?.cleanup();
        await logto?.close();
    });

    /** Runs `up` once and returns the error lines of its diagnostics (the run must fail). */
    async function failedUp(stackName: string, program: () => Promise<void>, config: ConfigMap, wholeDiagnostics = false): Promise<string> {
        const stack = await inlineStack(sandbox, "bad-input", stackName, program, config);
        logto.counters.reset();
        const error = String(await stack.up().then(() => "up succeeded", (e: unknown) => e));
        const diagnostics = error.split("Diagnostics:")[1]?.split("Resources:")[0] ?? error;
        const message = wholeDiagnostics ? diagnostics
            : [...diagnostics.matchAll(/error: (.*)/g)].map((m) => m[1]).filter((line) => line !== "update failed").join("\n");
        // A run that failed for another reason (or not at all) shows what the engine said, not an empty message.
        if (!/error: (?!update failed)/.test(diagnostics)) throw new Error(`up of ${stackName} gave no error of its own; the engine's output:\n${error}`);
        return message;
    }

    // The engine stops at the first check failure of a run (even with --continue-on-error), so each case is
    // one `up`: it fails in `check`, before any create, and the local Logto sees no write.
    argCases.forEach((c, i) => {
        test(`resource args: ${c.kind} -> names ${c.property}`, async () => {
            const name = `case-${String(i).padStart(2, "0")}`;
            const message = await failedUp(`args-${i}`, async () => void c.declare(name), logtoStackConfig(logto));
            expect(message).toContain(`resource '${name}': property ${c.property} value`);
            if (c.reason) expect(message).toMatch(c.reason);
            expect(writes(logto)).toEqual({});
        });
    });

    for (const [what, mistakes] of [["shape", specShapeMistakes], ["references", specReferenceMistakes]] as const) {
        test(`spec (${what}): ${Object.keys(mistakes.paths).length} kinds in one up, each named by its path, nothing written`, async () => {
            const message = await failedUp(`spec-${what}`, async () => {
                try {
                    validateSpec(mistakes.spec);
                } catch (error) {
                    // Reported as the program's error; not rethrown, since an inline program's rejection also
                    // reaches this (jest's) process as an unhandled error.
                    pulumi.log.error(String(error));
                    return;
                }
                new ApiResource("never", { name: "never", indicator: "https://never.example" });
            }, logtoStackConfig(logto), true);
            const missing = Object.entries(mistakes.paths).filter(([, path]) => !message.includes(path)).map(([kind, path]) => `${kind}: ${path}`);
            expect(missing).toEqual([]);
            expect(writes(logto)).toEqual({});
            expect(logto.counters.snapshot().api).toBe(0);
        });
    }

    for (const c of configCases) {
        test(`stack config: ${c.kind} -> fails before any write, naming ${c.names.source}`, async () => {
            const message = await failedUp(`config-${configCases.indexOf(c)}`, async () => {
                new ApiResource("api", { name: "api", indicator: "https://config-case.example" });
            }, c.config(logto, { noAllApp }));
            if (process.env.LOGTO_M2M_SHOW_MESSAGES === "1") console.log(`${c.kind}: ${message}`);
            expect(writes(logto)).toEqual({});
            expect(message).toMatch(c.names);
        });
    }
});
