/**
 * Management API calls and token requests of each operation on the example topology (examples/spec.yaml through
 * the `LogtoM2M` component: one API with two permissions, two roles, three apps of which one holds the
 * preconfigured "Logto Management API access" role, one extra secret), counted by an in-process local Logto,
 * beside the minimum possible.
 * Also the state bytes per resource of that stack and the provider host's peak memory.
 * Usage: node dist/scripts/bench-calls.js
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { LogtoM2M } from "../component/logtoM2M";
import { startLocalLogto } from "../local-logto";
import { engineSandbox, inlineStack, repoRoot, storedState } from "../test/support/engine";
import { logtoStackConfig } from "../test/support/topology";
import { describeMachine, measure, mib, printTable, runBench } from "./bench/harness";
import { stateBytesPerResource } from "./bench/scale";

interface ExampleSpec {
    roles: { name: string; permissions: { resource: string; permissions: string[] }[] }[];
}

/** examples/spec.yaml through the spec component, as the demo and a platform repo use it. */
function exampleProgram(spec: () => ExampleSpec): () => Promise<Record<string, unknown>> {
    return async () => {
        const m2m = new LogtoM2M("m2m", { spec: spec() });
        return { apps: Object.fromEntries(Object.entries(m2m.apps).map(([name, app]) => [name, app.appId])) };
    };
}

/**
 * The fewest calls each operation could make, given Logto's API (FACTS.md): the 17 objects' writes and reads
 * (POST resource, 2 permissions, 2 roles, 2 role-permission sets, 3 apps, 3 app-role sets, 1 secret; 3 GET of
 * each new app's secrets, the only way to learn its "Default secret"), plus what referencing the preconfigured
 * "Logto Management API access" role needs (find it by name, read its permissions for the app's outputs). The
 * provider host is one process per run: 1 token when it calls Logto at all, 0 otherwise.
 */
const minimum: Record<string, { api: number; tokens: number; why: string }> = {
    "create": { api: 19, tokens: 1, why: "17 for the objects + 2 for the referenced role (find by name, its permissions)" },
    "no-op up": { api: 0, tokens: 0, why: "nothing changed" },
    "preview (no change)": { api: 0, tokens: 0, why: "nothing changed" },
    "refresh": { api: 17, tokens: 1, why: "GET resource, 1 listing of its permissions, 2 x (role + its permissions), 3 x (app + its roles + its secrets, the listing its secret shares), referenced role + its permissions" },
    "one change (add a permission to a role)": { api: 1, tokens: 1, why: "POST /roles/{id}/scopes" },
    "destroy": { api: 6, tokens: 1, why: "DELETE 3 apps, 2 roles, 1 resource (Logto deletes the permissions and the secret along; the referenced role stays)" },
};

runBench(async () => {
    console.log(`machine: ${describeMachine()}`);
    const logto = await startLocalLogto({ port: 0 });
    const sandbox = engineSandbox();
    const spec = parse(readFileSync(path.join(repoRoot, "examples", "spec.yaml"), "utf8")) as ExampleSpec;
    try {
        const stack = await inlineStack(sandbox, "example", "dev", exampleProgram(() => spec), logtoStackConfig(logto));
        const rows: (string | number)[][] = [];
        let peak = 0;
        let stateBytes = { compact: 0, file: 0 };
        const count = async (operation: string, run: () => Promise<unknown>) => {
            logto.counters.reset();
            const measured = await measure(run);
            peak = Math.max(peak, measured.providerPeakBytes);
            const { api, token, byRoute } = logto.counters.snapshot();
            const min = minimum[operation];
            rows.push([operation, api, min.api, token, min.tokens, measured.seconds.toFixed(1), Object.entries(byRoute).map(([r, n]) => `${n} ${r}`).join("; ")]);
        };
        await count("create", () => stack.up());
        stateBytes = stateBytesPerResource(storedState(sandbox, "example", "dev"));
        await count("no-op up", () => stack.up());
        await count("preview (no change)", () => stack.preview());
        await count("refresh", () => stack.refresh());
        const reader = spec.roles.find((r) => r.name === "shopping-reader")!;
        reader.permissions[0].permissions = [...reader.permissions[0].permissions, "write:products"];
        await count("one change (add a permission to a role)", () => stack.up());
        await count("destroy", () => stack.destroy());
        printTable("Example topology (examples/spec.yaml): requests to Logto per operation",
            ["operation", "API calls", "minimum", "token requests", "minimum", "wall s", "calls by route"], rows);
        console.log("\nMinimum counts, by operation:");
        for (const [op, m] of Object.entries(minimum)) console.log(`- ${op}: ${m.api} API / ${m.tokens} token: ${m.why}`);
        console.log(`\nstate bytes per resource (example stack): ${stateBytes.compact.toFixed(0)} compact JSON, ${stateBytes.file.toFixed(0)} of the stored file`);
        console.log(`provider host peak memory: ${mib(peak)} MiB`);
    } finally {
        sandbox.cleanup();
        await logto.close();
    }
});
