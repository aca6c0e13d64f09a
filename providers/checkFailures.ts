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

/** `scopeIds[2]`, `customData.team`: a path into the inputs, as Pulumi writes property paths. */
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
 *
 * The failure names the top-level property, whose value the engine shows (it looks the property up as a key, so
 * `scopeIds[1]` would show `<nil>`), and a deeper issue starts its reason with the full path: `property scopeIds
 * value {[a a]} has a problem: scopeIds[1]: the same id as scopeIds[0] ...`.
 */
export function checkWith<S extends z.ZodType>(schema: S, inputs: Record<string, unknown>): pulumi.dynamic.CheckFailure[] {
    const parsed = schema.safeParse(inputs);
    if (parsed.success) return [];
    return parsed.error.issues
        .filter((issue) => !unknownAlong(inputs, issue.path))
        .map((issue) => {
            if (issue.path.length === 0) return { property: "(inputs)", reason: issue.message };
            const reason = issue.path.length > 1 ? `${dottedPath(issue.path)}: ${issue.message}` : issue.message;
            return { property: String(issue.path[0]), reason };
        });
}
