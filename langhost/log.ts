/**
 * A plugin process's own diagnostics (the language host's and the resource provider plugin's). The engine turns
 * everything a plugin writes on stdout and stderr into the stack's diagnostics (stdout's first line is the
 * port), so nothing of its own is written unless the engine asked for logs with `--logtostderr -v=N`, and then
 * only on stderr. Never a property value: only names.
 */
let toStderr = false;
let verbosity = 0;
let prefix = "[pulumi-language-nodejs]";

export function configureLog(options: { name?: string; logToStderr: boolean; verbosity: number }): void {
    toStderr = options.logToStderr;
    verbosity = options.verbosity;
    if (options.name !== undefined) prefix = `[${options.name}]`;
}

export function logV(level: number, message: string): void {
    if (toStderr && verbosity >= level) process.stderr.write(`${prefix} ${message}\n`);
}
