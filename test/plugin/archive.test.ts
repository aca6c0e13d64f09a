import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { startLocalLogto, type LocalLogto } from "../../local-logto";
import { engineSandbox, inlineStack, pulumiBinary, repoRoot, type EngineSandbox } from "../support/engine";
import { logtoStackConfig } from "../support/topology";
import { resource } from "./support";

const run = promisify(execFile);

/**
 * The plugin archive as a user elsewhere gets it: `scripts/pack-plugin.sh` packs it, `pulumi plugin install
 * resource logto <version> --file <archive>` installs it into a fresh Pulumi home, and the engine runs it from
 * there: its schema is the committed one, and a resource goes through up and destroy.
 */
describe("the plugin archive", () => {
    let home: string;
    let logto: LocalLogto;
    let sandbox: EngineSandbox;
    const { version } = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string };

    beforeAll(async () => {
        home = mkdtempSync(path.join(tmpdir(), "logto-plugin-home-"));
        logto = await startLocalLogto({ port: 0 });
        sandbox = engineSandbox();
        sandbox.env.PULUMI_HOME = home;
    });

    afterAll(async () => {
        sandbox?.cleanup();
        await logto?.close();
        rmSync(home, { recursive: true, force: true });
    });

    it("installs with pulumi plugin install --file, serves the committed schema, and runs a resource", async () => {
        const { stdout } = await run("bash", [path.join(repoRoot, "scripts", "pack-plugin.sh")], { cwd: repoRoot, maxBuffer: 16 * 2 ** 20 });
        const archive = stdout.trim().split("\n").pop()!;
        expect(archive).toMatch(new RegExp(`pulumi-resource-logto-v${version.replace(/\./g, "\\.")}-linux-x64\\.tar\\.gz$`));
        const env = { ...process.env, PULUMI_HOME: home };
        await run(pulumiBinary(), ["plugin", "install", "resource", "logto", version, "--file", archive], { env });
        const listed = await run(pulumiBinary(), ["plugin", "ls", "--json"], { env });
        expect((JSON.parse(listed.stdout) as { name: string; kind: string; version: string }[]).map((p) => `${p.kind} ${p.name} ${p.version}`)).toContain(`resource logto ${version}`);
        const schema = await run(pulumiBinary(), ["package", "get-schema", `logto@${version}`], { env, maxBuffer: 16 * 2 ** 20 });
        // The CLI prints the schema as it binds it (empty lists left out): the same package, types and properties.
        type Schema = { name: string; version: string; resources: Record<string, { inputProperties: object; properties: object }>; functions: object };
        const served = JSON.parse(schema.stdout) as Schema;
        const committed = JSON.parse(readFileSync(path.join(repoRoot, "plugin", "schema.json"), "utf8")) as Schema;
        const shape = (s: Schema) => ({ name: s.name, version: s.version, functions: Object.keys(s.functions).sort(),
            resources: Object.fromEntries(Object.entries(s.resources).map(([k, r]) => [k, { inputs: r.inputProperties ?? {}, properties: r.properties ?? {} }])) });
        expect(shape(served)).toEqual(shape(committed));

        const stack = await inlineStack(sandbox, "logto-plugin-archive", "dev", async () => {
            const api = resource("ApiResource", "api", { name: "from the archive", indicator: "https://archive.api" });
            return { id: api.id };
        }, logtoStackConfig(logto));
        const up = await stack.up();
        expect(up.summary.resourceChanges).toEqual({ create: 2 });
        const state = (await stack.exportStack()).deployment as { resources: { type: string }[] };
        expect(state.resources.map((r) => r.type)).toContain(`pulumi:providers:logto`);
        await stack.destroy();
    });
});
