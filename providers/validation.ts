import { z } from "zod";
import { applicationMarkerKey } from "../client/marker";
import { isAddressableSegment, unaddressableReason } from "../client/pathSegment";
export { isUsableIndicator } from "../client/settings";

/**
 * Building blocks of the input schemas of the resources and of the spec, so that both refuse the same inputs with
 * the same words. Every message is written by hand and says the rule, never the value (a value may be a secret).
 */

export { logtoLimits, maxAccessTokenTtl, maxCustomDataBytes, maxSecretNameLength, secretGenerationLength } from "./limits";
import { logtoLimits, maxCustomDataBytes } from "./limits";

// A surrogate half without its other half: not Unicode, so it has no UTF-8 form (Pulumi's gRPC refuses it, and
// Logto would store U+FFFD instead, a difference on every refresh).
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `text` has no UTF-8 form (so Pulumi cannot carry it), or undefined. */
export function unencodableProblem(text: string): string | undefined {
    return loneSurrogate.test(text) ? "must not contain a lone UTF-16 surrogate (such as \\ud800): it is not valid Unicode" : undefined;
}

/** Why Logto cannot take `text` as it is, or undefined. */
export function textProblem(text: string): string | undefined {
    // PostgreSQL's text and jsonb cannot hold U+0000: Logto answers 500 to any value with it.
    if (text.includes("\u0000")) return "must not contain a NUL character (\\u0000): Logto cannot store it";
    return unencodableProblem(text);
}

function typeError(what: string) {
    return (issue: { input: unknown }) => (typeof issue.input === "number" || typeof issue.input === "boolean"
        ? `${what} must be a string, not the ${typeof issue.input} ${String(issue.input)} (in YAML, quote it: "${String(issue.input)}")`
        : `${what} must be a string`);
}

function textRules(what: string, max: number | undefined) {
    return (text: string, ctx: z.RefinementCtx) => {
        const problem = textProblem(text);
        if (problem !== undefined) ctx.addIssue({ code: "custom", message: `${what} ${problem}` });
        // String length, not zod's max: Logto counts UTF-16 code units (65 rocket emoji are 130 of them).
        if (max !== undefined && text.length > max) {
            ctx.addIssue({ code: "custom", message: `${what} has at most ${max} characters (Logto's limit, counted in UTF-16 code units: most emoji count 2; this one has ${text.length})` });
        }
    };
}

/** A non-empty string Logto can store, of at most `max` UTF-16 code units. */
export const requiredText = (what: string, max?: number) =>
    z.string({ error: typeError(what) }).min(1, { error: `${what} must not be empty` }).superRefine(textRules(what, max));

/** A string Logto can store (empty allowed), of at most `max` UTF-16 code units. */
export const optionalText = (what: string, max?: number) => z.string({ error: typeError(what) }).superRefine(textRules(what, max));

