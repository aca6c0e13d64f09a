/**
 * The host's command line as the CLI writes it: `[--logtostderr] [-v=N] [--tracing <url>] [<engineAddress>]`,
 * flags with one or two dashes, values after `=` or as the next word; the engine's address is the last word.
 */
export interface HostArgs {
    engineAddress?: string;
    tracing?: string;
    logToStderr: boolean;
    verbosity: number;
}

export function parseHostArgs(argv: readonly string[]): HostArgs {
    const args: HostArgs = { logToStderr: false, verbosity: 0 };
    const positional: string[] = [];
    for (let i = 0; i < argv.length; i++) {
        const word = argv[i]!;
        const flag = /^--?([A-Za-z][\w-]*)(?:=(.*))?$/.exec(word);
        if (flag === null) {
            positional.push(word);
            continue;
        }
        const [, name, inline] = flag;
        const value = (): string | undefined => inline ?? (i + 1 < argv.length ? argv[++i] : undefined);
        switch (name) {
            case "logtostderr": args.logToStderr = inline === undefined || inline === "true"; break;
            case "v": args.verbosity = Number(value() ?? 0) || 0; break;
            case "tracing": { const url = value(); if (url !== undefined) args.tracing = url; break; }
            default: break; // flags of other hosts' versions (e.g. --root): nothing this host needs
        }
    }
    const engine = positional.at(-1);
    if (engine !== undefined) args.engineAddress = engine;
    return args;
}
