import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * An HTTP proxy in front of a Logto on plain http (the local Logto): it times every request from its arrival to
 * the end of its answer, so a benchmark can say how much of a command's wall time went to Logto calls
 * (overlapping calls counted once).
 */
export class TimingProxy {
    private intervals: [number, number][] = [];
    private constructor(private readonly server: Server, readonly endpoint: string) {}

    static async start(target: string): Promise<TimingProxy> {
        const upstream = new URL(target);
        let proxy: TimingProxy | undefined;
        const server = createServer((req, res) => {
            const start = performance.now();
            const out = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } }, (answer) => {
                res.writeHead(answer.statusCode ?? 502, answer.headers);
                answer.pipe(res);
                answer.once("end", () => proxy!.intervals.push([start, performance.now()]));
            });
            out.once("error", () => { res.writeHead(502); res.end(); });
            req.pipe(out);
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        proxy = new TimingProxy(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
        return proxy;
    }

    /** Calls and their time (union of the intervals, ms) since the last take. */
    take(): { calls: number; ms: number } {
        const sorted = this.intervals.sort((a, b) => a[0] - b[0]);
        let ms = 0;
        let end = -Infinity;
        for (const [s, e] of sorted) {
            if (s > end) { ms += e - s; end = e; } else if (e > end) { ms += e - end; end = e; }
        }
        const calls = sorted.length;
        this.intervals = [];
        return { calls, ms };
    }

    close(): Promise<void> {
        return new Promise((resolve) => this.server.close(() => resolve()));
    }
}
