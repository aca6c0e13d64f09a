import { execFile, execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { repoRoot } from "../support/engine";
import { linkSharedInstall, ownPackageJson, packDryRun, pinnedVersion, type PackedFile } from "../support/packedPackage";

// The package as users install it: what the tarball holds, and a fresh project made like `pulumi new typescript`
// that compiles against it with the template's tsconfig unchanged (no esModuleInterop, no skipLibCheck) and
// under the other module resolutions a project may use.

const pkg = ownPackageJson();
const subpaths = Object.keys(pkg.exports).filter((key) => key !== "./package.json");
const specifiers = subpaths.map((key) => (key === "." ? pkg.name : `${pkg.name}/${key.slice(2)}`));

describe("npm pack", () => {
    let files: PackedFile[];
    let names: string[];
    beforeAll(() => {
        files = packDryRun();
        names = files.map((f) => f.path);
    });

    test("ships no test, no TypeScript source, no CI, Go, benchmark, example or local-Logto file", () => {
        const unwanted = names.filter((name) =>
            /(^|\/)test(\/|$)/.test(name) ||
            (name.endsWith(".ts") && !name.endsWith(".d.ts")) ||
            name.startsWith(".ci/") || name.startsWith("tools/") || /\.go$|(^|\/)go\.(mod|sum)$/.test(name) ||
            /BENCHMARKS/i.test(name) || name.includes("examples/") || name.includes("local-logto/") ||
            name.endsWith(".map") || name.startsWith("scripts/"));
        expect(unwanted).toEqual([]);
    });

    test("ships the compiled library with its declarations, README, LICENSE and package.json", () => {
        for (const name of ["README.md", "LICENSE", "package.json", "dist/library.js", "dist/library.d.ts"]) expect(names).toContain(name);
        expect(readFileSync(path.join(repoRoot, "LICENSE"), "utf8")).toContain("Apache License");
        // Every compiled module beside its declaration, so no import finds one without the other.
        for (const name of names.filter((n) => n.endsWith(".js") && !n.startsWith("dist/scripts/"))) {
            expect(names).toContain(name.replace(/\.js$/, ".d.ts"));
        }
    });

    test("exports and typesVersions name no test fixture and point at shipped files", () => {
        expect(subpaths.filter((key) => /test|fixture/.test(key))).toEqual([]);
        for (const [key, target] of Object.entries(pkg.exports)) {
            const targets = typeof target === "string" ? [target] : [target.types, target.default];
            for (const t of targets) expect({ key, shipped: names.includes(t.replace(/^\.\//, "")) }).toEqual({ key, shipped: true });
        }
        for (const [key, targets] of Object.entries(pkg.typesVersions["*"] ?? {})) {
            expect(pkg.exports[`./${key}`]).toBeDefined();
            for (const t of targets) expect({ key, shipped: names.includes(t) }).toEqual({ key, shipped: true });
        }
        for (const bin of Object.values(pkg.bin)) expect(names).toContain(bin);
    });

    test("every module the serialized providers require by name is exported", () => {
        // The state holds `require("pulumi-logto-m2m/providers/<type>")`; an unexported one fails at refresh or destroy.
        const required = new Set<string>();
        for (const name of names.filter((n) => n.endsWith(".js"))) {
            const text = readFileSync(path.join(repoRoot, name), "utf8");
            for (const m of text.matchAll(/"pulumi-logto-m2m\/([\w/]+)"/g)) required.add(`./${m[1]}`);
        }
        expect(required.size).toBeGreaterThanOrEqual(6);
        expect([...required].filter((key) => !(key in pkg.exports))).toEqual([]);
    });
});

// tsconfig of `pulumi new typescript` (github.com/pulumi/templates, typescript/tsconfig.json) with the module
// settings each case names; "commonjs/node" is the template before March 2026, "nodenext" the template since.
const templateOptions = {
    strict: true,
    outDir: "bin",
    target: "es2020",
    sourceMap: true,
    experimentalDecorators: true,
    pretty: true,
    noFallthroughCasesInSwitch: true,
    noImplicitReturns: true,
    forceConsistentCasingInFileNames: true,
};

const settings: Array<{ name: string; module: string; moduleResolution: string; files: string[] }> = [
    { name: "the template before March 2026 (module commonjs, moduleResolution node)", module: "commonjs", moduleResolution: "node", files: ["index.ts"] },
    // index.mts: the same program as an ES module.
    { name: "the template since March 2026 (nodenext), CommonJS and ES module programs", module: "nodenext", moduleResolution: "nodenext", files: ["index.ts", "index.mts"] },
    { name: "node16", module: "node16", moduleResolution: "node16", files: ["index.ts"] },
    { name: "bundler (module esnext)", module: "esnext", moduleResolution: "bundler", files: ["index.ts"] },
];

// A program that uses the public API with its types: the ts-expect-error lines fail to compile if an import
// resolved to `any` (a declaration that was not found) rather than to the package's declarations.
const program = `import * as pulumi from "@pulumi/pulumi";
${specifiers.map((s, i) => `import * as m${i} from "${s}";`).join("\n")}
import { LogtoM2M, validateSpec, type SpecInput } from "pulumi-logto-m2m";
import { ApiResource } from "pulumi-logto-m2m/providers/apiResource";

const spec: SpecInput = {
    resources: [{ name: "Shopping API", indicator: "https://shopping.api", permissions: ["read:products"] }],
    roles: [{ name: "reader", permissions: [{ resource: "https://shopping.api", permissions: ["read:products"] }] }],
    apps: [{ name: "storefront", roles: ["reader"], secrets: [{ name: "ci", expiresAt: "2030-01-01" }] }],
};
const m2m = new LogtoM2M("m2m", { spec });
const api = new ApiResource("api", { name: "Inventory", indicator: "https://inventory.api" });
// @ts-expect-error the indicator is required
new ApiResource("bad", { name: "no indicator" });
// @ts-expect-error apps are a list
const wrong: SpecInput = { apps: { name: "x" } };

export const appId: pulumi.Output<string> = m2m.apps["storefront"]!.appId;
export const indicator: pulumi.Output<string> = api.indicator;
export const checked = validateSpec(spec, {}).apps.length;
export const modules = [${specifiers.map((_, i) => `m${i}`).join(", ")}, wrong];
`;

function compile(dir: string, setting: (typeof settings)[number]): Promise<{ code: number; output: string }> {
    const { module, moduleResolution, files } = setting;
    const config = path.join(dir, `tsconfig.${module}.${moduleResolution}.json`);
    writeFileSync(config, JSON.stringify({ compilerOptions: { ...templateOptions, module, moduleResolution, noEmit: true }, files }, null, 4));
    // Never rejects: a compiler that could not run is a failed compile, reported by its test.
    return new Promise((resolve) => {
        execFile(process.execPath, [path.join(dir, "node_modules", "typescript", "bin", "tsc"), "-p", config, "--pretty", "false"],
            { cwd: dir, encoding: "utf8", maxBuffer: 16 * 1024 * 1024 },
            (error, stdout, stderr) => resolve({
                code: error === null ? 0 : typeof error.code === "number" ? error.code : -1,
                output: `${stdout}${stderr}${error !== null && typeof error.code !== "number" ? error.message : ""}`,
            }));
    });
}

describe("a project made like `pulumi new typescript`, against the packed package", () => {
    let dir: string;
    const compiled = new Map<string, Promise<{ code: number; output: string }>>();
    beforeAll(() => {
        dir = mkdtempSync(path.join(tmpdir(), "logto-m2m-newproject-"));
        writeFileSync(path.join(dir, "package.json"), JSON.stringify({
            name: "new-project",
            main: "index.ts",
            devDependencies: { "@types/node": pinnedVersion("@types/node"), typescript: pinnedVersion("typescript") },
            dependencies: { "@pulumi/pulumi": pinnedVersion("@pulumi/pulumi") },
        }, null, 4));
        writeFileSync(path.join(dir, "index.ts"), program);
        writeFileSync(path.join(dir, "index.mts"), program);
        // `npm install` of these dependencies and the tarball (the CLI tests' platform repo has the same list).
        linkSharedInstall(dir);
        // Two compilers at a time (the machine has two cores); each test awaits its own.
        const queue: Array<() => void> = [];
        let running = 0;
        const acquire = () => new Promise<void>((resolve) => (running < 2 ? (running++, resolve()) : queue.push(resolve)));
        const release = () => { const next = queue.shift(); if (next) next(); else running--; };
        for (const setting of settings) {
            compiled.set(setting.name, acquire().then(() => compile(dir, setting)).finally(release));
        }
    });
    afterAll(() => {
        if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test.each(settings)("compiles under $name", async ({ name }) => {
        const tsc = await compiled.get(name)!;
        expect(tsc.output).toBe("");
        expect(tsc.code).toBe(0);
    });

    test("each exported module loads from the install, CommonJS and ES module alike", () => {
        const cjs = `for (const s of ${JSON.stringify(specifiers)}) require(s); console.log("ok")`;
        expect(execFileSync(process.execPath, ["-e", cjs], { cwd: dir, encoding: "utf8" }).trim()).toBe("ok");
        const esm = `${specifiers.map((s, i) => `import * as m${i} from "${s}";`).join("")} console.log([${specifiers.map((_, i) => `m${i}`).join(",")}].every((m) => Object.keys(m).length > 0) ? "ok" : "empty")`;
        expect(execFileSync(process.execPath, ["--input-type=module", "-e", esm], { cwd: dir, encoding: "utf8" }).trim()).toBe("ok");
    });

    test("the verify command is installed as a bin", () => {
        const run = spawnSync(path.join(dir, "node_modules", ".bin", "logto-m2m-verify"), [], { cwd: dir, input: "{}", encoding: "utf8" });
        expect(run.stderr).toContain("no `apps` output");
        expect(run.status).toBe(1);
    });

    test("the logto-m2m command runs from the install with npx: npx logto-m2m --help", () => {
        const run = spawnSync("npx", ["logto-m2m", "--help"], { cwd: dir, encoding: "utf8" });
        expect(run.stdout).toContain("Usage: logto-m2m <command>");
        expect(run.status).toBe(0);
    });
});
