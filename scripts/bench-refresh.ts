/**
 * Management API calls and wall time of `refresh` and `destroy` for N objects through the `LogtoM2M` component,
 * counted by an in-process local Logto. Two shapes: API resources with 50 permissions each (the permissions
 * per parent that made refresh quadratic), and blocks of a resource with 10 permissions, a role, and an app with
 * a named secret (`generatedTopology`).
 * Usage: node dist/scripts/bench-refresh.js [--sizes 200,1000] [--shape permissions|blocks]
 */
import { LogtoM2M } from "../component/logtoM2M";
import { startLocalLogto } from "../local-logto";
import { engineSandbox, inlineStack } from "../test/support/engine";
import { generatedTopology, logtoStackConfig, objectCount, permissionsTopology, type Topology } from "../test/support/topology";
import { describeMachine, measure, parseBenchArgs, printTable, runBench, seconds } from "./bench/harness";

/** A topology as a spec of the component. */
function specOf(t: Topology): unknown {
    return {
        resources: t.resources.map((r) => ({ name: r.name, indicator: r.indicator, permissions: r.permissions })),
        roles: t.roles.map((role) => {
            const byResource = new Map<string, string[]>();
            for (const key of role.permissions) {
                const [indicator, permission] = key.split("|") as [string, string];
                byResource.set(indicator, [...(byResource.get(indicator) ?? []), permission]);
            }
            return { name: role.name, permissions: [...byResource].map(([resource, permissions]) => ({ resource, permissions })) };
        }),
        apps: t.apps.map((a) => ({ name: a.name, roles: a.roles, secrets: (a.secrets ?? []).map((name) => ({ name })) })),
    };
}

runBench(async () => {
    // `--shape permissions` or `--shape blocks` runs one shape only.
    const argv = process.argv.slice(2);
    const at = argv.indexOf("--shape");
    const only = at >= 0 ? argv.splice(at, 2)[1] : undefined;
    const { sizes } = parseBenchArgs(argv, [200, 1000]);
    console.log(`machine: ${describeMachine()}`);
    const rows: (string | number)[][] = [];
    const shapes = [["permissions", "resources + permissions (50 per resource)", permissionsTopology], ["blocks", "blocks (resource, 10 permissions, role, app + secret)", generatedTopology]] as const;
    for (const [key, shape, make] of shapes) {
        if (only !== undefined && only !== key) continue;
        for (const n of sizes) {
            const topology = make(n);
            const objects = objectCount(topology);
            console.log(`${shape}, ${objects} objects...`);
            const logto = await startLocalLogto({ port: 0 });
            const sandbox = engineSandbox();
            try {
                const spec = specOf(topology);
                const stack = await inlineStack(sandbox, "bench-refresh", `n${n}`, async () => { new LogtoM2M("m2m", { spec }); }, logtoStackConfig(logto));
                await stack.up();
                logto.counters.reset();
                const refresh = await measure(() => stack.refresh());
                const refreshCalls = logto.counters.snapshot();
                logto.counters.reset();
                const destroy = await measure(() => stack.destroy());
                const destroyCalls = logto.counters.snapshot();
                const row = [shape, objects, refreshCalls.api, (refreshCalls.api / objects).toFixed(2), seconds(refresh.seconds),
                    destroyCalls.api, (destroyCalls.api / objects).toFixed(2), seconds(destroy.seconds)];
                console.log(`  ${row.join(" | ")}`);
                rows.push(row);
            } finally {
                sandbox.cleanup();
                await logto.close();
            }
        }
    }
    printTable("Refresh and destroy through the component: Management API calls (token requests left out: 1 per run)",
        ["shape", "objects", "refresh calls", "per object", "refresh s", "destroy calls", "per object", "destroy s"], rows);
});
