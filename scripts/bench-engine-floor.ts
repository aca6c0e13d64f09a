/**
 * The engine floor: wall time of `up` and of a no-op `up` for N trivial dynamic resources (EngineProbe, no
 * network), state bytes per resource and the provider host's peak memory. `--sizes 50,200` keeps a run short.
 * `bench-scale.ts` measures the Logto resources beside this floor.
 */
import { describeMachine, parseBenchArgs, runBench } from "./bench/harness";
import { runScale } from "./bench/scale";

runBench(async () => {
    const args = parseBenchArgs();
    console.log(`machine: ${describeMachine()}`);
    await runScale({ ...args, floorOnly: true });
});
