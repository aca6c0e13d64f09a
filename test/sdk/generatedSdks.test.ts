import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { repoRoot } from "../support/engine";

// The SDKs users elsewhere build from the plugin's schema (npm run gen-sdks): generated with Pulumi's own code
// generators, then compiled as each language's users would: the Go module with `go build` on the Go SDK from
// the Go proxy, the Python package installed into a venv beside `pulumi` from PyPI and imported. Programs in
// those languages need their language hosts, which are not obtainable here; this proves the SDKs, not a run.

const schemaPath = path.join(repoRoot, "plugin", "schema.json");
const schema = JSON.parse(readFileSync(schemaPath, "utf8")) as {
    resources: Record<string, unknown>;
    functions: Record<string, unknown>;
};
const pulumiVersion = /PULUMI_VERSION=(\S+)/.exec(readFileSync(path.join(repoRoot, "scripts", "versions.sh"), "utf8"))![1];
const typeNames = Object.keys(schema.resources).map((token) => token.split(":")[2]);
const functionNames = Object.keys(schema.functions).map((token) => token.split(":")[2]);

function run(cmd: string, args: string[], cwd: string): string {
    return execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 << 20 });
}

let out: string;
beforeAll(() => {
    out = mkdtempSync(path.join(tmpdir(), "logto-sdks-"));
    run("bash", [path.join(repoRoot, "scripts", "gen-sdks.sh"), out], repoRoot);
}, 600_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

test("Go: the module and a program on it build against github.com/pulumi/pulumi/sdk/v3 at the CLI's version", () => {
    const goMod = readFileSync(path.join(out, "go", "go.mod"), "utf8");
    expect(goMod).toContain(`github.com/pulumi/pulumi/sdk/v3 v${pulumiVersion}`);
    const pkgDir = path.join(out, "go", "logto");
    const sources = readdirSync(pkgDir).join(" ");
    for (const name of [...typeNames, "provider"]) expect(sources.toLowerCase()).toContain(`${name.toLowerCase()}.go`);
    // A program against the SDK compiles too: an explicit provider, a resource on it and a lookup.
    const prog = path.join(out, "go", "cmd", "example");
    execFileSync("mkdir", ["-p", prog]);
    writeFileSync(path.join(prog, "main.go"), `package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"${/module (\S+)/.exec(goMod)![1]}/logto"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		prod, err := logto.NewProvider(ctx, "prod", &logto.ProviderArgs{
			Endpoint: pulumi.String("https://auth.example.com"), AppId: pulumi.String("bootstrap"),
			AppSecret: pulumi.String("s"),
		})
		if err != nil {
			return err
		}
		api, err := logto.NewApiResource(ctx, "shop", &logto.ApiResourceArgs{
			Name: pulumi.String("Shopping API"), Indicator: pulumi.String("https://shopping.api"),
		}, pulumi.Provider(prod))
		if err != nil {
			return err
		}
		ctx.Export("apiId", api.ID())
		return nil
	})
}
`);
    // Several packages at once: compiled and type-checked, the program not linked (linking the SDK costs a minute).
    run("go", ["build", "./..."], path.join(out, "go"));
});

test("Python: installs into a venv with pulumi from PyPI and imports every resource, function and the config", () => {
    const venv = path.join(out, "venv");
    run("python3", ["-m", "venv", venv], out);
    const pip = path.join(venv, "bin", "pip");
    run(pip, ["install", "-q", "--disable-pip-version-check", `pulumi==${pulumiVersion}`], out);
    run(pip, ["install", "-q", "--disable-pip-version-check", path.join(out, "python")], out);
    const names = JSON.stringify([...typeNames, "Provider"]);
    const fns = JSON.stringify(functionNames.map((n) => n.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)));
    const probe = `
import inspect, json, pulumi, pulumi_logto, pulumi_logto.config
missing = [n for n in json.loads('${names}') if not inspect.isclass(getattr(pulumi_logto, n, None)) or not issubclass(getattr(pulumi_logto, n), pulumi.CustomResource)]
missing += [f for f in json.loads('${fns}') if not callable(getattr(pulumi_logto, f, None))]
print(json.dumps({"missing": missing, "file": pulumi_logto.__file__}))
`;
    // From a folder outside the SDK, so the import is the installed package, not the source tree.
    const result = JSON.parse(run(path.join(venv, "bin", "python"), ["-c", probe], tmpdir()).trim()) as { missing: string[]; file: string };
    expect(result.missing).toEqual([]);
    expect(result.file.startsWith(venv)).toBe(true);
});

const dotnet = spawnSync("dotnet", ["--version"], { encoding: "utf8" });
test(".NET: the project and a class per resource are generated", () => {
    const dir = path.join(out, "dotnet");
    const files = readdirSync(dir);
    expect(files.filter((f) => f.endsWith(".csproj"))).toHaveLength(1);
    for (const name of [...typeNames, "Provider"]) expect(files).toContain(`${name}.cs`);
});
if (dotnet.status === 0) {
    test(".NET: dotnet build", () => {
        run("dotnet", ["build", "-nologo"], path.join(out, "dotnet"));
    }, 600_000);
} else {
    test.skip(".NET: dotnet build (no .NET SDK on this machine; Debian has none and NuGet is not reachable)", () => {});
}
