import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";

/**
 * What the dynamic-provider host hands `check` and `diff` in place of a value that is not known yet (during a
 * preview, an output of a resource still to be created). Pulumi's `runtime.unknownValue`, copied so that this
 * module does not load the SDK's runtime in the provider host.
 */
export const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(value: unknown): boolean {
    return value === unknownValue;
}

/** True when `value`, or anything inside it, is unknown. */
export function containsUnknown(value: unknown): boolean {
    if (isUnknown(value)) return true;
    if (Array.isArray(value)) return value.some(containsUnknown);
    if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
    return false;
}

/** True when the value at `path` in `inputs`, or one of its ancestors, is unknown. */
function unknownAlong(inputs: unknown, path: readonly PropertyKey[]): boolean {
    let at: unknown = inputs;
    for (const key of path) {
        if (isUnknown(at)) return true;
        if (at === null || typeof at !== "object") return false;
        at = (at as Record<PropertyKey, unknown>)[key];
    }
    return containsUnknown(at);
}

/**
 * `scopeIds[2]`, `customData.team`: the property a Pulumi check failure names, in the engine's property-path
 * syntax, so that the engine finds and shows the value at that path (`scopeIds.2` would name a key "2").
 */
export function dottedPath(path: readonly PropertyKey[]): string {
    let out = "";
    for (const key of path) {
        if (typeof key === "number") out += `[${key}]`;
        else if (/^[A-Za-z_$][\w$]*$/.test(String(key))) out += out ? `.${String(key)}` : String(key);
        else out += `[${JSON.stringify(String(key))}]`;
    }
    return out;
}

/**
 * Validates `inputs` with `schema` and maps zod's issues one-to-one onto Pulumi check failures. An issue about a
 * value that is unknown during preview is dropped: it is validated again once the value is known.
 */
export function checkWith<S extends z.ZodType>(schema: S, inputs: Record<string, unknown>): pulumi.dynamic.CheckFailure[] {
    const parsed = schema.safeParse(inputs);
    if (parsed.success) return [];
    return parsed.error.issues
        .filter((issue) => !unknownAlong(inputs, issue.path))
        .map((issue) => ({ property: dottedPath(issue.path) || "(inputs)", reason: issue.message }));
}
