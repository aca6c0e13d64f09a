import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { cliProject, packageJson, templateTsconfig, type CliProject } from "./support";

/**
 * A TypeScript project as `pulumi new typescript` makes it, run by the real CLI through this repo's language
 * host: Pulumi.yaml without `main`, index.ts type-checked by the SDK's ts-node, a dynamic resource, plain and
 * secret config, and what the program learns of its run (dry run, project, stack, organization, root folder,
 * parallelism).
 */
const program = `
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";

const log = ${JSON.stringify("CREATES")};
const provider: pulumi.dynamic.ResourceProvider = {
    async create(inputs: { label: string; log: string }) {
        fs.appendFileSync(inputs.log, inputs.label + "\\n");
        return { id: "thing-" + inputs.label, outs: inputs };
    },
};
class Thing extends pulumi.dynamic.Resource {
    constructor(name: string, args: { label: pulumi.Input<string>; log: string }) {
        super(provider, name, args, {});
    }
}

const config = new pulumi.Config();
const thing = new Thing("thing", { label: config.require("label"), log: require("path").resolve(log) });
console.log("dry-run=" + pulumi.runtime.isDryRun());

export const id = thing.id;
export const token = config.requireSecret("token");
export const project = pulumi.getProject();
export const stack = pulumi.getStack();
export const organization = pulumi.getOrganization();
export const rootDirectory = pulumi.getRootDirectory();
export const parallel = process.env.PULUMI_NODEJS_PARALLEL;
export const cwd = process.cwd();
`;

let project: CliProject;
const secret = "s3cr3t-d0-n0t-l3ak-7c1f";

beforeAll(async () => {
    project = cliProject({
        "Pulumi.yaml": "name: ts-trial\nruntime: nodejs\ndescription: a TypeScript program\n",
        "package.json": packageJson("ts-trial", { devDependencies: { typescript: "5.9.3" } }),
        "tsconfig.json": templateTsconfig,
        "index.ts": program,
    });
    for (const args of [["stack", "init", "dev"], ["config", "set", "label", "first"], ["config", "set", "--secret", "token", secret]]) {
        const result = await project.pulumi(args);
        if (result.code !== 0) throw new Error(`pulumi ${args.join(" ")}: ${result.output}`);
    }
});
afterAll(() => project?.cleanup());

test("preview runs the program as a dry run and creates nothing", async () => {
    const result = await project.pulumi(["preview"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("dry-run=true");
    expect(result.stdout).toMatch(/\+ 2 to create/);
    expect(result.output).not.toMatch(/using pulumi-language-nodejs from \$PATH/);
    expect(existsSync(path.join(project.dir, "CREATES"))).toBe(false);
});

test("up runs it for real with the stack's config, secret config and run settings", async () => {
    const result = await project.pulumi(["up", "--yes", "--parallel", "3"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("dry-run=false");
    expect(readFileSync(path.join(project.dir, "CREATES"), "utf8")).toBe("first\n");

    const outputs = JSON.parse((await project.pulumi(["stack", "output", "--json", "--show-secrets"])).stdout) as Record<string, string>;
    expect(outputs).toEqual({
        id: "thing-first", token: secret, project: "ts-trial", stack: "dev", organization: "organization",
        rootDirectory: project.dir, parallel: "3", cwd: project.dir,
    });
    // The secret config value stays a Pulumi secret: encrypted in the stored state, never in plaintext.
    const state = project.storedState("ts-trial", "dev");
    expect(state).not.toContain(secret);
    expect(state).toContain("ciphertext");
});

test("a second up is a no-op", async () => {
    const result = await project.pulumi(["up", "--yes"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/2 unchanged/);
    expect(readFileSync(path.join(project.dir, "CREATES"), "utf8")).toBe("first\n");
});

test("pulumi about names the language host's Node and the program's dependencies", async () => {
    const result = await project.pulumi(["about"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`This project is written in nodejs: executable='${process.execPath}' version='${process.versions.node}'`);
    expect(result.stdout).toMatch(/@pulumi\/pulumi\s+3\.259\.0/);
    expect(result.stdout).toMatch(/typescript\s+5\.9\.3/);
});

test("a type error fails the preview with the compiler's message, as under Pulumi's host", async () => {
    const broken = cliProject({
        "Pulumi.yaml": "name: ts-broken\nruntime: nodejs\n",
        "package.json": packageJson("ts-broken"),
        "tsconfig.json": templateTsconfig,
        "index.ts": "const n: number = \"not a number\";\nexport const value = n;\n",
    });
    try {
        await broken.pulumi(["stack", "init", "dev"]);
        const result = await broken.pulumi(["preview"]);
        expect(result.code).not.toBe(0);
        expect(result.output).toMatch(/index\.ts\(1,7\): error TS2322: Type 'string' is not assignable to type 'number'/);
    } finally {
        broken.cleanup();
    }
});
