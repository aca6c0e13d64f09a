import { UnaddressableNameError } from "./errors";

/**
 * Names and ids that become a segment of a request path. A URL parser resolves the dot segments "." and ".."
 * (WHATWG URL reads "%2e" as a dot too), so `/api/applications/<id>/secrets/..` goes out as
 * `/api/applications/<id>/` and addresses the app itself. Such values are refused before anything is sent.
 */

/** Decodings of `value` (percent-decoded up to three times, as layered proxies might), `value` first. */
function decodings(value: string): string[] {
    const out = [value];
    for (let i = 0; i < 3; i++) {
        let next: string;
        try {
            next = decodeURIComponent(out[out.length - 1]!);
        } catch {
            break;
        }
        if (next === out[out.length - 1]) break;
        out.push(next);
    }
    return out;
}

/**
 * False for a value that cannot name one object as a path segment: empty, only dots ("." and ".." are dot
 * segments; longer runs are refused too, as some servers normalise them), or such a value percent-encoded.
 */
export function isAddressableSegment(value: string): boolean {
    return !decodings(value).some((v) => /^\.*$/.test(v));
}

/** `value` encoded as one path segment; `UnaddressableNameError` (nothing sent) when it cannot be one. */
export function pathSegment(value: string): string {
    if (!isAddressableSegment(value)) throw new UnaddressableNameError(value);
    return encodeURIComponent(value);
}

/** The reason given wherever such a value is refused (spec, check, client). */
export const unaddressableReason = "must not be empty, \".\", \"..\" or only dots (also percent-encoded, e.g. %2e): " +
    "as a segment of a request path a URL parser would resolve it and the request would address another object";
