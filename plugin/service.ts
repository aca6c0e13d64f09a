import type * as grpc from "@grpc/grpc-js";
import type * as pulumi from "@pulumi/pulumi";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Any } from "google-protobuf/google/protobuf/any_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { IResourceProviderServer } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as proto from "@pulumi/pulumi/proto/provider_pb";
import { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import { Status } from "@pulumi/pulumi/proto/status_pb";
import { withSettingHint } from "../providers/connection";
import { configureRequest, ProviderConfig } from "./config";
import { functionTypeOf } from "./functions";
import { unwrapSecrets, wireProperties, type Plain } from "./properties";
import { parseUrn, resourceTypeOf, resourceTypes, type ResourceType } from "./registry";
import { configProperties, packageSchema } from "./schema";
import { logV } from "../langhost/log";

export interface ProviderState {
    version: string;
    grpc: typeof grpc;
    /** Set by Configure: this instance's settings (the engine starts one plugin process per provider instance). */
    config?: ProviderConfig;
}

type Failure = { property: string; reason: string };

function structOf(props: Plain): Struct {
    return Struct.fromJavaScript(props as Parameters<typeof Struct.fromJavaScript>[0]);
}

function plainOf(struct: Struct | undefined): Plain {
    return (struct?.toJavaScript() ?? {}) as Plain;
}

function checkFailures(failures: Failure[]): proto.CheckFailure[] {
    return failures.map((f) => new proto.CheckFailure().setProperty(f.property).setReason(f.reason));
}

/** The outputs' secret keys: the type's secret outputs and every property that arrived as a secret. */
function secretsOf(t: ResourceType, ...arrived: Set<string>[]): string[] {
    return [...t.secretOutputs, ...arrived.flatMap((s) => [...s])];
}

/**
 * The ResourceProvider service of `pulumi-resource-logto`. Every resource operation is the dynamic resource's
 * own provider function (see `registry`), called with plain values: this layer only unwraps and wraps secrets,
 * fills in what the dynamic resource's class adds in the program, and speaks the engine's messages.
 */
export function resourceProvider(state: ProviderState): Partial<IResourceProviderServer> {
    const { status } = state.grpc;

    const failed = (code: grpc.status, message: string): Partial<grpc.StatusObject> => ({ code, details: message });

    /** A failure as the engine shows it; a PartialFailure (`id` set) as ErrorResourceInitFailed, kept in state. */
    const failure = (error: unknown): Partial<grpc.StatusObject> => {
        const e = withSettingHint(error) as { message?: string; id?: string; properties?: Plain; reasons?: string[] };
        const message = e?.message ?? String(error);
        const metadata = new state.grpc.Metadata();
        if (typeof e?.id === "string" && e.id !== "") {
            const detail = new proto.ErrorResourceInitFailed();
            detail.setId(e.id);
            const { __provider: _p, ...properties } = e.properties ?? {};
            detail.setProperties(structOf(wireProperties(properties, [])));
            detail.setReasonsList(e.reasons ?? [message]);
            const any = new Any();
            any.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
            const st = new Status().setCode(status.UNKNOWN).setMessage(message);
            st.addDetails(any);
            metadata.add("grpc-status-details-bin", Buffer.from(st.serializeBinary()));
        }
        return { code: status.UNKNOWN, details: message, metadata };
    };

    const unary = <Req, Res>(name: string, handle: (req: Req) => Res | Promise<Res>): grpc.handleUnaryCall<Req, Res> =>
        (call, callback) => {
            logV(7, `${name} called`);
            Promise.resolve().then(() => handle(call.request)).then(
                (response) => callback(null, response),
                (error: unknown) => {
                    if (error !== null && typeof error === "object" && "code" in error && "details" in error) {
                        callback(error as Partial<grpc.StatusObject>);
                        return;
                    }
                    logV(3, `${name} failed: ${error instanceof Error ? error.message : String(error)}`);
                    callback(failure(error));
                });
        };

    const typeOf = (urnOrType: string, type?: string): ResourceType => {
        const token = type || urnOrType.split("::")[2]?.split("$").at(-1) || "";
        const t = resourceTypeOf(token);
        if (t === undefined) throw failed(status.INVALID_ARGUMENT, `unknown resource type ${token}`);
        return t;
    };

    const configured = (): ProviderConfig => state.config ?? new ProviderConfig({});

    const unimplemented = (what: string) => unary(what, () => {
        throw failed(status.UNIMPLEMENTED, `${what} is not implemented by the logto provider`);
    });

    return {
        handshake: unimplemented("Handshake"),
        parameterize: unimplemented("Parameterize"),
        construct: unimplemented("Construct"),
        call: unimplemented("Call"),
        attach: unimplemented("Attach"),
        getMapping: unary("GetMapping", () => new proto.GetMappingResponse()),
        getMappings: unary("GetMappings", () => new proto.GetMappingsResponse()),
        getPluginInfo: unary("GetPluginInfo", () => new PluginInfo().setVersion(state.version)),
        getSchema: unary("GetSchema", () => new proto.GetSchemaResponse().setSchema(JSON.stringify(packageSchema(state.version)))),
        cancel: unary("Cancel", () => new Empty()),

        checkConfig: unary("CheckConfig", (req: proto.CheckRequest) => {
            const { plain, secretKeys } = unwrapSecrets(plainOf(req.getNews()));
            const failures = new ProviderConfig(plain).failures();
            // The bootstrap secret stays a secret in the provider's state, however it was given.
            const secrets = [...secretKeys, ...Object.entries(configProperties).filter(([, p]) => p.secret).map(([k]) => k)];
            return new proto.CheckResponse().setInputs(structOf(wireProperties(plain, secrets))).setFailuresList(checkFailures(failures));
        }),

        diffConfig: unary("DiffConfig", (req: proto.DiffRequest) => {
            const olds = unwrapSecrets(plainOf(req.getOldInputs() ?? req.getOlds())).plain;
            const news = unwrapSecrets(plainOf(req.getNews())).plain;
            const keys = Object.keys(configProperties);
            const changed = keys.filter((k) => JSON.stringify(olds[k] ?? null) !== JSON.stringify(news[k] ?? null));
            // Another endpoint or tenant is another Logto: its objects are not this one's, so the resources are
            // replaced (created there). Credentials and flags change in place.
            const replaces = changed.filter((k) => k === "endpoint" || k === "tenantId");
            return new proto.DiffResponse()
                .setChanges(changed.length > 0 ? proto.DiffResponse.DiffChanges.DIFF_SOME : proto.DiffResponse.DiffChanges.DIFF_NONE)
                .setDiffsList(changed)
                .setReplacesList(replaces);
        }),

        configure: unary("Configure", async (req: proto.ConfigureRequest) => {
            const args = req.getArgs();
            let values: Plain;
            if (args !== undefined) {
                values = unwrapSecrets(plainOf(args)).plain;
            } else {
                // Older engines: `logto:config:<key>` variables, as text.
                values = {};
                req.getVariablesMap().forEach((value: string, key: string) => {
                    const match = /^logto:config:(.+)$/.exec(key);
                    if (match !== null) values[match[1]!] = value;
                });
            }
            delete values.version;
            state.config = new ProviderConfig(values);
            for (const t of resourceTypes) await t.provider.configure?.(configureRequest(state.config) as unknown as pulumi.dynamic.ConfigureRequest);
            return new proto.ConfigureResponse().setAcceptsecrets(true).setSupportspreview(false).setAcceptresources(false).setAcceptoutputs(false);
        }),

        invoke: unary("Invoke", async (req: proto.InvokeRequest) => {
            const f = functionTypeOf(req.getTok());
            if (f === undefined) throw failed(status.INVALID_ARGUMENT, `unknown function ${req.getTok()}`);
            const args = unwrapSecrets(plainOf(req.getArgs())).plain;
            const missing = f.requiredInputs.filter((k) => args[k] === undefined);
            if (missing.length > 0) {
                return new proto.InvokeResponse().setFailuresList(checkFailures(missing.map((k) => ({ property: k, reason: `${k} is required` }))));
            }
            const result = await f.invoke(args, configured().connection());
            return new proto.InvokeResponse().setReturn(structOf(wireProperties(result, [])));
        }),

        check: unary("Check", async (req: proto.CheckRequest) => {
            const t = typeOf(req.getUrn(), req.getType());
            const olds = unwrapSecrets(plainOf(req.getOlds()));
            const news = unwrapSecrets(plainOf(req.getNews()));
            const given = t.derive?.(news.plain, olds.plain, parseUrn(req.getUrn())) ?? news.plain;
            const result = t.provider.check !== undefined ? await t.provider.check(olds.plain, given) : { inputs: given };
            return new proto.CheckResponse()
                .setInputs(structOf(wireProperties(result.inputs ?? given, news.secretKeys)))
                .setFailuresList(checkFailures(result.failures ?? []));
        }),

        diff: unary("Diff", async (req: proto.DiffRequest) => {
            const t = typeOf(req.getUrn(), req.getType());
            const olds = unwrapSecrets(plainOf(req.getOlds())).plain;
            const news = unwrapSecrets(plainOf(req.getNews())).plain;
            const result = t.provider.diff !== undefined ? await t.provider.diff(req.getId(), olds, news) : {};
            const changes = result.changes === true ? proto.DiffResponse.DiffChanges.DIFF_SOME
                : result.changes === false ? proto.DiffResponse.DiffChanges.DIFF_NONE : proto.DiffResponse.DiffChanges.DIFF_UNKNOWN;
            return new proto.DiffResponse()
                .setChanges(changes)
                .setReplacesList(result.replaces ?? [])
                .setStablesList(result.stables ?? [])
                .setDeletebeforereplace(result.deleteBeforeReplace === true);
        }),

        create: unary("Create", async (req: proto.CreateRequest) => {
            const t = typeOf(req.getUrn(), req.getType());
            const inputs = unwrapSecrets(plainOf(req.getProperties()));
            const result = await t.provider.create(inputs.plain);
            return new proto.CreateResponse().setId(result.id).setProperties(structOf(wireProperties(result.outs ?? {}, secretsOf(t, inputs.secretKeys))));
        }),

        read: unary("Read", async (req: proto.ReadRequest) => {
            const t = typeOf(req.getUrn(), req.getType());
            const props = unwrapSecrets(plainOf(req.getProperties()));
            const inputs = unwrapSecrets(plainOf(req.getInputs()));
            if (t.provider.read === undefined) return new proto.ReadResponse().setId(req.getId()).setProperties(req.getProperties());
            const result = await t.provider.read(req.getId(), props.plain);
            const response = new proto.ReadResponse().setId(result.id ?? "");
            if (!result.id) return response;
            response.setProperties(structOf(wireProperties(result.props ?? {}, secretsOf(t, props.secretKeys))));
            if (result.inputs !== undefined) response.setInputs(structOf(wireProperties(result.inputs, inputs.secretKeys)));
            return response;
        }),

        update: unary("Update", async (req: proto.UpdateRequest) => {
            const t = typeOf(req.getUrn(), req.getType());
            const olds = unwrapSecrets(plainOf(req.getOlds()));
            const news = unwrapSecrets(plainOf(req.getNews()));
            const result = t.provider.update !== undefined ? await t.provider.update(req.getId(), olds.plain, news.plain) : { outs: news.plain };
            return new proto.UpdateResponse().setProperties(structOf(wireProperties(result.outs ?? {}, secretsOf(t, news.secretKeys))));
        }),

        delete: unary("Delete", async (req: proto.DeleteRequest) => {
            const t = typeOf(req.getUrn(), req.getType());
            const props = unwrapSecrets(plainOf(req.getProperties())).plain;
            await t.provider.delete?.(req.getId(), props);
            return new Empty();
        }),

        list: (call) => {
            call.emit("error", failed(status.UNIMPLEMENTED, "List is not implemented by the logto provider"));
        },
    };
}
