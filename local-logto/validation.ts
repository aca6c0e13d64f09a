import { z } from "zod";
import { LogtoErrors } from "./errors";

/** Validates one part of a request as Logto's koaGuard does: unknown keys dropped, failures -> 400 guard.invalid_input. */
export function guard<S extends z.ZodType>(schema: S, value: unknown, part: "body" | "query" | "params" = "body"): z.output<S> {
    const result = schema.safeParse(value);
    if (!result.success) throw LogtoErrors.invalidInput(part, result.error);
    return result.data;
}

/**
 * A required varchar(max) column as Logto's guard checks it: at most `max` UTF-16 code units (observed: 64 rocket
 * emoji make a valid role name, 65 are refused). zod 4's own `max` counts code points, so it is not used here.
 */
export function varchar(max: number) {
    return z.string().min(1).superRefine((text, ctx) => {
        if (text.length > max) ctx.addIssue({ code: "too_big", origin: "string", maximum: max, inclusive: true, message: `String must contain at most ${max} character(s)` });
    });
}