/** An id of a Logto object (given by another resource's output). */
export const logtoId = (what: string) => z.string({ error: `${what} must be a Logto id (a string)` })
    .min(1, { error: `${what} must not be empty` })
    .regex(/^[^\s/?#]+$/, { error: `${what} must be a Logto id: no whitespace, '/', '?' or '#'` })
    .refine(isAddressableSegment, { error: `${what} ${unaddressableReason}` });

/** A name that becomes a segment of a request path (a secret's name): never one a URL parser resolves. */
export const pathName = (what: string, max: number) => requiredText(what, max)
    .refine(isAddressableSegment, { error: `${what} ${unaddressableReason}` });

/** A list of ids, without repetition (a repeated id is almost always a mistake in the program). */
export const logtoIdList = (what: string) => z.array(logtoId(what), { error: `${what}s must be a list of ids` })
    .superRefine((ids, ctx) => {
        ids.forEach((id, i) => {
            const first = ids.indexOf(id);
            if (first !== i) ctx.addIssue({ code: "custom", path: [i], message: `the same id as ${what}s[${first}]: list each id once` });
        });
    });

export const adoptFlag = z.boolean({ error: "adopt must be true or false" }).optional();

/** Reports every key and string inside a JSON value that Logto cannot store, with its path. */
function checkJsonText(value: unknown, path: PropertyKey[], what: string, ctx: z.RefinementCtx): void {
    if (typeof value === "string") {
        const problem = textProblem(value);
        if (problem !== undefined) ctx.addIssue({ code: "custom", path, message: `${what} ${problem}` });
    } else if (Array.isArray(value)) {
        value.forEach((item, i) => checkJsonText(item, [...path, i], what, ctx));
    } else if (value !== null && typeof value === "object") {
        for (const [key, item] of Object.entries(value)) {
            const problem = textProblem(key);
            if (problem !== undefined) ctx.addIssue({ code: "custom", path, message: `a key of ${what} ${problem}` });
            checkJsonText(item, [...path, key], what, ctx);
        }
    }
}

/** An app's customData: a JSON object of at most 4 KB, without the client's marker key. */
export const customDataSchema = z.record(z.string(), z.unknown(), { error: "customData must be a JSON object" })
    .superRefine((data, ctx) => {
        if (Object.hasOwn(data, applicationMarkerKey)) {
            ctx.addIssue({ code: "custom", path: [applicationMarkerKey], message: `customData.${applicationMarkerKey} is reserved for the app's marker` });
        }
        const bytes = Buffer.byteLength(JSON.stringify(data));
        if (bytes > maxCustomDataBytes) ctx.addIssue({ code: "custom", message: `customData must be at most ${maxCustomDataBytes} bytes as JSON (this is ${bytes})` });
        checkJsonText(data, [], "customData", ctx);
    });

/** Epoch milliseconds, or why the value is not a usable expiry. */
export type Expiry = { ms: number } | { problem: string };

const isoDate = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * An expiry as the spec and `ApplicationSecret` take it: whole epoch milliseconds, a date (midnight UTC), or a
 * date-time with an offset. A date-time without one is refused: it would name another instant in every time
 * zone, so an `up` from another machine would replace the secret. Impossible dates (2030-02-30) are refused
 * rather than rolled over into the next month.
 */
export function parseExpiry(value: unknown): Expiry {
    if (typeof value === "number") {
        if (!Number.isSafeInteger(value)) return { problem: "expiresAt must be whole epoch milliseconds" };
        // Seconds are a common slip; Logto wants milliseconds and would read seconds as 1970.
        if (value < 1e11) return { problem: `expiresAt ${value} looks like epoch seconds; give a date (2027-01-01) or epoch milliseconds` };
        return { ms: value };
    }
    if (typeof value !== "string") return { problem: "expiresAt must be epoch milliseconds or an ISO date such as 2030-01-01" };
    const m = isoDate.exec(value.trim());
    if (m === null) return { problem: `expiresAt ${JSON.stringify(value)} is not a date: write 2030-01-01, 2030-01-01T00:00:00Z or epoch milliseconds` };
    const [, y, mo, d, h, mi, s, frac, offset] = m;
    const year = Number(y), month = Number(mo), day = Number(d);
    const hour = Number(h ?? 0), minute = Number(mi ?? 0), second = Number(s ?? 0);
    const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) {
        return { problem: `expiresAt ${JSON.stringify(value)} is not a date of the calendar` };
    }
    if (h !== undefined && offset === undefined) {
        return { problem: `expiresAt ${JSON.stringify(value)} has no offset: add Z (UTC) or one such as +01:00, else it means another instant in each time zone` };
    }
    let offsetMinutes = 0;
    if (offset !== undefined && offset.toUpperCase() !== "Z") {
        const [oh, om] = [Number(offset.slice(1, 3)), Number(offset.slice(-2))];
        if (oh > 23 || om > 59) return { problem: `expiresAt ${JSON.stringify(value)} has an impossible offset` };
        offsetMinutes = (offset.startsWith("-") ? -1 : 1) * (oh * 60 + om);
    }
    const millis = frac === undefined ? 0 : Math.floor(Number(`0${frac}`) * 1000);
    const utc = new Date(0);
    // setUTCFullYear, not Date.UTC: Date.UTC reads years 0..99 as 1900..1999.
    utc.setUTCFullYear(year, month - 1, day);
    utc.setUTCHours(hour, minute, second, millis);
    return { ms: utc.getTime() - offsetMinutes * 60_000 };
}
