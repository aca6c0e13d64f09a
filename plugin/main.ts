/**
 * `pulumi-resource-logto`: the Logto resource provider plugin. It serves the ResourceProvider gRPC service on
 * the definitions @pulumi/pulumi ships (the SDK's own provider server ignores Configure's values and has no
 * CheckConfig or DiffConfig), with the dynamic resources' providers behind it.
 *
 * Protocol with the engine: the first stdout line is the port, alone. The plugin ends with the engine: on
 * SIGINT/SIGTERM, or when the engine's port stops accepting connections.
 */
import { createRequire } from "node:module";
import { parseHostArgs } from "../langhost/args";
import { watchEngine } from "../langhost/engineWatch";
import { configureLog, logV } from "../langhost/log";
import { resourceProvider, type ProviderState } from "./service";

const fromSdk = createRequire(require.resolve("@pulumi/pulumi/package.json"));
const grpc = fromSdk("@grpc/grpc-js") as typeof import("@grpc/grpc-js");
const { ResourceProviderService } = require("@pulumi/pulumi/proto/provider_grpc_pb") as typeof import("@pulumi/pulumi/proto/provider_grpc_pb");
const { version } = require("../../package.json") as { version: string };

const MAX_MESSAGE_BYTES = 400 * 1024 * 1024;

function main(): void {
    const args = parseHostArgs(process.argv.slice(2));
    configureLog({ name: "pulumi-resource-logto", logToStderr: args.logToStderr, verbosity: args.verbosity });
    const state: ProviderState = { version, grpc };
    const server = new grpc.Server({
        "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
        "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
    });
    server.addService(ResourceProviderService, resourceProvider(state) as import("@grpc/grpc-js").UntypedServiceImplementation);
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) => {
        if (error !== null) {
            process.stderr.write(`pulumi-resource-logto: cannot listen: ${error.message}\n`);
            process.exit(1);
        }
        process.stdout.write(`${port}\n`);
        logV(3, `listening on 127.0.0.1:${port}, engine ${args.engineAddress ?? "(none)"}`);
    });
    const shutDown = (reason: string): void => {
        logV(3, `exiting: ${reason}`);
        server.forceShutdown();
        process.exit(0);
    };
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => shutDown(signal));
    if (args.engineAddress !== undefined) watchEngine(args.engineAddress, () => shutDown("engine gone"));
}

main();
