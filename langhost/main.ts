/**
 * `pulumi-language-nodejs`: the Node.js language host the Pulumi CLI starts for a `runtime: nodejs` project,
 * for machines without Pulumi's own. It serves the LanguageRuntime gRPC service on the definitions that
 * @pulumi/pulumi ships, and runs programs and plugins on the SDK's own runners (`cmd/run`, `cmd/run-plugin`,
 * `cmd/run-policy-pack`) of the program's node_modules, so a program runs exactly as under Pulumi's host.
 *
 * Protocol with the CLI: the first stdout line is the port, alone; everything after it on stdout and stderr
 * becomes the stack's diagnostics. The host ends with the CLI: on SIGINT/SIGTERM (the CLI's Close), when its
 * stdin closes (the CLI's end of the pipe is gone, e.g. the CLI was killed) or when the engine stops answering.
 */
import { createRequire } from "node:module";
import { fstatSync } from "node:fs";
import { parseHostArgs } from "./args";
import { watchEngine } from "./engineWatch";
import { killAll } from "./children";
import { configureLog, logV } from "./log";
import { languageRuntime, type HostState } from "./service";

// The gRPC runtime the SDK's generated service definitions were built against, from the SDK's own dependencies.
const fromSdk = createRequire(require.resolve("@pulumi/pulumi/package.json"));
const grpc = fromSdk("@grpc/grpc-js") as typeof import("@grpc/grpc-js");
const { LanguageRuntimeService } = require("@pulumi/pulumi/proto/language_grpc_pb") as typeof import("@pulumi/pulumi/proto/language_grpc_pb");
const sdkVersion = (fromSdk("./package.json") as { version: string }).version;

/** As Pulumi's plugins: messages up to 400 MiB (a large stack's state or program). */
const MAX_MESSAGE_BYTES = 400 * 1024 * 1024;

function shutDown(reason: string, server?: import("@grpc/grpc-js").Server): never {
    logV(3, `exiting: ${reason}`);
    killAll();
    server?.forceShutdown();
    process.exit(0);
}

function main(): void {
    const args = parseHostArgs(process.argv.slice(2));
    configureLog({ logToStderr: args.logToStderr, verbosity: args.verbosity });
    const state: HostState = { version: sdkVersion, grpcStatus: grpc.status };
    if (args.engineAddress !== undefined) state.engineAddress = args.engineAddress;
    if (args.tracing !== undefined) state.tracing = args.tracing;

    const server = new grpc.Server({
        "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
        "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
    });
    server.addService(LanguageRuntimeService, languageRuntime(state) as import("@grpc/grpc-js").UntypedServiceImplementation);
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) => {
        if (error !== null) {
            process.stderr.write(`pulumi-language-nodejs: cannot listen: ${error.message}\n`);
            process.exit(1);
        }
        process.stdout.write(`${port}\n`);
        logV(3, `listening on 127.0.0.1:${port}, engine ${state.engineAddress ?? "(none)"}`);
    });

    for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => shutDown(signal, server));
    // The CLI holds the write end of a pipe on our stdin for our whole life; EOF means it is gone. (Started by
    // hand with a terminal or /dev/null on stdin, there is no such pipe and nothing to watch; a Node parent's
    // "pipe" is a socket.)
    const stdin = fstatSync(0);
    if (stdin.isFIFO() || stdin.isSocket()) {
        process.stdin.on("data", () => {});
        process.stdin.once("end", () => shutDown("stdin closed", server));
    }
    if (state.engineAddress !== undefined) watchEngine(state.engineAddress, () => shutDown("engine gone", server));
}

main();
