import type * as pulumi from "@pulumi/pulumi";

/**
 * What `read` hands back for an object it found: `outs` as outputs, and the inputs they stand for. The engine
 * stores those inputs in place of the last `up`'s, and its diff display compares stored inputs with the
 * program's, so after a refresh that found drift the next `preview --diff` shows the old and the new value of
 * every drifted property (`accessTokenTtl: 7200 => 3600`) instead of a bare "update". Each input key takes its
 * value from `outs`, so properties that are inputs only (e.g. `adopt`) are kept in the outputs; keys absent
 * from `outs` stay absent, as `check` leaves them.
 */
export function readResult(id: string, outs: Record<string, unknown>, inputKeys: readonly string[]): pulumi.dynamic.ReadResult {
    const inputs = Object.fromEntries(inputKeys.filter((key) => outs[key] !== undefined).map((key) => [key, outs[key]]));
    return { id, props: outs, inputs };
}

/** `{ adopt }` when the input was given: kept in the outputs so that `read` can return it as an input. */
export function adoptOf(args: { adopt?: boolean }): { adopt?: boolean } {
    return args.adopt === undefined ? {} : { adopt: args.adopt };
}
