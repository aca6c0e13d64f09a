import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { repoRoot } from "../support/engine";
import { startLogtoTarget, type LogtoTarget } from "../support/logtoTarget";
import { yamlExample, type YamlExample } from "./support";

/**
 * The plugin as users elsewhere get it: the archive of `npm run package:plugin` (scripts/pack-plugin.sh), installed by `pulumi plugin
 * install resource logto <version> --file <archive>` into a fresh PULUMI_HOME (so neither setup's link to this
 * checkout nor anything else of it serves logto:index:*): it serves the committed schema, and examples/yaml
 * goes through the CLI against it.
 */
const stack = "dev";
const { version } = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string };

describe("the plugin archive", () => {
    let target: LogtoTarget;
    let ex: YamlExample;
    let work: string;
    let home: string;

    beforeAll(async () => {
        work = mkdtempSync(path.join(tmpdir(), "logto-plugin-archive-"));
        home = path.join(work, "pulumi-home");
        target = await startLogtoTarget();
        ex = yamlExample(target, { PULUMI_HOME: home });
    }, 300_000);

    afterAll(async () => {
        if (ex !== undefined) {
            await ex.pulumi(["destroy", "--yes", "--skip-preview", "--stack", stack]).catch(() => undefined);
            ex.cleanup();
        }
        await target?.close();
        rmSync(work, { recursive: true, force: true });
    });

    test("pulumi plugin install --file installs it into a fresh PULUMI_HOME", async () => {
        const archive = execFileSync("bash", [path.join(repoRoot, "scripts", "pack-plugin.sh")], {
            cwd: repoRoot, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"],
        }).trim().split("\n").pop()!;
        expect(path.basename(archive)).toBe(`pulumi-resource-logto-v${version}-linux-x64.tar.gz`);
        await ex.ok(["plugin", "install", "resource", "logto", version, "--file", archive]);
        const listed = (await ex.ok(["plugin", "ls", "--json"])).stdout;
        const plugins = JSON.parse(listed) as { name: string; kind: string; version: string }[];
        expect(plugins.filter((p) => p.name === "logto").map((p) => ({ kind: p.kind, version: p.version }))).toEqual([{ kind: "resource", version }]);
        // A copy of its own under the fresh home: nothing links back into this checkout.
        const installed = path.join(home, "plugins", `resource-logto-v${version}`);
        expect(statSync(path.join(installed, "pulumi-resource-logto")).mode & 0o111).not.toBe(0);
        expect(execFileSync("find", [installed, "-type", "l", "-lname", `${repoRoot}*`], { encoding: "utf8" })).toBe("");
        // The CLI prints the schema as it binds it (empty lists left out): the same package, types and properties.
        type Schema = { name: string; version: string; resources: Record<string, { inputProperties: object; properties: object }>; functions: object };
        const served = JSON.parse((await ex.ok(["package", "get-schema", `logto@${version}`])).stdout) as Schema;
        const committed = JSON.parse(readFileSync(path.join(repoRoot, "plugin", "schema.json"), "utf8")) as Schema;
        const shape = (s: Schema) => ({ name: s.name, version: s.version, functions: Object.keys(s.functions).sort(),
            resources: Object.fromEntries(Object.entries(s.resources).map(([k, r]) => [k, { inputs: r.inputProperties ?? {}, properties: r.properties ?? {} }])) });
        expect(shape(served)).toEqual(shape(committed));
    }, 600_000);

    test("examples/yaml goes up, makes no write on a second up, and is destroyed, on the installed plugin", async () => {
        await ex.initStack(stack);
        const up = await ex.ok(["up", "--yes", "--skip-preview", "--stack", stack]);
        expect(up.stdout).toMatch(/13 created/);
        const out = await ex.outputs(stack);
        const grant = await target.client.requestAppToken(out.apps.storefront.appId, out.apps.storefront.appSecret, ex.names.shopping, ["read:products", "write:products"]);
        expect(grant.scope).toEqual(["read:products"]);
        await ex.ok(["up", "--yes", "--skip-preview", "--expect-no-changes", "--stack", stack]);
        await ex.ok(["destroy", "--yes", "--skip-preview", "--stack", stack]);
        expect(await target.client.getApplication(out.apps.storefront.appId)).toBeUndefined();
    });
});
