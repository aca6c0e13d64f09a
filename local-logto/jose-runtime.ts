import type * as Jose from "jose";
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import { joseOps, type JoseOps } from "./jose-ops";

export interface JoseRuntime extends JoseOps {
    close(): Promise<void>;
}

/**
 * jose in this process when the module loader allows it (plain Node 22+ loads ESM with `require`); otherwise
 * (a jest sandbox without vm modules throws ERR_REQUIRE_ESM) the same operations in a worker thread.
 */
export function startJoseRuntime(): JoseRuntime {
    let jose: typeof Jose | undefined;
    try {
        jose = require("jose") as typeof Jose;
    } catch (error) {
        if ((error as { code?: string }).code !== "ERR_REQUIRE_ESM") throw error;
    }
    if (jose) return { ...joseOps(jose), close: async () => {} };
    return workerRuntime();
}

function workerRuntime(): JoseRuntime {
    const worker = new Worker(path.join(__dirname, "jose-worker.js"));
    // The HTTP server keeps the process alive while it listens; the worker must not keep it alive after.
    worker.unref();
    let nextId = 0;
    const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
    worker.on("message", (message: { id: number; result?: unknown; error?: string }) => {
        const call = pending.get(message.id);
        if (!call) return;
        pending.delete(message.id);
        if (message.error !== undefined) call.reject(new Error(message.error));
        else call.resolve(message.result);
    });
    worker.on("error", (error) => {
        for (const call of pending.values()) call.reject(error);
        pending.clear();
    });
    const call = <T>(op: keyof JoseOps, ...args: unknown[]): Promise<T> =>
        new Promise<T>((resolve, reject) => {
            const id = nextId++;
            pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
            worker.postMessage({ id, op, args });
        });
    return {
        generateSigningKey: () => call("generateSigningKey"),
        sign: (privateJwk, header, payload) => call("sign", privateJwk, header, payload),
        verify: (token, jwks, options) => call("verify", token, jwks, options),
        close: async () => {
            await worker.terminate();
        },
    };
}
