import { ConcurrentUpdateError, type EngineEvent, type Stack, type UpResult } from "@pulumi/pulumi/automation";
import { startLocalLogto, type LocalLogto } from "../../local-logto";
import { engineSandbox, inlineStack, type EngineSandbox } from "../support/engine";
import { postgresBinDir, startPostgres, type PostgresServer } from "../support/postgres";
import { differences, generatedTopology, inventory, logtoStackConfig, probeProgram, topologyProgram } from "../support/topology";

/**
 * Two people (or two CI jobs) run `pulumi up` on one stack at the same moment. The backend's lock must refuse
 * the second before it touches anything, and the first must finish with the state and the objects intact.
 */

/** Resolves when the first update has started creating (so it holds the lock). */
function creating(): { onEvent: (event: EngineEvent) => void; started: Promise<void> } {
    let resolve!: () => void;
    const started = new Promise<void>((r) => (resolve = r));
    return {
        started,
        onEvent: (event) => {
            if (event.resourcePreEvent?.metadata.op === "create" && event.resourcePreEvent.metadata.type.includes("dynamic/logto:")) resolve();
        },
    };
}

/** Runs the first `up`, starts the second once the first is creating, and returns both outcomes. */
async function upTwiceAtOnce(first: Stack, second: Stack): Promise<{ first: UpResult; secondError: unknown }> {
    const watch = creating();
    const firstUp = first.up({ onEvent: watch.onEvent });
    await Promise.race([watch.started, firstUp]);
    const secondError = await second.up().then(() => undefined, (error: unknown) => error);
    return { first: await firstUp, secondError };
}

/** What the CLI says when the stack's lock is held (and the Automation API's class for it). */
function expectRefusedByLock(error: unknown): void {
    expect(error).toBeInstanceOf(ConcurrentUpdateError);
    expect(String(error)).toMatch(/the stack is currently locked by 1 lock/);
}

function describeBackend(name: string, makeBackend: () => Promise<{ url?: string; stop(): void }>): void {
    describe(`two up on one stack at once (${name} backend)`, () => {
        let backend: { url?: string; stop(): void };
        let sandbox: EngineSandbox;

        beforeAll(async () => {
            backend = await makeBackend();
            sandbox = engineSandbox(undefined, backend.url);
        });
        afterAll(() => {
            sandbox?.cleanup();
            backend?.stop();
        });

        test("the second is refused by the lock; the first completes and a following up is a no-op", async () => {
            // Each probe's create sleeps, so the first update holds the lock long enough for the second to arrive.
            sandbox.env.ENGINE_PROBE_CREATE_DELAY_MS = "2000";
            const first = await inlineStack(sandbox, "concurrency", "probes", probeProgram(12));
            const second = await inlineStack(sandbox, "concurrency", "probes", probeProgram(12));

            const { first: result, secondError } = await upTwiceAtOnce(first, second);

            expectRefusedByLock(secondError);
            expect(result.summary.resourceChanges).toEqual({ create: 13 });
            const exported = await first.exportStack();
            expect(exported.deployment.resources.filter((r: { type: string }) => r.type.endsWith("logto:EngineProbe"))).toHaveLength(12);
            expect(exported.deployment.pending_operations ?? []).toHaveLength(0);
            sandbox.env.ENGINE_PROBE_CREATE_DELAY_MS = "0";
            const again = await second.up();
            expect(again.summary.resourceChanges).toEqual({ same: 13 });
        });
    });
}

describeBackend("file", async () => ({ stop: () => {} }));

if (postgresBinDir() !== undefined || process.env.LOGTO_M2M_REQUIRE_POSTGRES === "1") {
    describeBackend("PostgreSQL", async () => {
        const server: PostgresServer = await startPostgres();
        return { url: server.url, stop: () => server.stop() };
    });
} else {
    test.skip("two up at once on the PostgreSQL backend: no PostgreSQL server binaries on this machine", () => {});
}

describe("two up on one stack of Logto objects at once (file backend)", () => {
    let logto: LocalLogto;
    let sandbox: EngineSandbox;

    beforeAll(async () => {
        // Slow answers keep the first update running while the second starts.
        logto = await startLocalLogto({ port: 0, faults: [{ kind: "latency", latencyMs: 150 }] });
        sandbox = engineSandbox();
    });
    afterAll(async () => {
        sandbox?.cleanup();
        await logto?.close();
    });

    test("the second is refused; Logto holds exactly the topology, once", async () => {
        const topology = generatedTopology(28, "conc");
        const program = topologyProgram(topology);
        const first = await inlineStack(sandbox, "concurrency", "logto", program, logtoStackConfig(logto));
        const second = await inlineStack(sandbox, "concurrency", "logto", program, logtoStackConfig(logto));

        const { secondError } = await upTwiceAtOnce(first, second);

        expectRefusedByLock(secondError);
        logto.faults.clear();
        expect(differences(topology, await inventory(logto))).toEqual([]);
        logto.counters.reset();
        const again = await second.up();
        expect(Object.keys(again.summary.resourceChanges ?? {})).toEqual(["same"]);
        expect(logto.counters.snapshot().api).toBe(0);
    });
});
