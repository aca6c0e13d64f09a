import { DependencyInfo } from "@pulumi/pulumi/proto/language_pb";
import { PackageDependency, PackageParameterization, PluginDependency } from "@pulumi/pulumi/proto/plugin_pb";
import { installedPackages, packageRoot, readPackageJson, resolvePackageDir, type PackageJson } from "./nodeModules";

/** A resource plugin a package of the program's node_modules declares (`"pulumi": {"resource": true}`). */
export interface RequiredPackage {
    name: string;
    version: string;
    server: string;
    parameterization?: { name: string; version: string; value: Uint8Array };
}

function pluginName(manifest: PackageJson): string | undefined {
    if (manifest.pulumi?.name !== undefined) return manifest.pulumi.name;
    // A provider SDK without an explicit name is named after its package: @pulumi/aws -> aws.
    return manifest.name?.replace(/^@pulumi\//, "").replace(/^pulumi-/, "");
}

/**
 * The resource plugins of the whole node_modules tree of the program's package, each name@version once: what
 * the CLI installs (or checks) before it runs the program.
 */
export function requiredPackages(programDirectory: string): RequiredPackage[] {
    const byKey = new Map<string, RequiredPackage>();
    for (const { manifest } of installedPackages(packageRoot(programDirectory))) {
        const pulumi = manifest.pulumi;
        if (pulumi?.resource !== true) continue;
        const name = pluginName(manifest);
        const version = pulumi.version ?? manifest.version ?? "";
        if (name === undefined || name === "") continue;
        const found: RequiredPackage = { name, version, server: pulumi.server ?? "" };
        if (pulumi.parameterization !== undefined) {
            found.parameterization = { ...pulumi.parameterization, value: Buffer.from(pulumi.parameterization.value, "base64") };
        }
        byKey.set(`${name}@${version}@${found.parameterization?.name ?? ""}`, found);
    }
    return [...byKey.values()].sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
}

export function toPackageDependency(p: RequiredPackage): PackageDependency {
    const dep = new PackageDependency().setName(p.name).setKind("resource").setVersion(p.version).setServer(p.server);
    if (p.parameterization !== undefined) {
        dep.setParameterization(new PackageParameterization()
            .setName(p.parameterization.name).setVersion(p.parameterization.version).setValue(p.parameterization.value));
    }
    return dep;
}

export function toPluginDependency(p: RequiredPackage): PluginDependency {
    return new PluginDependency().setName(p.name).setKind("resource").setVersion(p.version).setServer(p.server);
}

/**
 * The program's dependencies as installed: the direct ones of its package.json (dependencies and
 * devDependencies) at the versions node_modules holds, or with `transitive` every installed package.
 * node_modules is what the program loads, whatever package manager wrote it.
 */
export function programDependencies(programDirectory: string, transitive: boolean): DependencyInfo[] {
    const root = packageRoot(programDirectory);
    const result = new Map<string, string>();
    if (transitive) {
        for (const { manifest } of installedPackages(root)) {
            if (manifest.name !== undefined && manifest.version !== undefined) result.set(`${manifest.name}@${manifest.version}`, manifest.version);
        }
        return [...result.entries()].sort(([a], [b]) => a.localeCompare(b))
            .map(([key, version]) => new DependencyInfo().setName(key.slice(0, key.length - version.length - 1)).setVersion(version));
    }
    const manifest = readPackageJson(root);
    const declared = { ...manifest?.devDependencies, ...manifest?.dependencies };
    for (const [name, range] of Object.entries(declared)) {
        const dir = resolvePackageDir(name, root);
        const installed = dir === undefined ? undefined : readPackageJson(dir)?.version;
        // Not installed: the declared range, so `pulumi about` still names it (as npm ls shows it missing).
        result.set(name, installed ?? range);
    }
    return [...result.entries()].sort(([a], [b]) => a.localeCompare(b))
        .map(([name, version]) => new DependencyInfo().setName(name).setVersion(version));
}

