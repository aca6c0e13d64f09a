import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import { ConnectionSettingsError } from "../client/settings";
import { ExitCode, UsageError, type Streams, type Subcommand } from "./subcommand";

const PROGRAM = "logto-m2m";

/** The options every subcommand takes. */
const commonOptions: ParseArgsOptionsConfig = {
    help: { type: "boolean", short: "h" },
    format: { type: "string" },
};

/** `logto-m2m --help`: the subcommands and the conventions they share. */
export function programHelp(subcommands: readonly Subcommand[]): string {
    const width = Math.max(0, ...subcommands.map((s) => s.name.length));
    return [
        `Usage: ${PROGRAM} <command> [options]`,
        "",
        "Checks and reviews of an M2M spec of pulumi-logto-m2m, for pre-commit hooks, CI and people.",
        "",
        "Commands:",
        ...subcommands.map((s) => `  ${s.name.padEnd(width)}  ${s.summary}`),
        "",
        `Run \`${PROGRAM} <command> --help\` for a command's options.`,
        "Exit codes: 0 ok, 1 findings (spec errors, access changes), 2 usage or connection error.",
        "Results go to stdout, progress to stderr; --format json prints results for tools.",
    ].join("\n");
}

/** `logto-m2m <command> --help`. */
export function subcommandHelp(sub: Subcommand): string {
    return [
        `Usage: ${PROGRAM} ${sub.usage}`,
        "",
        sub.help.trimEnd(),
        "",
        `  --format FORMAT   ${sub.formats.join(", ")} (default ${sub.formats[0]})`,
        "  -h, --help        this help",
        "",
        "Exit codes: 0 ok, 1 findings, 2 usage or connection error.",
    ].join("\n");
}

/** The streams of the process. */
export const processStreams: Streams = {
    out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
    progress: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
};

export interface DispatchContext {
    streams: Streams;
    env: NodeJS.ProcessEnv;
    cwd: string;
}

/**
 * Runs `logto-m2m` with `args` (without the node and script paths) and returns the exit code. Never throws:
 * a usage error, bad connection settings or a failed call is printed on stderr and is exit code 2.
 */
export async function dispatch(args: string[], subcommands: readonly Subcommand[], context: DispatchContext): Promise<ExitCode> {
    const { streams } = context;
    const [name, ...rest] = args;
    if (name === undefined || name === "--help" || name === "-h" || name === "help") {
        const topic = name === "help" ? subcommands.find((s) => s.name === rest[0]) : undefined;
        streams.out(topic ? subcommandHelp(topic) : programHelp(subcommands));
        // `logto-m2m` alone is a usage error (a script that forgot its command must not pass).
        return name === undefined ? ExitCode.failure : ExitCode.ok;
    }
    const sub = subcommands.find((s) => s.name === name);
    if (sub === undefined) {
        streams.progress(`${PROGRAM}: unknown command ${JSON.stringify(name)} (commands: ${subcommands.map((s) => s.name).join(", ") || "none"}); see ${PROGRAM} --help`);
        return ExitCode.failure;
    }
    try {
        const parsed = parseArgs({ args: rest, options: { ...sub.options, ...commonOptions }, allowPositionals: true, strict: true });
        const { help, format, ...values } = parsed.values;
        if (help === true) {
            streams.out(subcommandHelp(sub));
            return ExitCode.ok;
        }
        const chosen = typeof format === "string" ? format : sub.formats[0];
        if (!sub.formats.includes(chosen)) throw new UsageError(`--format ${chosen}: one of ${sub.formats.join(", ")}`);
        const count = parsed.positionals.length;
        if (count < sub.positionals.min) throw new UsageError(`missing arguments: ${sub.usage}`);
        if (sub.positionals.max !== undefined && count > sub.positionals.max) throw new UsageError(`too many arguments: ${sub.usage}`);
        return await sub.run({ values, positionals: parsed.positionals, format: chosen, streams, env: context.env, cwd: context.cwd });
    } catch (error) {
        streams.progress(describeFailure(sub, error));
        return ExitCode.failure;
    }
}

function describeFailure(sub: Subcommand, error: unknown): string {
    if (error instanceof UsageError) return `${PROGRAM} ${sub.name}: ${error.message}; see ${PROGRAM} ${sub.name} --help`;
    // parseArgs' own errors (unknown option, missing value) carry a code of this family.
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS_")) return `${PROGRAM} ${sub.name}: ${(error as Error).message}; see ${PROGRAM} ${sub.name} --help`;
    if (error instanceof ConnectionSettingsError) return `${PROGRAM} ${sub.name}: ${error.message}`;
    return `${PROGRAM} ${sub.name}: ${(error as Error).message ?? String(error)}`;
}
