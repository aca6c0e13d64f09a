import { cliProject, packageJson, type CliProject } from "./support";

/**
 * A JavaScript project whose Pulumi.yaml names `main` in a subfolder, turns TypeScript off and gives node
 * arguments, and how a
 * failing program is reported: as Pulumi's host reports it (a RunError's message alone; a bare exit code as
 * "Program exited with non-zero exit code: N").
 */
const program = `
const pulumi = require("@pulumi/pulumi");
const mode = new pulumi.Config().get("mode") || "ok";
if (mode === "runerror") throw new pulumi.RunError("the spec names no apps: add one under apps");
if (mode === "exit") process.exit(3);
console.log("javascript program ran from " + __filename);
module.exports = { typescript: process.env.PULUMI_NODEJS_TYPESCRIPT, execArgv: process.execArgv.join(" ") };
`;

let project: CliProject;

beforeAll(async () => {
    project = cliProject({
        "Pulumi.yaml": "name: js-trial\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n    nodeargs: --max-old-space-size=321 --no-warnings\nmain: src/main.js\n",
        "package.json": packageJson("js-trial"),
        "src/main.js": program,
    });
    const init = await project.pulumi(["stack", "init", "dev"]);
    if (init.code !== 0) throw new Error(init.output);
});
afterAll(() => project?.cleanup());

test("main of Pulumi.yaml runs as JavaScript with the runtime options' node arguments", async () => {
    const result = await project.pulumi(["up", "--yes"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`javascript program ran from ${project.dir}/src/main.js`);
    const outputs = JSON.parse((await project.pulumi(["stack", "output", "--json"])).stdout) as Record<string, string>;
    expect(outputs).toEqual({ typescript: "false", execArgv: "--max-old-space-size=321 --no-warnings" });
});

test("a RunError is reported by its message alone, without a stack trace or an exit-code line", async () => {
    const result = await project.pulumi(["preview", "--config", "mode=runerror"]);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain("the spec names no apps: add one under apps");
    expect(result.output).not.toMatch(/\n\s+at .*main\.js/);
    expect(result.output).not.toContain("Program exited with non-zero exit code");
});

test("a program that exits with a code of its own is reported with that code", async () => {
    const result = await project.pulumi(["preview", "--config", "mode=exit"]);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain("Program exited with non-zero exit code: 3");
});
