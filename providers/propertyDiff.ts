import type * as pulumi from "@pulumi/pulumi";
import { containsUnknown } from "./checkFailures";
import { sameSet } from "./setDelta";

/** How two values of one property compare. */
export type Equality = (old: unknown, new_: unknown) => boolean;

/** JSON with sorted keys: equal values give equal text whatever their key order. */
export function canonicalJson(value: unknown): string {
    if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
    if (value !== null && typeof value === "object") {
        return `{${Object.keys(value).sort().filter((k) => (value as Record<string, unknown>)[k] !== undefined)
            .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(",")}}`;
    }
    return JSON.stringify(value ?? null);
}

export const deepEqual: Equality = (a, b) => canonicalJson(a) === canonicalJson(b);

/** Optional text: absent, null and "" are the same (Logto stores an empty description as null). */
export const optionalTextEqual: Equality = (a, b) => (a ?? "") === (b ?? "");

/**
 * The PATCH body of a name and an optional description: only what changed; a description taken away is sent as
 * null, which Logto stores as none.
 */
export function nameDescriptionPatch(olds: { name?: unknown; description?: unknown }, args: { name: string; description?: string }): { name?: string; description?: string | null } {
    const patch: { name?: string; description?: string | null } = {};
    if (olds.name !== args.name) patch.name = args.name;
    if (!optionalTextEqual(olds.description, args.description)) patch.description = args.description ?? null;
    return patch;
}

/** Lists compared as sets of ids: order and repetition never make a change. */
export const idSetEqual: Equality = (a, b) => Array.isArray(a) && Array.isArray(b) && sameSet(a as string[], b as string[]);

export interface PropertyRules {
    /** Properties compared, with their equality (deepEqual when null). */
    compared: Record<string, Equality | null>;
    /** Properties whose change replaces the object (Logto makes them immutable). */
    replaceOn?: readonly string[];
    /** The natural key must be freed before the replacement is created. */
    deleteBeforeReplace?: boolean;
}

/**
 * An exact diff of the inputs `news` against the state `olds`, without any API call. A value unknown during
 * preview counts as a change (and as a replacement when it is a replace-on property).
 */
export function diffProperties(olds: Record<string, unknown>, news: Record<string, unknown>, rules: PropertyRules): pulumi.dynamic.DiffResult {
    const changed = Object.entries(rules.compared)
        .filter(([key, equal]) => containsUnknown(news[key]) || !(equal ?? deepEqual)(olds[key], news[key]))
        .map(([key]) => key);
    const replaces = changed.filter((key) => rules.replaceOn?.includes(key));
    const stables = Object.keys(rules.compared).filter((key) => !changed.includes(key));
    return {
        changes: changed.length > 0,
        replaces,
        stables,
        deleteBeforeReplace: replaces.length > 0 && rules.deleteBeforeReplace === true,
    };
}
