import { pathSegments, type SourcePosition } from "../../spec";

/**
 * Whether `position` in `text` (the YAML of `spec`) is where the spec path points, judged from the spec object and
 * the text alone: the unknown `key` itself, a scalar's value (plain or quoted), a list's `-` or `[`, a map's first
 * key or `{`. A path deeper than the object (a permission written as a plain name has no `.name`) is judged at
 * the deepest value it reaches. Returns a description of the mismatch, or undefined when it is right.
 */
export function misplaced(text: string, spec: unknown, path: string, key: string | undefined, position: SourcePosition | undefined): string | undefined {
    if (position === undefined) return `${path}: no position`;
    const line = text.split("\n")[position.line - 1];
    if (line === undefined) return `${path}: line ${position.line} is past the end`;
    const at = line.slice(position.column - 1);
    let value: unknown = spec;
    for (const segment of pathSegments(path)) {
        if (value === null || typeof value !== "object" || !(segment in value)) break;
        value = (value as Record<string | number, unknown>)[segment];
    }
    const starts = (prefix: string) => at.startsWith(prefix) || at.startsWith(`"${prefix}`) || at.startsWith(`'${prefix}`);
    let ok: boolean;
    if (key !== undefined) ok = at.startsWith(key);
    else if (Array.isArray(value)) ok = at.startsWith("-") || at.startsWith("[");
    else if (value !== null && typeof value === "object") ok = at.startsWith("{") || starts(Object.keys(value)[0] ?? "}");
    else {
        // The printable start of the scalar (YAML escapes a NUL or a lone surrogate inside double quotes).
        const printable = /^[\x20-\x7e]*/.exec(String(value))![0].slice(0, 12);
        ok = starts(printable);
    }
    return ok ? undefined : `${path}${key === undefined ? "" : ` (key ${key})`}: ${position.line}:${position.column} holds ${JSON.stringify(at.slice(0, 30))}`;
}
