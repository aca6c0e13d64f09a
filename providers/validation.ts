import { z } from "zod";
import { isAddressableSegment, unaddressableReason } from "../client/pathSegment";
export { isUsableIndicator } from "../client/settings";

/**
 * Building blocks of the resources' input schemas. Every message is written by hand and says the rule, never
 * the value (a value may be a secret).
 */

export const requiredText = (what: string, max?: number) => {
    const s = z.string({ error: `${what} must be a string` }).min(1, { error: `${what} must not be empty` });
    return max === undefined ? s : s.max(max, { error: `${what} has at most ${max} characters (Logto's limit)` });
};

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
            if (ids.indexOf(id) !== i) ctx.addIssue({ code: "custom", path: [i], message: `${what} is listed twice` });
        });
    });

export const adoptFlag = z.boolean({ error: "adopt must be true or false" }).optional();

