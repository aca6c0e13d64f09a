/**
 * Wall time of `up` and of a no-op `up` for N Logto objects (API resources and their permissions) against an
 * in-process local Logto, beside the engine floor (N EngineProbe resources) measured in the same run, with
 * Management API calls, token requests, state bytes per resource and the provider host's peak memory.
 * Usage: node dist/scripts/bench-scale.js [--sizes 50,200,500,1000] [--parallel N] [--floor-only]
 */
import { describeMachine, parseBenchArgs, runBench } from "./bench/harness";
import { runScale } from "./bench/scale";

runBench(async () => {
    const args = parseBenchArgs();
    console.log(`machine: ${describeMachine()}`);
    await runScale(args);
});
