import type { z } from "zod";
import { LogtoErrors } from "./errors";

/** Validates one part of a request as Logto's koaGuard does: unknown keys dropped, failures -> 400 guard.invalid_input. */
export function guard<S extends z.ZodType>(schema: S, value: unknown, part: "body" | "query" | "params" = "body"): z.output<S> {
    const result = schema.safeParse(value);
    if (!result.success) throw LogtoErrors.invalidInput(part, result.error);
    return result.data;
}
