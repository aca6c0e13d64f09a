import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import type { LanguageRuntimeClient as Client } from "@pulumi/pulumi/proto/language_grpc_pb";
import {
    GetProgramDependenciesRequest, GetRequiredPackagesRequest, GetRequiredPluginsRequest, ProgramInfo,
    type GetProgramDependenciesResponse, type GetRequiredPackagesResponse, type GetRequiredPluginsResponse,
} from "@pulumi/pulumi/proto/language_pb";
import type { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import { repoRoot } from "../support/engine";
import { writeFiles } from "./support";

/**
 * The host as the CLI sees it, over its real gRPC port: the port alone on stdout's first line, plugin info,
 * the resource plugins of a whole node_modules tree, the program's dependencies, and its end when the CLI goes
 * (stdin closed, engine gone). The CLI's own calls of these are in the other files of this folder.
 */
const grpc = createRequire(require.resolve("@pulumi/pulumi/package.json"))("@grpc/grpc-js") as typeof import("@grpc/grpc-js");
const { LanguageRuntimeClient } = require("@pulumi/pulumi/proto/language_grpc_pb") as typeof import("@pulumi/pulumi/proto/language_grpc_pb");

interface StartedHost {
    child: ChildProcessWithoutNullStreams;
    firstLine: string;
    client: Client;
    exited: Promise<number | null>;
}

async function startHost(engineAddress: string): Promise<StartedHost> {
    const child = spawn(path.join(repoRoot, "bin", "pulumi-language-nodejs"), [engineAddress], { stdio: ["pipe", "pipe", "pipe"] });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const firstLine = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (chunk: Buffer) => {
            out += chunk.toString();
            if (out.includes("\n")) resolve(out.slice(0, out.indexOf("\n")));
        });
        child.once("exit", (code) => reject(new Error(`host exited (${code}) before printing its port`)));
    });
    const client = new LanguageRuntimeClient(`127.0.0.1:${firstLine}`, grpc.credentials.createInsecure());
    return { child, firstLine, client, exited };
}

function call<Res>(send: (callback: (error: Error | null, res: Res) => void) => unknown): Promise<Res> {
    return new Promise((resolve, reject) => send((error, res) => (error ? reject(error) : resolve(res))));
}

function pkg(name: string, version: string, extra: Record<string, unknown> = {}): string {
    return JSON.stringify({ name, version, ...extra });
}

let base: string;
let engine: Server;
let engineAddress: string;
let host: StartedHost;

beforeAll(async () => {
    base = mkdtempSync(path.join(tmpdir(), "logto-m2m-langhost-proto-"));
    // A program whose node_modules holds provider packages hoisted, scoped, nested, twice at one version, and
    // a link back to the program itself (as this repo is its own dependency).
    writeFiles(base, {
        "program/package.json": pkg("program", "1.0.0", { dependencies: { "@acme/pulumi-widgets": "^2.0.0", plain: "1.0.0", missing: "^9.0.0" } }),
        "program/node_modules/@acme/pulumi-widgets/package.json": pkg("@acme/pulumi-widgets", "2.1.0", { pulumi: { resource: true, name: "widgets", server: "https://example.test/widgets" } }),
        "program/node_modules/@pulumi/gadgets/package.json": pkg("@pulumi/gadgets", "0.4.0", { pulumi: { resource: true } }),
        "program/node_modules/plain/package.json": pkg("plain", "1.0.0", { pulumi: { comment: "not a resource plugin" } }),
        "program/node_modules/plain/node_modules/@pulumi/gadgets/package.json": pkg("@pulumi/gadgets", "0.3.0", { pulumi: { resource: true } }),
        "program/node_modules/other/node_modules/@pulumi/gadgets/package.json": pkg("@pulumi/gadgets", "0.3.0", { pulumi: { resource: true } }),
        "program/node_modules/param/package.json": pkg("param", "1.0.0", {
            pulumi: { resource: true, name: "terraform-provider", version: "0.10.0", parameterization: { name: "gizmo", version: "3.0.0", value: Buffer.from("gizmo-args").toString("base64") } },
        }),
    });
    mkdirSync(path.join(base, "program", "node_modules", "other"), { recursive: true });
    symlinkSync("..", path.join(base, "program", "node_modules", "program"), "dir");
    engine = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => engine.listen(0, "127.0.0.1", resolve));
    engineAddress = `127.0.0.1:${(engine.address() as { port: number }).port}`;
    host = await startHost(engineAddress);
});
afterAll(() => {
    host?.child.kill();
    engine?.close();
    rmSync(base, { recursive: true, force: true });
});

