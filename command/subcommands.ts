import type { Subcommand } from "./subcommand";

/** Every subcommand of `logto-m2m`, in the order `--help` lists them. A new one is one line here. */
export const subcommands: readonly Subcommand[] = [
];
