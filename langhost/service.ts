import type * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import type { ILanguageRuntimeServer } from "@pulumi/pulumi/proto/language_grpc_pb";
import {
    AboutResponse, GetProgramDependenciesResponse, GetRequiredPackagesResponse, GetRequiredPluginsResponse,
    InstallDependenciesResponse, LanguageHandshakeResponse, RunPluginResponse, RunResponse, RuntimeOptionsResponse,
    type ProgramInfo,
} from "@pulumi/pulumi/proto/language_pb";
import { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import { logV } from "./log";
import { packageRoot } from "./nodeModules";
import { programDependencies, requiredPackages, toPackageDependency, toPluginDependency } from "./packages";
import { choosePackageManager, installDependencies, type PackageManagerName } from "./packageManager";
import { startPlugin } from "./plugin";
import { runProgram, type RunContext } from "./run";
import { runtimeOptions } from "./runtimeOptions";

export interface HostState extends RunContext {
    /** The version this host reports: that of the SDK it is built on. */
    version: string;
    grpcStatus: typeof grpc.status;
}

function programDirectoryOf(info: ProgramInfo | undefined, fallback = process.cwd()): string {
    return info?.getProgramDirectory() || fallback;
}

/** A failure as the CLI shows it: the message alone (a gRPC UNKNOWN error carries it as its details). */
function failure(error: unknown, code: grpc.status): Partial<grpc.StatusObject> {
    return { code, details: error instanceof Error ? error.message : String(error) };
}

/**
 * The LanguageRuntime service the CLI calls. Unary handlers answer from the program's folder; Run, RunPlugin and
 * InstallDependencies run child processes. Methods not listed (code generation, packing, linking) answer
 * UNIMPLEMENTED, as the CLI expects of a host without them.
 */
export function languageRuntime(state: HostState): Partial<ILanguageRuntimeServer> {
    const unary = <Req, Res>(name: string, handle: (req: Req) => Res | Promise<Res>): grpc.handleUnaryCall<Req, Res> =>
        (call, callback) => {
            logV(7, `${name} called`);
            Promise.resolve().then(() => handle(call.request)).then(
                (response) => callback(null, response),
                (error: unknown) => {
                    logV(3, `${name} failed: ${error instanceof Error ? error.stack : String(error)}`);
                    callback(failure(error, state.grpcStatus.UNKNOWN));
                });
        };

    return {
        handshake: unary("Handshake", (req) => {
            if (req.getEngineAddress() !== "") state.engineAddress = req.getEngineAddress();
            return new LanguageHandshakeResponse();
        }),
        getPluginInfo: unary("GetPluginInfo", () => new PluginInfo().setVersion(state.version)),
        getRequiredPackages: unary("GetRequiredPackages", (req) =>
            new GetRequiredPackagesResponse().setPackagesList(requiredPackages(programDirectoryOf(req.getInfo())).map(toPackageDependency))),
        getRequiredPlugins: unary("GetRequiredPlugins", (req) =>
            new GetRequiredPluginsResponse().setPluginsList(
                requiredPackages(programDirectoryOf(req.getInfo(), req.getPwd() || undefined)).map(toPluginDependency))),
        run: unary("Run", async (req) => {
            const outcome = await runProgram(req, state);
            return new RunResponse().setError(outcome.error).setBail(outcome.bail);
        }),
        about: unary("About", () => new AboutResponse()
            .setExecutable(process.execPath)
            .setVersion(process.versions.node)),
        getProgramDependencies: unary("GetProgramDependencies", (req) =>
            new GetProgramDependenciesResponse().setDependenciesList(
                programDependencies(programDirectoryOf(req.getInfo(), req.getPwd() || undefined), req.getTransitivedependencies()))),
        runtimeOptionsPrompts: unary("RuntimeOptionsPrompts", () => new RuntimeOptionsResponse()),
        cancel: unary("Cancel", () => new Empty()),

        installDependencies: (call) => {
            const req = call.request;
            const info = req.getInfo();
            const directory = packageRoot(info?.getProgramDirectory() || req.getDirectory());
            let manager: PackageManagerName;
            try {
                manager = choosePackageManager(directory, runtimeOptions(info));
            } catch (error) {
                call.emit("error", failure(error, state.grpcStatus.INVALID_ARGUMENT));
                return;
            }
            logV(5, `InstallDependencies: ${manager} install in ${directory}`);
            const send = (stream: "stdout" | "stderr", chunk: Buffer): void => {
                const message = new InstallDependenciesResponse();
                if (stream === "stdout") message.setStdout(chunk); else message.setStderr(chunk);
                call.write(message);
            };
            send("stdout", Buffer.from(`Installing dependencies with ${manager} in ${directory}...\n`));
            installDependencies(directory, manager, send).then(
                () => { send("stdout", Buffer.from("Finished installing dependencies\n")); call.end(); },
                (error: unknown) => call.emit("error", failure(error, state.grpcStatus.UNKNOWN)));
        },

        runPlugin: (call) => {
            let started: ReturnType<typeof startPlugin>;
            try {
                started = startPlugin(call.request, (stream, chunk) => {
                    const message = new RunPluginResponse();
                    if (stream === "stdout") message.setStdout(chunk); else message.setStderr(chunk);
                    call.write(message);
                });
            } catch (error) {
                call.emit("error", failure(error, state.grpcStatus.UNKNOWN));
                return;
            }
            // The CLI ends a plugin by cancelling this call.
            call.on("cancelled", () => started.child.kill("SIGTERM"));
            started.exited.then(
                (code) => { call.write(new RunPluginResponse().setExitcode(code)); call.end(); },
                (error: unknown) => call.emit("error", failure(error, state.grpcStatus.UNKNOWN)));
        },
    };
}
