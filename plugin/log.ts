/**
 * The plugin's own diagnostics: the engine shows a plugin's stderr as the stack's diagnostics, so nothing is
 * written unless the engine asked for logs with `--logtostderr -v=N`. Never a property value: only names.
 */
let toStderr = false;
let verbosity = 0;

export function configureLog(options: { logToStderr: boolean; verbosity: number }): void {
    toStderr = options.logToStderr;
    verbosity = options.verbosity;
}

export function logV(level: number, message: string): void {
    if (toStderr && verbosity >= level) process.stderr.write(`[pulumi-resource-logto] ${message}\n`);
}
