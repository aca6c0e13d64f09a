import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { ProgramInfo, RunPluginRequest, RunRequest } from "@pulumi/pulumi/proto/language_pb";
import { runnerArguments } from "../../langhost/run";
import { choosePackageManager } from "../../langhost/packageManager";
import { pluginArguments } from "../../langhost/plugin";
import { repoRoot } from "../support/engine";

/**
 * How a Run request becomes the SDK runner's command line and environment (the CLI tests in this folder run
 * the same through the real CLI; these pin the mapping of every setting, including the ones a CLI test does
 * not reach cheaply: tsconfig, secret keys, organization).
 */
function request(options: Record<string, unknown>, entryPoint = "."): RunRequest {
    const info = new ProgramInfo().setRootDirectory(repoRoot).setProgramDirectory(repoRoot).setEntryPoint(entryPoint)
        .setOptions(Struct.fromJavaScript(options as never));
    const req = new RunRequest().setProject("p").setStack("s").setOrganization("acme").setPwd(repoRoot)
        .setMonitorAddress("127.0.0.1:1234").setDryrun(true).setParallel(4).setInfo(info)
        .setConfigsecretkeysList(["p:token"]);
    req.getConfigMap().set("p:label", "x").set("p:token", "secret-value");
    return req;
}

test("settings go to the runner as flags and environment, as Pulumi's host passes them", () => {
    const { argv, cwd, env } = runnerArguments(request({ typescript: false, tsconfig: "tsconfig.pulumi.json", nodeargs: "--no-warnings  --max-old-space-size=99" }), { engineAddress: "127.0.0.1:99" });
    expect(argv).toEqual([
        "--no-warnings", "--max-old-space-size=99",
        require.resolve("@pulumi/pulumi/cmd/run", { paths: [repoRoot] }),
        "--monitor", "127.0.0.1:1234", "--engine", "127.0.0.1:99", "--organization", "acme", "--project", "p", "--stack", "s",
        "--pwd", repoRoot, "--root-directory", repoRoot, "--dry-run", "--parallel", "4", ".",
    ]);
    expect(cwd).toBe(repoRoot);
    expect(env).toEqual({
        PULUMI_CONFIG: JSON.stringify({ "p:label": "x", "p:token": "secret-value" }),
        PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(["p:token"]),
        PULUMI_NODEJS_TYPESCRIPT: "false",
        PULUMI_NODEJS_TSCONFIG_PATH: "tsconfig.pulumi.json",
    });
});

test("a main file is passed by its absolute path; TypeScript is on unless turned off", () => {
    const { argv, env } = runnerArguments(request({}, "index.js"), {});
    expect(argv.at(-1)).toBe(path.join(repoRoot, "index.js"));
    expect(env.PULUMI_NODEJS_TYPESCRIPT).toBe("true");
    expect(env.PULUMI_NODEJS_TSCONFIG_PATH).toBeUndefined();
});

test("a runtime option of the wrong kind is named", () => {
    expect(() => runnerArguments(request({ packagemanager: "maven" }), {})).toThrow(/runtime\.options\.packagemanager/);
});

test("the package manager: the option when set, else the lock file's, else npm", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "logto-m2m-langhost-pm-"));
    try {
        expect(choosePackageManager(dir, {})).toBe("npm");
        writeFileSync(path.join(dir, "pnpm-lock.yaml"), "");
        expect(choosePackageManager(dir, { packagemanager: "auto" })).toBe("pnpm");
        expect(choosePackageManager(dir, { packagemanager: "yarn" })).toBe("yarn");
        writeFileSync(path.join(dir, "yarn.lock"), "");
        expect(choosePackageManager(dir, {})).toBe("yarn");
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
});

describe("RunPlugin's runners", () => {
    const pluginRequest = (kind: string): RunPluginRequest => new RunPluginRequest()
        .setKind(kind).setPwd("/work/somewhere").setArgsList(["127.0.0.1:5555"]).setEnvList(["PLUGIN_SETTING=on"])
        .setInfo(new ProgramInfo().setRootDirectory(repoRoot).setProgramDirectory(repoRoot).setEntryPoint("."));

    test("a provider plugin runs on cmd/run-plugin: <plugin folder> <args>", () => {
        const { argv, cwd, env } = pluginArguments(pluginRequest("resource"));
        expect(argv).toEqual([require.resolve("@pulumi/pulumi/cmd/run-plugin", { paths: [repoRoot] }), repoRoot, "127.0.0.1:5555"]);
        expect(cwd).toBe("/work/somewhere");
        expect(env.PLUGIN_SETTING).toBe("on");
    });

    test("a policy pack runs on cmd/run-policy-pack: <engine> <pack folder>, the order that runner takes", () => {
        const { argv } = pluginArguments(pluginRequest("analyzer"));
        expect(argv).toEqual([require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [repoRoot] }), "127.0.0.1:5555", repoRoot]);
    });
});
