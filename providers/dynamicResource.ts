import * as pulumi from "@pulumi/pulumi";
import { dottedPath } from "./checkFailures";
import { unencodableProblem } from "./validation";

/** The property under which Pulumi's dynamic-provider host finds the serialized provider. */
const providerKey = "__provider";

/**
 * The serialized provider stored in state with every resource. The dynamic-provider host evaluates it and calls
 * `handler()`; ours requires the implementation by package name from the program's folder. Written by hand
 * rather than by Pulumi's closure serializer: it stays under 100 bytes, holds no absolute path of the machine that
 * ran `up`, and captures no zod schema, client or credential. The price: `delete` and `refresh` run the
 * installed version of this package, not the code that ran at create, so implementations stay compatible
 * with state written by earlier versions.
 */
export function serializedProvider(ref: ProviderRef): string {
    // Kept minimal: it is stored twice per resource (inputs and outputs). A missing package fails with Node's
    // own "Cannot find module 'pulumi-logto-m2m/...'", which names what to install.
    const { module, exportName } = typeof ref === "string" ? { module: ref, exportName: "provider" } : ref;
    if (!/^[A-Za-z_$][\w$]*$/.test(exportName)) throw new Error(`invalid provider export name ${exportName}`);
    return `exports.handler=()=>require(${JSON.stringify(module)}).${exportName}`;
}

/**
 * Where the provider host finds an implementation: a package specifier such as
 * "pulumi-logto-m2m/providers/apiResource" whose `provider` export is the implementation, or a specifier and
 * another export name, for modules that hold several providers.
 */
export type ProviderRef = string | { module: string; exportName: string };

/** `pulumi-nodejs:dynamic/logto:<Type>`: the type of each of the package's resources. */
export function dynamicTypeToken(type: string): string {
    return `pulumi-nodejs:dynamic/logto:${type}`;
}

/**
 * Base of the package's resources: a custom resource served by Pulumi's dynamic-provider host (type
 * `pulumi-nodejs:dynamic/logto:<Type>`), exactly like `pulumi.dynamic.Resource` but with the compact provider.
 */
export abstract class LogtoDynamicResource extends pulumi.CustomResource {
    protected constructor(type: string, provider: ProviderRef, name: string, props: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
        refuseUnencodable(name, props);
        super(dynamicTypeToken(type), name, { ...props, [providerKey]: serializedProvider(provider) }, opts);
    }
}

/**
 * A string with a lone UTF-16 surrogate has no UTF-8 form: Pulumi's gRPC refuses the registration ("string field
 * contains invalid UTF-8") before the provider's `check` could name the property, and a resource *name* with one
 * leaves the engine waiting forever for the resource's outputs. So such values are refused here, in the program,
 * before anything is registered. (Everything else, NUL characters included, reaches `check`.) Values that are not
 * known yet (outputs of other resources) come from Logto and are well-formed.
 */
function refuseUnencodable(name: string, props: pulumi.Inputs): void {
    const nameProblem = unencodableProblem(name);
    if (nameProblem !== undefined) throw new Error(`resource name ${JSON.stringify(name)} ${nameProblem}`);
    const walk = (value: unknown, path: PropertyKey[]): void => {
        if (typeof value === "string") {
            const problem = unencodableProblem(value);
            if (problem !== undefined) throw new Error(`resource '${name}': property ${dottedPath(path)} ${problem}`);
        } else if (Array.isArray(value)) {
            value.forEach((item, i) => walk(item, [...path, i]));
        } else if (value !== null && typeof value === "object" && !pulumi.Output.isInstance(value) && !(value instanceof Promise)) {
            for (const [key, item] of Object.entries(value)) {
                const problem = unencodableProblem(key);
                if (problem !== undefined) throw new Error(`resource '${name}': a key of property ${dottedPath(path)} ${problem}`);
                walk(item, [...path, key]);
            }
        }
    };
    walk(props, []);
}
