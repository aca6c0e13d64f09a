/** What to add and what to remove to turn the set `current` into the set `desired`. */
export interface SetDelta {
    add: string[];
    remove: string[];
}

export function setDelta(current: Iterable<string>, desired: Iterable<string>): SetDelta {
    const have = new Set(current);
    const want = new Set(desired);
    return {
        add: [...want].filter((v) => !have.has(v)),
        remove: [...have].filter((v) => !want.has(v)),
    };
}

export function sameSet(a: Iterable<string>, b: Iterable<string>): boolean {
    const delta = setDelta(a, b);
    return delta.add.length === 0 && delta.remove.length === 0;
}

/**
 * `actual` ordered like `previous` as far as they share members, newcomers last. A refreshed list keeps the
 * order the user wrote, so state only changes when membership does.
 */
export function orderLike(previous: readonly string[], actual: Iterable<string>): string[] {
    const present = new Set(actual);
    const kept = previous.filter((v, i) => present.has(v) && previous.indexOf(v) === i);
    const keptSet = new Set(kept);
    return [...kept, ...[...present].filter((v) => !keptSet.has(v))];
}
