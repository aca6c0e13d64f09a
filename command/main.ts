#!/usr/bin/env node
/**
 * `logto-m2m`: the command shipped with the package (`npx logto-m2m --help`). The subcommands are listed in
 * `subcommands.ts`; the dispatcher parses, prints help and maps failures to exit codes.
 */
import { dispatch, processStreams } from "./dispatch";
import { subcommands } from "./subcommands";

// process.exitCode, not process.exit: stdout may still be draining into a pipe. A subcommand that opens HTTP
// connections closes them itself, so the process ends as soon as the work is done.
void dispatch(process.argv.slice(2), subcommands, { streams: processStreams, env: process.env, cwd: process.cwd() })
    .then((code) => { process.exitCode = code; });
