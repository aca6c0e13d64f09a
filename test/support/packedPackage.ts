import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
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

function pointAtTarball(dir: string, tarball: string): void {
    const file = path.join(dir, "package.json");
    const pkg = JSON.parse(readFileSync(file, "utf8")) as { dependencies?: Record<string, string> };
    pkg.dependencies = { ...pkg.dependencies, "pulumi-logto-m2m": `file:${tarball}` };
    writeFileSync(file, `${JSON.stringify(pkg, null, 4)}\n`);
}

/**
 * Installs `dir`'s dependencies with the tarball in place of the registry's pulumi-logto-m2m: its package.json
 * dependency is pointed at the tarball (`file:`), as a user trying a local build would do, then `npm install`,
 * once per tarball content and dependency list: the install is kept under .tools/packed-installs/ and `dir/node_modules` links to it, so the
 * test files that need the same install (the package test, the CLI tests) pay for npm once. npm pack writes
 * fixed timestamps, so an unchanged build gives the same tarball and the same key.
 */
export function linkSharedInstall(dir: string, tarball = packedTarball()): void {
    pointAtTarball(dir, tarball);
    const pkg = readFileSync(path.join(dir, "package.json"), "utf8");
    const key = createHash("sha256").update(readFileSync(tarball)).update(JSON.stringify(dependencyLists(pkg))).digest("hex").slice(0, 16);
    const root = path.join(repoRoot, ".tools", "packed-installs");
    const done = path.join(root, key);
    if (!existsSync(path.join(done, ".installed"))) {
        mkdirSync(root, { recursive: true });
        const partial = mkdtempSync(path.join(root, `${key}.partial-`));
        writeFileSync(path.join(partial, "package.json"), pkg);
        npm(["install", "--prefer-offline"], partial);
        writeFileSync(path.join(partial, ".installed"), "");
        rmSync(done, { recursive: true, force: true });
        renameSync(partial, done);
        pruneOldInstalls(root, key);
    }
    symlinkSync(path.join(done, "node_modules"), path.join(dir, "node_modules"), "dir");
}

function dependencyLists(packageJson: string): unknown {
    const pkg = JSON.parse(packageJson) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
    // The tarball's path differs per process; its content is in the key already.
    const sorted = (deps: Record<string, string> = {}) => Object.entries(deps)
        .map(([name, version]) => [name, name === "pulumi-logto-m2m" ? "(tarball)" : version])
        .sort(([a], [b]) => a!.localeCompare(b!));
    return [sorted(pkg.dependencies), sorted(pkg.devDependencies)];
}

// Installs of older builds: removed after a day (a day-old one is no test's current install).
function pruneOldInstalls(root: string, keep: string): void {
    const dayAgo = Date.now() - 24 * 3600 * 1000;
    for (const entry of readdirSync(root)) {
        if (entry === keep) continue;
        const full = path.join(root, entry);
        if (statSync(full).mtimeMs < dayAgo) rmSync(full, { recursive: true, force: true });
    }
}
