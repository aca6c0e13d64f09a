/**
 * Logto's list search (`search`, `search.<field>`, `mode.<field>`, `isCaseSensitive`): SQL LIKE by default,
 * where a plain value without `%` or `_` matches the whole value, case-insensitively unless asked otherwise.
 */
export interface SearchSpec {
    /** field name -> values (any of them may match) */
    fields: Map<string, string[]>;
    /** values of plain `search=`, matched against every searchable field */
    global: string[];
    modes: Map<string, string>;
    caseSensitive: boolean;
}

export function parseSearch(query: URLSearchParams): SearchSpec {
    const fields = new Map<string, string[]>();
    const modes = new Map<string, string>();
    const global: string[] = [];
    for (const [key, value] of query) {
        if (key === "search") global.push(value);
        else if (key.startsWith("search.")) fields.set(key.slice(7), [...(fields.get(key.slice(7)) ?? []), value]);
        else if (key.startsWith("mode.")) modes.set(key.slice(5), value);
    }
    return { fields, global, modes, caseSensitive: query.get("isCaseSensitive") === "true" };
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

function matches(value: string | null | undefined, pattern: string, mode: string | undefined, caseSensitive: boolean): boolean {
    if (value === null || value === undefined) return false;
    if (mode === "exact") return caseSensitive ? value === pattern : value.toLowerCase() === pattern.toLowerCase();
    return likeToRegExp(pattern, caseSensitive).test(value);
}

/** Keeps the items matching the search; with several conditions an item must match each (Logto joins with AND). */
export function applySearch<T>(items: readonly T[], spec: SearchSpec, searchable: Record<string, (item: T) => string | null | undefined>): T[] {
    const names = Object.keys(searchable);
    return items.filter((item) => {
        for (const value of spec.global) {
            if (!names.some((n) => matches(searchable[n]!(item), value, spec.modes.get(n), spec.caseSensitive))) return false;
        }
        for (const [field, values] of spec.fields) {
            const get = searchable[field];
            if (!get) continue;
            if (!values.some((v) => matches(get(item), v, spec.modes.get(field), spec.caseSensitive))) return false;
        }
        return true;
    });
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
