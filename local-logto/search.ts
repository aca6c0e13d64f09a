import { LogtoErrors } from "./errors";

/**
 * Logto's list search, as Logto 1.42 answers it: `search` (every searchable field) and `search.<field>` values,
 * `mode[.<field>]` (like | exact | similar_to | posix; like by default), `isCaseSensitive`, and `joint` (or
 * `jointMode`: or | and, **or** by default) joining the conditions. A bad query is 400 request.invalid_input
 * with an empty `data`: a bad mode, joint or nested field and an empty value when the query is parsed, an unknown
 * field when it is applied.
 */
export interface SearchCondition {
    /** undefined: plain `search=`, matched against every searchable field */
    field: string | undefined;
    mode: MatchMode;
    values: string[];
}

export interface SearchSpec {
    conditions: SearchCondition[];
    joint: "or" | "and";
    caseSensitive: boolean;
}

const matchModes = ["exact", "like", "similar_to", "posix"] as const;
type MatchMode = (typeof matchModes)[number];
const jointModes = ["or", "and"] as const;

/** `yes()` of Logto's helpers: these spellings are true, anything else false. */
const truthy = new Set(["1", "true", "y", "yes", "yep", "yeah"]);

const snakeCase = (field: string) => field.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();

function searchField(key: string): string | undefined {
    const path = key.split(".");
    if (path.length > 2) {
        throw LogtoErrors.invalidSearch(`Unsupported nested search field path \`${path.slice(1).join(".")}\` detected. Only the first level field is supported.`);
    }
    return path[1];
}

export function parseSearch(query: URLSearchParams): SearchSpec {
    const jointValue = query.get("joint") ?? query.get("jointMode");
    if (jointValue && !(jointModes as readonly string[]).includes(jointValue)) {
        throw LogtoErrors.invalidSearch(`Search joint mode \`${jointValue}\` is not valid, expect one of ${jointModes.join(", ")}.`);
    }
    const modes = new Map<string | undefined, MatchMode>();
    const values = new Map<string | undefined, string[]>();
    for (const [key, value] of query) {
        if (key.startsWith("mode")) {
            const field = searchField(key);
            if (!(matchModes as readonly string[]).includes(value)) {
                const forField = field ? ` for field \`${field}\`` : "";
                throw LogtoErrors.invalidSearch(`Search match mode \`${value}\`${forField} is not valid, expect one of ${matchModes.join(", ")}.`);
            }
            modes.set(field, value as MatchMode);
        } else if (key.startsWith("search")) {
            const field = searchField(key);
            values.set(field, [...(values.get(field) ?? []), value]);
        }
    }
    const conditions: SearchCondition[] = [];
    for (const [field, fieldValues] of values) {
        const mode = modes.get(field) ?? modes.get(undefined) ?? "like";
        if (mode !== "exact" && fieldValues.length !== 1) throw LogtoErrors.invalidSearch("Only one search value is allowed when search mode is not `exact`.");
        if (!fieldValues.every(Boolean)) throw LogtoErrors.invalidSearch("Search value cannot be empty.");
        conditions.push({ field, mode, values: fieldValues });
    }
    return { conditions, joint: (jointValue as "or" | "and" | null) ?? "or", caseSensitive: truthy.has(query.get("isCaseSensitive") ?? "false") };
}

function likeToRegExp(pattern: string, caseSensitive: boolean): RegExp {
    let source = "";
    for (let i = 0; i < pattern.length; i++) {
        const c = pattern[i]!;
        if (c === "\\" && i + 1 < pattern.length) source += pattern[++i]!.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
        else if (c === "%") source += "[\\s\\S]*";
        else if (c === "_") source += "[\\s\\S]";
        else source += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    }
    return new RegExp(`^${source}$`, caseSensitive ? "" : "i");
}

/** SQL SIMILAR TO: LIKE's wildcards plus regular-expression alternation, grouping and repetition, anchored. */
function similarToRegExp(pattern: string): RegExp {
    let source = "";
    for (const c of pattern) {
        if (c === "%") source += "[\\s\\S]*";
        else if (c === "_") source += "[\\s\\S]";
        else if ("|()*+?{}[]".includes(c)) source += c;
        else source += c.replace(/[.^$\\/]/g, "\\$&");
    }
    return new RegExp(`^(?:${source})$`);
}

/** One condition's test of one value, as Postgres evaluates it. */
function matcher(mode: MatchMode, values: string[], caseSensitive: boolean): (value: string) => boolean {
    switch (mode) {
        case "exact": {
            const wanted = new Set(caseSensitive ? values : values.map((v) => v.toLowerCase()));
            return (value) => wanted.has(caseSensitive ? value : value.toLowerCase());
        }
        case "like": {
            const pattern = likeToRegExp(values[0]!, caseSensitive);
            return (value) => pattern.test(value);
        }
        case "similar_to": {
            if (!caseSensitive) throw LogtoErrors.invalidSearch("Cannot use case-insensitive match for `similar to`.");
            const pattern = similarToRegExp(values[0]!);
            return (value) => pattern.test(value);
        }
        case "posix": {
            const pattern = new RegExp(values[0]!, caseSensitive ? "" : "i");
            return (value) => pattern.test(value);
        }
    }
}

/**
 * Keeps the items matching the search: each condition matches when any of its fields does, and the conditions
 * are joined by the joint (Logto's default: OR). An unknown field is refused.
 */
export function applySearch<T>(items: readonly T[], spec: SearchSpec, searchable: Record<string, (item: T) => string | null | undefined>): T[] {
    const names = Object.keys(searchable);
    const tests = spec.conditions.map((condition) => {
        const field = condition.field === undefined ? undefined : snakeCase(condition.field);
        if (field !== undefined && !names.includes(field)) {
            throw LogtoErrors.invalidSearch(`Search field \`${field}\` is not valid, expect one of ${names.join(", ")}.`);
        }
        const test = matcher(condition.mode, condition.values, spec.caseSensitive);
        const fields = field === undefined ? names : [field];
        return (item: T) =>
            fields.some((name) => {
                const value = searchable[name]!(item);
                return value !== null && value !== undefined && test(value);
            });
    });
    if (tests.length === 0) return [...items];
    return items.filter((item) => (spec.joint === "or" ? tests.some((t) => t(item)) : tests.every((t) => t(item))));
}

/**
 * The `q` of Logto's organization lists: a case-insensitive substring match (`ILIKE '%q%'`, so `%` and `_` inside
 * `q` are wildcards too) on any of the given fields.
 */
export function applyKeyword<T>(items: readonly T[], query: URLSearchParams, fields: readonly ((item: T) => string | null)[]): T[] {
    const keyword = query.get("q");
    if (keyword === null || keyword === "") return [...items];
    const pattern = likeToRegExp(`%${keyword}%`, false);
    return items.filter((item) => fields.some((field) => {
        const value = field(item);
        return value !== null && pattern.test(value);
    }));
}
