import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import * as path from "node:path";
import { z } from "zod";

/** The parts of a package.json this host reads; anything else in it is left alone. */
const packageJsonSchema = z.object({
    name: z.string().optional(),
    version: z.string().optional(),
    dependencies: z.record(z.string(), z.string()).optional(),
    devDependencies: z.record(z.string(), z.string()).optional(),
    pulumi: z.object({
        resource: z.boolean().optional(),
        name: z.string().optional(),
        version: z.string().optional(),
        server: z.string().optional(),
        parameterization: z.object({ name: z.string(), version: z.string(), value: z.string() }).optional(),
    }).loose().optional(),
}).loose();

export type PackageJson = z.infer<typeof packageJsonSchema>;

export interface InstalledPackage {
    /** The folder holding its package.json (as found, not resolved through links). */
    dir: string;
    manifest: PackageJson;
}

/** A package.json, or undefined when it is missing or not a JSON object with the fields above. */
export function readPackageJson(dir: string): PackageJson | undefined {
    try {
        const parsed = packageJsonSchema.safeParse(JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")));
        return parsed.success ? parsed.data : undefined;
    } catch {
        return undefined;
    }
}

/** The nearest folder at or above `dir` that holds a package.json (the program's package root), else `dir`. */
export function packageRoot(dir: string): string {
    for (let current = path.resolve(dir); ; current = path.dirname(current)) {
        if (existsSync(path.join(current, "package.json"))) return current;
        if (path.dirname(current) === current) return path.resolve(dir);
    }
}

function subdirectories(dir: string): string[] {
    try {
        return readdirSync(dir, { withFileTypes: true })
            .filter((entry) => (entry.isDirectory() || entry.isSymbolicLink()) && !entry.name.startsWith("."))
            .map((entry) => path.join(dir, entry.name));
    } catch {
        return [];
    }
}

/**
 * Every package of the `node_modules` tree under `root`: hoisted ones, scoped ones (`@scope/name`) and nested
 * ones (`a/node_modules/b`), pnpm's linked store included. Each real folder is visited once, so links that
 * loop back (a package that is its own dependency, as this repo is) end the walk instead of repeating it.
 */
export function installedPackages(root: string): InstalledPackage[] {
    const found: InstalledPackage[] = [];
    const seen = new Set<string>();
    const walkModules = (modulesDir: string): void => {
        for (const entry of subdirectories(modulesDir)) {
            if (path.basename(entry).startsWith("@")) {
                for (const scoped of subdirectories(entry)) visitPackage(scoped);
            } else {
                visitPackage(entry);
            }
        }
    };
    const visitPackage = (dir: string): void => {
        let real: string;
        try { real = realpathSync(dir); } catch { return; } // a dangling link
        if (seen.has(real)) return;
        seen.add(real);
        const manifest = readPackageJson(dir);
        if (manifest !== undefined) found.push({ dir, manifest });
        walkModules(path.join(dir, "node_modules"));
    };
    walkModules(path.join(root, "node_modules"));
    return found;
}

/** Where `name` resolves from `fromDir` by Node's lookup (node_modules of each folder upwards). */
export function resolvePackageDir(name: string, fromDir: string): string | undefined {
    for (let current = path.resolve(fromDir); ; current = path.dirname(current)) {
        const candidate = path.join(current, "node_modules", name);
        if (existsSync(path.join(candidate, "package.json"))) return candidate;
        if (path.dirname(current) === current) return undefined;
    }
}
