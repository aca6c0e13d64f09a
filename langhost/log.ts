/**
 * The host's own diagnostics. The CLI turns everything the host writes on stdout and stderr into the stack's
 * diagnostics (stdout's first line is the port), so the host writes nothing of its own unless the CLI asked
 * for logs with `--logtostderr -v=N`, and then only on stderr.
 */
let toStderr = false;
let verbosity = 0;

export function configureLog(options: { logToStderr: boolean; verbosity: number }): void {
    toStderr = options.logToStderr;
    verbosity = options.verbosity;
}

export function logV(level: number, message: string): void {
    if (toStderr && verbosity >= level) process.stderr.write(`[pulumi-language-nodejs] ${message}\n`);
}
