import { connect } from "node:net";

const ENGINE_PROBE_MS = 5000;

/**
 * Calls `onGone` once the engine's port refuses connections: the engine is gone without closing this plugin
 * process (the language host's and the resource provider plugin's).
 */
export function watchEngine(address: string, onGone: () => void): void {
    const match = /^(.*):(\d+)$/.exec(address);
    if (match === null) return;
    const host = match[1]!.replace(/^\[|\]$/g, "") || "127.0.0.1";
    const port = Number(match[2]);
    const timer = setInterval(() => {
        const socket = connect({ host, port });
        socket.once("connect", () => socket.destroy());
        socket.once("error", (error: NodeJS.ErrnoException) => { if (error.code === "ECONNREFUSED") onGone(); });
    }, ENGINE_PROBE_MS);
    timer.unref();
}
