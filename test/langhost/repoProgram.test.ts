import { existsSync, renameSync, rmSync } from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../support/engine";
import { startLogtoTarget, type LogtoTarget } from "../support/logtoTarget";
import { cliProject, type CliProject } from "./support";

/**
 * The repo's own Pulumi.yaml through the CLI, as `npm run demo` and a user run it: `main: dist/index.js`, which
 * the CLI runs in dist/, with the spec file of Pulumi.yaml's default (relative to the project folder). Preview
 * only: it reads Logto and creates nothing. The stack's config file and state stay in a temp folder.
 */
let target: LogtoTarget;
let sandbox: CliProject;
let stack: string;
let configFile: string;

beforeAll(async () => {
    target = await startLogtoTarget();
    sandbox = cliProject({}, { linkNodeModules: false });
    stack = `repo-program-${target.runId}`;
    configFile = path.join(sandbox.stateDir, `Pulumi.${stack}.yaml`);
});
afterAll(async () => {
    rmSync(path.join(repoRoot, `Pulumi.${stack}.yaml`), { force: true });
    sandbox?.cleanup();
    await target?.close();
});

test("preview of the repo's Pulumi.yaml finds the spec file relative to the project folder", async () => {
    const inRepo = { cwd: repoRoot };
    expect((await sandbox.pulumi(["stack", "init", stack], inRepo)).code).toBe(0);
    // stack init writes the stack's config (its encryption salt) beside Pulumi.yaml: moved to the temp folder.
    const written = path.join(repoRoot, `Pulumi.${stack}.yaml`);
    if (existsSync(written)) renameSync(written, configFile);
    const settings = Object.entries(target.stackConfig()).flatMap(([key, { value, secret }]) => [secret ? "--secret" : "--plaintext", `${key}=${value}`]);
    const set = await sandbox.pulumi(["config", "set-all", "--stack", stack, "--config-file", configFile, ...settings], inRepo);
    expect(set.code).toBe(0);
    const preview = await sandbox.pulumi(["preview", "--stack", stack, "--config-file", configFile], inRepo);
    expect(preview.output).not.toContain("cannot read the spec file");
    expect(preview.code).toBe(0);
    expect(preview.stdout).toMatch(/\+ 13 to create/);
});
