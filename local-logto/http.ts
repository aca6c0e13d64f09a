import type { IncomingMessage } from "node:http";

/** What a handler answers; the server writes it (or a fault replaces it), so handlers never touch the socket. */
export interface HttpResponse {
    status: number;
    headers?: Record<string, string | string[]>;
    /** An object is sent as JSON, a string as text/plain, undefined as an empty body. */
    body?: unknown;
}

export const json = (status: number, body: unknown, headers?: Record<string, string | string[]>): HttpResponse => ({ status, body, headers });
export const noContent = (): HttpResponse => ({ status: 204 });
export const text = (status: number, body: string): HttpResponse => ({ status, body, headers: { "content-type": "text/plain; charset=utf-8" } });

/** koa-body's default JSON limit, which Logto uses: a bigger body is refused before it is parsed. */
export const maxBodyBytes = 1024 * 1024;

export type RawBody = { kind: "ok"; bytes: Buffer } | { kind: "too-large" };

/**
 * Reads the whole body. Past `maxBodyBytes` the rest is read and discarded (memory stays bounded) so that the
 * client, still uploading, gets an answer instead of a reset connection.
 */
export function readRawBody(req: IncomingMessage): Promise<RawBody> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let tooLarge = Number(req.headers["content-length"]) > maxBodyBytes;
        req.on("data", (chunk: Buffer) => {
            if (tooLarge) return;
            size += chunk.length;
            if (size > maxBodyBytes) {
                tooLarge = true;
                chunks.length = 0;
            } else chunks.push(chunk);
        });
        req.on("end", () => resolve(tooLarge ? { kind: "too-large" } : { kind: "ok", bytes: Buffer.concat(chunks) }));
        req.on("error", reject);
    });
}

export type ParsedBody = { kind: "ok"; value: unknown } | { kind: "invalid-json"; message: string };

/**
 * Parses a body the way koa-body does for Logto: JSON and url-encoded forms are parsed; any other content type
 * leaves the body empty (`{}`), so the route's validation then reports the missing fields.
 */
export function parseBody(contentType: string | undefined, bytes: Buffer): ParsedBody {
    const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
    if (bytes.length === 0) return { kind: "ok", value: {} };
    if (type === "application/json" || type.endsWith("+json")) {
        let value: unknown;
        try {
            value = JSON.parse(bytes.toString("utf8"));
        } catch (error) {
            return { kind: "invalid-json", message: (error as Error).message };
        }
        // koa-body's strict mode: only an object or an array is a JSON body.
        if (value === null || typeof value !== "object") return { kind: "invalid-json", message: "invalid JSON, only supports object and array" };
        return { kind: "ok", value };
    }
    if (type === "application/x-www-form-urlencoded") {
        return { kind: "ok", value: Object.fromEntries(new URLSearchParams(bytes.toString("utf8"))) };
    }
    return { kind: "ok", value: {} };
}
