import * as pulumi from "@pulumi/pulumi";

/**
 * A resource of the plugin, by its schema type token (`logto:index:<type>`), as a program in any language
 * declares it: the engine loads `pulumi-resource-logto` for it (the default provider, configured from the
 * stack's `logto:*`, or the explicit provider in `opts.provider`). No dynamic-provider code is involved.
 */
export class PluginResource extends pulumi.CustomResource {
    constructor(type: string, name: string, props: pulumi.Inputs, opts?: pulumi.CustomResourceOptions, outputs: readonly string[] = []) {
        super(`logto:index:${type}`, name, { ...Object.fromEntries(outputs.map((k) => [k, undefined])), ...props }, opts);
    }

    out(key: string): pulumi.Output<unknown> {
        return (this as unknown as Record<string, pulumi.Output<unknown>>)[key]!;
    }
}

/** A `pulumi:providers:logto` instance: one Logto tenant. */
export class LogtoProvider extends pulumi.ProviderResource {
    constructor(name: string, args: { endpoint: pulumi.Input<string>; appId: pulumi.Input<string>; appSecret: pulumi.Input<string>; [key: string]: pulumi.Input<unknown> }, opts?: pulumi.ResourceOptions) {
        super("logto", name, { ...args, appSecret: pulumi.secret(args.appSecret) }, opts);
    }
}

/** The outputs each type has beyond its inputs, so the program can read them. */
export const outputsOf: Record<string, readonly string[]> = {
    ApiResource: ["name", "indicator", "accessTokenTtl"],
    ApiScope: ["resourceId", "name", "description"],
    M2MRole: ["name", "description", "scopeIds"],
    M2MApplication: ["appId", "appSecret", "name", "description", "roleIds", "customData", "marker", "unmanagedSecretNames"],
    ApplicationSecret: ["applicationId", "name", "secretName", "expiresAt", "value"],
    OrganizationScope: ["name", "description"],
    OrganizationRole: ["name", "description", "organizationScopeIds", "resourceScopeIds"],
    Organization: ["name", "description", "customData", "marker"],
    OrganizationApplication: ["organizationId", "applicationId", "organizationRoleIds"],
    ExistingOrganization: ["organizationId", "name", "foundName"],
};

export function resource(type: keyof typeof outputsOf, name: string, props: pulumi.Inputs, opts?: pulumi.CustomResourceOptions): PluginResource {
    return new PluginResource(type, name, props, opts, outputsOf[type]);
}
