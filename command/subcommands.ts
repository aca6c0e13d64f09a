import { access } from "./access";
import { exportCommand } from "./export";
import type { Subcommand } from "./subcommand";
import { validate } from "./validate";

/** Every subcommand of `logto-m2m`, in the order `--help` lists them. A new one is one line here. */
export const subcommands: readonly Subcommand[] = [
    validate,
    access,
    exportCommand,
];
