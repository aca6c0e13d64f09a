import type { ParseArgsOptionsConfig } from "node:util";

/** What scripts can rely on: 0 all is well, 1 the command found something (errors, access changes), 2 it could not run. */
export const ExitCode = {
    ok: 0,
    findings: 1,
    failure: 2,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Where a subcommand writes: results to stdout, progress and warnings to stderr (so `> file` keeps only results). */
export interface Streams {
    /** A result line (or block) on stdout. */
    out(text: string): void;
    /** Progress or a warning on stderr. */
    progress(text: string): void;
}

/** One parsed invocation of a subcommand. */
export interface Invocation {
    /** The subcommand's own options as parsed (`--format` and `--help` are taken out). */
    values: Record<string, string | boolean | Array<string | boolean> | undefined>;
    positionals: string[];
    /** One of the subcommand's `formats`; its first when not given. */
    format: string;
    streams: Streams;
    env: NodeJS.ProcessEnv;
    cwd: string;
}

/**
 * A subcommand of `logto-m2m`: its help text, its options in `util.parseArgs` form, the formats it prints, and
 * what it runs. It is registered by one line in `subcommands.ts`.
 */
export interface Subcommand {
    name: string;
    /** One line, for the list of subcommands. */
    summary: string;
    /** The synopsis, e.g. `validate SPEC... [--format text|json|github]`. */
    usage: string;
    /** What it does, its options and exit codes, for `logto-m2m <name> --help`. */
    help: string;
    options: ParseArgsOptionsConfig;
    /** The values `--format` takes; the first is the default. */
    formats: readonly [string, ...string[]];
    /** How many positional arguments it takes. */
    positionals: { min: number; max?: number };
    run(invocation: Invocation): Promise<ExitCode>;
}

/** Wrong arguments: printed with a pointer to the subcommand's help, exit code 2. */
export class UsageError extends Error {
    override readonly name = "UsageError";
}
