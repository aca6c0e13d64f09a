/**
 * Management API calls and token requests of each operation on the example topology (examples/spec.yaml: one
 * API with two permissions, two roles, three apps of which one uses the preconfigured "Logto Management API
 * access" role, one extra secret), counted by an in-process local Logto, beside the minimum possible.
 * Also the state bytes per resource of that stack and the provider host's peak memory.
 * Usage: node dist/scripts/bench-calls.js
 */
import * as pulumi from "@pulumi/pulumi";
import { startLocalLogto } from "../local-logto";
import { ApiResource } from "../providers/apiResource";
import { ApiScope } from "../providers/apiScope";
import { ApplicationSecret } from "../providers/applicationSecret";
import { getRoleByName } from "../providers/lookups";
import { M2MApplication } from "../providers/m2mApplication";
import { M2MRole } from "../providers/m2mRole";
import { engineSandbox, inlineStack, storedState } from "../test/support/engine";
import { logtoStackConfig } from "../test/support/topology";
import { describeMachine, measure, mib, printTable, runBench } from "./bench/harness";
import { stateBytesPerResource } from "./bench/scale";

/** The example spec, written with the resources directly (what the spec component declares for it). */
function exampleProgram(readerPermissions: () => string[]): () => Promise<Record<string, unknown>> {
    return async () => {
        const shopping = new ApiResource("shopping", { name: "Shopping API", indicator: "https://shopping.api", accessTokenTtl: 3600 });
        const read = new ApiScope("read:products", { resourceId: shopping.id, name: "read:products", description: "Read the product catalogue" });
        const write = new ApiScope("write:products", { resourceId: shopping.id, name: "write:products", description: "Change the product catalogue" });
        const ids: Record<string, pulumi.Output<string>> = { "read:products": read.id, "write:products": write.id };
        const reader = new M2MRole("shopping-reader", { name: "shopping-reader", description: "Reads the product catalogue", scopeIds: readerPermissions().map((p) => ids[p]) });
        const editor = new M2MRole("shopping-editor", { name: "shopping-editor", description: "Reads and changes the product catalogue", scopeIds: [read.id, write.id] });
        // Scenario 1 of Logto's guide: the preconfigured role, looked up (it may have been edited or deleted).
        const managementRole = await getRoleByName("Logto Management API access");
        if (managementRole === undefined) throw new Error("no role named Logto Management API access");
        const bot = new M2MApplication("provisioning-bot", { name: "provisioning-bot", description: "Provisions tenants through the Logto Management API", roleIds: [managementRole.id] });
        const storefront = new M2MApplication("storefront", { name: "storefront", description: "Shows the catalogue; reads products only", roleIds: [reader.id] });
        const sync = new M2MApplication("catalogue-sync", { name: "catalogue-sync", description: "Imports products from the ERP", roleIds: [editor.id] });
        const ci = new ApplicationSecret("catalogue-sync:ci", { applicationId: sync.appId, name: "ci", expiresAt: "2030-01-01" });
        return { bot: bot.appId, storefront: storefront.appId, sync: sync.appId, ci: ci.value };
    };
}

/**
 * The fewest calls each operation could make, given Logto's API (FACTS.md). `up` and `preview` run the program,
 * whose lookup of the preconfigured role costs 1 GET and, in a real `pulumi up` (a fresh program process), 1
 * token; here the program runs inline in this process, whose client reuses its token across runs. `refresh` and
 * `destroy` do not run the program. The provider host is one process per run: 1 token when it calls Logto at all.
 */
const minimum: Record<string, { api: number; tokens: number; why: string }> = {
    "create": { api: 18, tokens: 2, why: "1 role lookup; POST resource, 2 permissions, 2 roles, 2 role-permission sets, 3 apps, 3 app-role sets, 1 secret; 3 GET secrets (the Default secret's value)" },
    "no-op up": { api: 1, tokens: 1, why: "the program's role lookup only (0 without a lookup)" },
    "preview (no change)": { api: 1, tokens: 1, why: "the program's role lookup only (0 without a lookup)" },
    "refresh": { api: 17, tokens: 1, why: "GET resource, 2 x list permissions, 2 x (role + its permissions), 3 x (app + its roles + its secrets), 1 x secrets" },
    "one change (add a permission to a role)": { api: 2, tokens: 2, why: "lookup; POST /roles/{id}/scopes" },
    "destroy": { api: 9, tokens: 1, why: "DELETE secret, 3 apps, 2 roles, 2 permissions, 1 resource" },
};

runBench(async () => {
    console.log(`machine: ${describeMachine()}`);
    const logto = await startLocalLogto({ port: 0 });
    const sandbox = engineSandbox();
    let readerPermissions = ["read:products"];
    try {
        const stack = await inlineStack(sandbox, "example", "dev", exampleProgram(() => readerPermissions), logtoStackConfig(logto));
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
        readerPermissions = ["read:products", "write:products"];
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