function info(dir: string): ProgramInfo {
    return new ProgramInfo().setRootDirectory(dir).setProgramDirectory(dir).setEntryPoint(".");
}

test("the first line on stdout is the port alone", () => {
    expect(host.firstLine).toMatch(/^\d+$/);
});

test("GetPluginInfo answers the version of the SDK the host is built on", async () => {
    const answer = await call<PluginInfo>((cb) => host.client.getPluginInfo(new Empty(), cb));
    expect(answer.getVersion()).toBe((require("@pulumi/pulumi/package.json") as { version: string }).version);
});

test("GetRequiredPackages lists every resource plugin of the node_modules tree once", async () => {
    const answer = await call<GetRequiredPackagesResponse>((cb) => host.client.getRequiredPackages(new GetRequiredPackagesRequest().setInfo(info(path.join(base, "program"))), cb));
    const packages = answer.getPackagesList().map((p) => ({
        name: p.getName(), version: p.getVersion(), kind: p.getKind(), server: p.getServer(),
        parameterization: p.getParameterization() && {
            name: p.getParameterization()!.getName(), version: p.getParameterization()!.getVersion(),
            value: Buffer.from(p.getParameterization()!.getValue_asU8()).toString(),
        },
    }));
    expect(packages).toEqual([
        { name: "gadgets", version: "0.3.0", kind: "resource", server: "", parameterization: undefined },
        { name: "gadgets", version: "0.4.0", kind: "resource", server: "", parameterization: undefined },
        { name: "terraform-provider", version: "0.10.0", kind: "resource", server: "", parameterization: { name: "gizmo", version: "3.0.0", value: "gizmo-args" } },
        { name: "widgets", version: "2.1.0", kind: "resource", server: "https://example.test/widgets", parameterization: undefined },
    ]);
});

test("GetRequiredPlugins, the CLI's fallback, lists the same plugins", async () => {
    const answer = await call<GetRequiredPluginsResponse>((cb) => host.client.getRequiredPlugins(new GetRequiredPluginsRequest().setInfo(info(path.join(base, "program"))), cb));
    expect(answer.getPluginsList().map((p) => `${p.getKind()} ${p.getName()}@${p.getVersion()}`))
        .toEqual(["resource gadgets@0.3.0", "resource gadgets@0.4.0", "resource terraform-provider@0.10.0", "resource widgets@2.1.0"]);
});

test("GetProgramDependencies answers the package.json's dependencies as installed, or every installed package", async () => {
    const request = new GetProgramDependenciesRequest().setInfo(info(path.join(base, "program")));
    const direct = await call<GetProgramDependenciesResponse>((cb) => host.client.getProgramDependencies(request, cb));
    expect(direct.getDependenciesList().map((d) => `${d.getName()}@${d.getVersion()}`))
        .toEqual(["@acme/pulumi-widgets@2.1.0", "missing@^9.0.0", "plain@1.0.0"]);
    const all = await call<GetProgramDependenciesResponse>((cb) => host.client.getProgramDependencies(request.setTransitivedependencies(true), cb));
    expect(all.getDependenciesList().map((d) => `${d.getName()}@${d.getVersion()}`)).toEqual([
        "@acme/pulumi-widgets@2.1.0", "@pulumi/gadgets@0.3.0", "@pulumi/gadgets@0.4.0", "param@1.0.0", "plain@1.0.0", "program@1.0.0",
    ]);
});

test("the host exits when its stdin closes (the CLI is gone)", async () => {
    host.client.close();
    host.child.stdin.end();
    expect(await host.exited).toBe(0);
}, 60_000);

test("the host exits when the engine stops answering", async () => {
    const second = await startHost(engineAddress);
    second.client.close();
    await new Promise<void>((resolve) => engine.close(() => resolve()));
    expect(await second.exited).toBe(0);
}, 60_000);
