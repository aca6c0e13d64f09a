import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { repoRoot } from "./engine";

/**
 * The package as users get it: `npm pack` of this checkout (dist/ as setup just built it), installed into a
 * project folder with npm, as `npm install pulumi-logto-m2m` would. Dependencies come from npm's cache when it
 * has them (setup's install filled it), else from the registry.
 */
export interface PackedFile {
    path: string;
    size: number;
}

interface PackResult {
    filename: string;
    files: PackedFile[];
}

function npm(args: string[], cwd: string): string {
    return execFileSync("npm", [...args, "--no-audit", "--no-fund", "--no-update-notifier", "--loglevel=error"],
        { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, stdio: ["ignore", "pipe", "pipe"] });
}

/** What `npm pack --dry-run` would put into the tarball. */
export function packDryRun(): PackedFile[] {
    const [result] = JSON.parse(npm(["pack", "--dry-run", "--json"], repoRoot)) as PackResult[];
    return result!.files;
}

let packed: string | undefined;
/** The tarball of this checkout (made once per test process, in a temp folder). */
export function packedTarball(): string {
    if (packed === undefined) {
        const dir = mkdtempSync(path.join(tmpdir(), "logto-m2m-pack-"));
        const [result] = JSON.parse(npm(["pack", "--json", "--pack-destination", dir], repoRoot)) as PackResult[];
        packed = path.join(dir, result!.filename);
    }
    return packed;
}

/** This checkout's package.json. */
export function ownPackageJson(): {
    name: string;
    version: string;
    exports: Record<string, string | { types: string; default: string }>;
    typesVersions: Record<string, Record<string, string[]>>;
    devDependencies: Record<string, string>;
    bin: Record<string, string>;
} {
    return JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8"));
}

/** The version this checkout pins for a dev dependency (so installs hit npm's cache). */
export function pinnedVersion(name: string): string {
    const version = ownPackageJson().devDependencies[name];
    if (version === undefined) throw new Error(`${name} is not a dev dependency of this checkout`);
    return version;
}

/**
 * Installs the project in `dir` with the tarball in place of the registry's pulumi-logto-m2m: its package.json
 * dependency is pointed at the tarball (`file:`), as a user trying a local build would do, then `npm install`.
 */
export function installWithTarball(dir: string, tarball = packedTarball()): void {
    const file = path.join(dir, "package.json");
    const pkg = JSON.parse(readFileSync(file, "utf8")) as { dependencies?: Record<string, string> };
    pkg.dependencies = { ...pkg.dependencies, "pulumi-logto-m2m": `file:${tarball}` };
    writeFileSync(file, `${JSON.stringify(pkg, null, 4)}\n`);
    npm(["install", "--prefer-offline"], dir);
}
