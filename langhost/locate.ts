import { createRequire } from "node:module";
import * as path from "node:path";

export class ModuleNotFound extends Error {}

/**
 * The file of `request` as Node resolves it from `directory` (the program's or plugin's folder), so the program
 * runs on the SDK of its own node_modules, exactly as under Pulumi's host, never on this host's copy.
 */
export function locateModule(request: string, directory: string): string {
    try {
        return createRequire(path.join(directory, "__pulumi_language_nodejs__.js")).resolve(request);
    } catch {
        throw new ModuleNotFound(
            `It looks like the Pulumi SDK has not been installed: ${request} cannot be found from ${directory}. ` +
            "Have you run `npm install` (or `pulumi install`)?");
    }
}
