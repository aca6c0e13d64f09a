#!/usr/bin/env node
/**
 * `logto-m2m`: the command shipped with the package (`npx logto-m2m --help`). The subcommands are listed in
 * `subcommands.ts`; the dispatcher parses, prints help and maps failures to exit codes.
 */
import { dispatch, processStreams } from "./dispatch";
import { subcommands } from "./subcommands";

// A reader that stops early (`logto-m2m access --live | head`) closes the pipe: that is no failure of the
// command, and must not surface as a crash with exit code 1 (which scripts read as findings).
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(typeof process.exitCode === "number" ? process.exitCode : 0);
    throw error;
});

// process.exitCode, not process.exit: stdout may still be draining into a pipe. A subcommand that opens HTTP
// connections closes them itself, so the process ends as soon as the work is done.
void dispatch(process.argv.slice(2), subcommands, { streams: processStreams, env: process.env, cwd: process.cwd() })
    .then((code) => { process.exitCode = code; });
