import { isAlias, isMap, isNode, isScalar, isSeq, type Document, type LineCounter } from "yaml";

/** A place in a spec's text; line and column count from 1, as editors and workflow annotations do. */
export interface SourcePosition {
    line: number;
    column: number;
}

/** `roles[1].permissions[0].resource` -> `["roles", 1, "permissions", 0, "resource"]` (the inverse of `formatPath`). */
export function pathSegments(path: string): Array<string | number> {
    const segments: Array<string | number> = [];
    for (const m of path.matchAll(/\[(\d+)\]|\.?([^.[\]]+)/g)) segments.push(m[1] !== undefined ? Number(m[1]) : m[2]!);
    return segments;
}

/**
 * Where a spec path is in the parsed text: the value's node, or for an unknown `key` the key's own node. A path
 * that goes deeper than the text (a permission written as a plain name has no `.name`; a key that is missing)
 * lands on the deepest node it reaches, which is where the author has to look.
 */
export function positionInDocument(doc: Document, counter: LineCounter, path: string, key?: string): SourcePosition | undefined {
    let node: unknown = doc.contents;
    const mapEntry = (map: unknown, name: string) => (isMap(map) ? map.items.find((pair) => isScalar(pair.key) && String(pair.key.value) === name) : undefined);
    for (const segment of pathSegments(path)) {
        if (isSeq(node) && typeof segment === "number") {
            const item = node.items[segment];
            if (!isNode(item)) break;
            node = item;
            continue;
        }
        const pair = mapEntry(node, String(segment));
        if (pair === undefined) break;
        // `description:` with nothing after it: the key is the place.
        node = isNode(pair.value) && pair.value.range !== undefined && !(isScalar(pair.value) && pair.value.value === null) ? pair.value : pair.key;
        if (isAlias(node)) break;
    }
    if (key !== undefined) node = mapEntry(node, key)?.key ?? node;
    const offset = isNode(node) ? node.range?.[0] : undefined;
    if (offset === undefined) return undefined;
    const { line, col } = counter.linePos(offset);
    return { line, column: col };
}
