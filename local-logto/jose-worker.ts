/**
 * Runs jose in a worker thread, for hosts whose module loader cannot `require` an ES module: jest without
 * `--experimental-vm-modules` is one (jose 6 ships ESM only). A worker is plain Node, where `require(esm)` works.
 */
import { parentPort } from "node:worker_threads";
import { joseOps, type JoseOps } from "./jose-ops";

const ops: JoseOps = joseOps(require("jose"));

parentPort?.on("message", (message: { id: number; op: keyof JoseOps; args: unknown[] }) => {
    const run = ops[message.op] as (...args: unknown[]) => Promise<unknown>;
    run(...message.args).then(
        (result) => parentPort?.postMessage({ id: message.id, result }),
        (error: unknown) => parentPort?.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) }),
    );
});
