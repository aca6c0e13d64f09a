import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { track } from "./children";
import type { RuntimeOptions } from "./runtimeOptions";

export type PackageManagerName = "npm" | "yarn" | "pnpm" | "bun";

/**
 * The package manager of a project: `runtime.options.packagemanager` when set (other than `auto`), else the one
 * whose lock file is there, else npm.
 */
export function choosePackageManager(directory: string, options: RuntimeOptions): PackageManagerName {
    if (options.packagemanager !== undefined && options.packagemanager !== "auto") return options.packagemanager;
    if (existsSync(path.join(directory, "yarn.lock"))) return "yarn";
    if (existsSync(path.join(directory, "pnpm-lock.yaml"))) return "pnpm";
    if (existsSync(path.join(directory, "bun.lockb")) || existsSync(path.join(directory, "bun.lock"))) return "bun";
    return "npm";
}

/**
 * The command that runs it. npm is the one that ships with the Node this host runs on (so the project's Node
 * installs for the project's Node); yarn, pnpm and bun are taken from PATH.
 */
export function packageManagerCommand(name: PackageManagerName): { file: string; prefix: string[] } {
    if (name === "npm") {
        const npmCli = path.join(path.dirname(process.execPath), "..", "lib", "node_modules", "npm", "bin", "npm-cli.js");
        if (existsSync(npmCli)) return { file: process.execPath, prefix: [npmCli] };
    }
    return { file: name, prefix: [] };
}

export class PackageManagerError extends Error {}

/**
 * `<manager> install` in `directory`, its output handed to `onOutput` as it comes. Rejects with the manager's
 * exit status, or with a message naming the manager when it is not installed.
 */
export function installDependencies(directory: string, name: PackageManagerName,
    onOutput: (stream: "stdout" | "stderr", chunk: Buffer) => void): Promise<void> {
    const { file, prefix } = packageManagerCommand(name);
    const env = { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ""}` };
    return new Promise((resolve, reject) => {
        const child = track(spawn(file, [...prefix, "install"], { cwd: directory, env, stdio: ["ignore", "pipe", "pipe"] }));
        child.stdout!.on("data", (chunk: Buffer) => onOutput("stdout", chunk));
        child.stderr!.on("data", (chunk: Buffer) => onOutput("stderr", chunk));
        child.once("error", (error: NodeJS.ErrnoException) => reject(error.code === "ENOENT"
            ? new PackageManagerError(`${name} is not installed (not found on PATH); install it or set runtime.options.packagemanager in Pulumi.yaml`)
            : error));
        child.once("close", (code, signal) => {
            if (code === 0) resolve();
            else reject(new PackageManagerError(`${name} install failed (${code !== null ? `exit code ${code}` : `signal ${signal}`})`));
        });
    });
}
