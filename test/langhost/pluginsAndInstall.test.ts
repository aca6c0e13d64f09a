import { existsSync, readFileSync, symlinkSync } from "node:fs";
import * as path from "node:path";
import { pulumiBinary, repoRoot } from "../support/engine";
import { cliProject, packageJson } from "./support";

/**
 * RunPlugin: a Node provider plugin (a folder with PulumiPlugin.yaml `runtime: nodejs`, as Pulumi.yaml's
 * `plugins.providers` names it) started by the CLI through this language host; and `pulumi install`.
 */
const providerPlugin = {
    "tiny-provider/PulumiPlugin.yaml": "runtime: nodejs\n",
    "tiny-provider/package.json": JSON.stringify({ name: "tiny-provider", version: "0.0.1", main: "index.js" }),
    "tiny-provider/index.js": `
const { main } = require("@pulumi/pulumi/provider");
main({
    version: "0.0.1",
    async create(urn, inputs) {
        return { id: "tiny-" + inputs.size, outs: { ...inputs, madeBy: "tiny-provider pid " + process.pid } };
    },
}, process.argv.slice(2));
`,
};

test("a Node provider plugin runs through RunPlugin and serves the program's custom resource", async () => {
    const project = cliProject({
        "Pulumi.yaml": "name: plugin-trial\nruntime: nodejs\nplugins:\n  providers:\n    - name: tiny\n      path: ./tiny-provider\n",
        "package.json": packageJson("plugin-trial"),
        "index.js": `
const pulumi = require("@pulumi/pulumi");
const thing = new pulumi.CustomResource("tiny:index:Thing", "thing", { size: 7, madeBy: undefined });
module.exports = { id: thing.id, madeBy: thing.madeBy };
`,
        ...providerPlugin,
    });
    symlinkSync(path.join(repoRoot, "node_modules"), path.join(project.dir, "tiny-provider", "node_modules"), "dir");
    try {
        await project.pulumi(["stack", "init", "dev"]);
        const up = await project.pulumi(["up", "--yes"]);
        expect(up.code).toBe(0);
        const outputs = JSON.parse((await project.pulumi(["stack", "output", "--json"])).stdout) as Record<string, string>;
        expect(outputs.id).toBe("tiny-7");
        expect(outputs.madeBy).toMatch(/^tiny-provider pid \d+$/);
    } finally {
        project.cleanup();
    }
});

test("pulumi install installs the project's dependencies with npm", async () => {
    const project = cliProject({
        "Pulumi.yaml": "name: install-trial\nruntime: nodejs\n",
        "package.json": packageJson("install-trial", { dependencies: { "local-helper": "file:./local-helper" } }),
        "local-helper/package.json": JSON.stringify({ name: "local-helper", version: "4.5.6" }),
    }, { linkNodeModules: false });
    try {
        const result = await project.pulumi(["install"]);
        expect(result.code).toBe(0);
        expect(result.output).toContain("Installing dependencies with npm");
        expect(JSON.parse(readFileSync(path.join(project.dir, "node_modules", "local-helper", "package.json"), "utf8"))).toMatchObject({ version: "4.5.6" });
        expect(existsSync(path.join(project.dir, "package-lock.json"))).toBe(true);
    } finally {
        project.cleanup();
    }
});

test("runtime.options.packagemanager picks the installer, and one that is missing is named in the error", async () => {
    const project = cliProject({
        "Pulumi.yaml": "name: pnpm-trial\nruntime:\n  name: nodejs\n  options:\n    packagemanager: pnpm\n",
        "package.json": packageJson("pnpm-trial"),
    }, { linkNodeModules: false });
    // A PATH with the CLI's folder (where the language host sits) and Node's only: no pnpm on it.
    project.env.PATH = [path.dirname(pulumiBinary()), path.dirname(process.execPath), "/usr/bin", "/bin"]
        .filter((dir) => !existsSync(path.join(dir, "pnpm"))).join(path.delimiter);
    try {
        const result = await project.pulumi(["install"]);
        expect(result.code).not.toBe(0);
        expect(result.output).toContain("pnpm is not installed (not found on PATH)");
    } finally {
        project.cleanup();
    }
});
