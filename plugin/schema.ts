import type { z } from "zod";
import { functionTypes } from "./functions";
import { resourceTypes, typeToken, type PropertyType, type ResourceType } from "./registry";

/** The package name: resource types `logto:index:<Type>`, provider `pulumi:providers:logto`, config `logto:*`. */
export const packageName = "logto";

interface SchemaProperty {
    description: string;
    secret?: boolean;
    replaceOnChanges?: boolean;
    [key: string]: unknown;
}

/**
 * The schema type of a zod type, as `check` accepts it: optional, transforms and refinements unwrapped; a union
 * of simple types as `oneOf`; a record of anything as a JSON-valued map.
 */
export function propertyTypeOf(schema: z.ZodType): PropertyType {
    const def = (schema as unknown as { def: Record<string, unknown> & { type: string } }).def;
    switch (def.type) {
        case "optional":
        case "nullable":
        case "default":
            return propertyTypeOf(def.innerType as z.ZodType);
        case "pipe":
            return propertyTypeOf(def.in as z.ZodType);
        case "string":
        case "boolean":
            return { type: def.type };
        case "enum":
            return { type: "string" };
        case "number": {
            const checks = (def.checks as { _zod: { def: { check?: string; format?: string } } }[] | undefined) ?? [];
            const integer = checks.some((c) => c._zod.def.format === "safeint" || c._zod.def.check === "number_format" && c._zod.def.format?.includes("int"));
            return { type: integer ? "integer" : "number" };
        }
        case "array":
            return { type: "array", items: propertyTypeOf(def.element as z.ZodType) };
        case "record":
            return { type: "object", additionalProperties: { $ref: "pulumi.json#/Any" } };
        case "union":
            return { oneOf: (def.options as z.ZodType[]).map(propertyTypeOf) };
        default:
            throw new Error(`no schema type for the zod type ${def.type}`);
    }
}

function isOptional(schema: z.ZodType): boolean {
    return (schema as unknown as { isOptional(): boolean }).isOptional();
}

/** The schema's inputs of a resource type: its args' keys less those the plugin derives, in the args' order. */
export function schemaInputsOf(t: ResourceType): { properties: Record<string, SchemaProperty>; required: string[] } {
    const shape = (t.args?.shape ?? {}) as Record<string, z.ZodType>;
    const properties: Record<string, SchemaProperty> = {};
    const required: string[] = [];
    for (const [key, type] of Object.entries(shape)) {
        if (t.derivedInputs?.includes(key)) continue;
        const description = t.inputs[key];
        if (description === undefined) throw new Error(`${t.name}.${key} has no description`);
        properties[key] = {
            ...propertyTypeOf(type),
            description,
            ...(t.replaceOnChanges.includes(key) ? { replaceOnChanges: true } : {}),
        };
        // A default `check` fills in (accessTokenTtl) makes the input optional for the user.
        if (!isOptional(type) && !hasDefault(t, key)) required.push(key);
    }
    return { properties, required };
}

/** Inputs `check` fills in when omitted (optional to the user, required by the args schema). */
const defaulted: Record<string, readonly string[]> = { ApiResource: ["accessTokenTtl"], M2MApplication: ["customData"] };

function hasDefault(t: ResourceType, key: string): boolean {
    return defaulted[t.name]?.includes(key) ?? false;
}

function resourceSchema(t: ResourceType): Record<string, unknown> {
    const inputs = schemaInputsOf(t);
    const properties: Record<string, SchemaProperty> = {};
    for (const [key, p] of Object.entries(inputs.properties)) {
        const { replaceOnChanges: _r, ...rest } = p;
        properties[key] = rest;
    }
    for (const [key, o] of Object.entries(t.outputs)) properties[key] = { ...o.type, description: o.description };
    for (const key of t.secretOutputs) properties[key] = { ...properties[key]!, secret: true };
    const required = [
        ...inputs.required,
        ...Object.keys(inputs.properties).filter((k) => hasDefault(t, k)),
        ...Object.entries(t.outputs).filter(([, o]) => o.required === true).map(([k]) => k),
    ];
    return {
        description: `${t.description}\n\nImport: \`pulumi import ${typeToken(t.name)} NAME ID\`, where ID is ${t.importId}.`,
        inputProperties: inputs.properties,
        requiredInputs: inputs.required,
        properties,
        required,
    };
}

/** The provider's configuration: `logto:<key>` in stack config, or the args of a `pulumi:providers:logto`. */
export const configProperties: Record<string, SchemaProperty & { type: string; environment: string }> = {
    endpoint: { type: "string", environment: "LOGTO_ENDPOINT", description: "Your Logto, e.g. `https://abc123.logto.app` (Cloud) or `https://auth.example.com` (self-hosted)." },
    tenantId: { type: "string", environment: "LOGTO_TENANT_ID", description: "Logto Cloud tenant id; unset means self-hosted." },
    appId: { type: "string", environment: "LOGTO_APP_ID", description: "The bootstrap M2M app: one holding the Management API's `all`." },
    appSecret: { type: "string", environment: "LOGTO_APP_SECRET", secret: true, description: "The bootstrap app's secret." },
    managementIndicator: { type: "string", environment: "LOGTO_MANAGEMENT_INDICATOR", description: "Override of the Management API indicator (default `https://{tenantId}.logto.app/api` on Cloud, `https://default.logto.app/api` self-hosted)." },
    allowInsecureHttp: { type: "boolean", environment: "LOGTO_ALLOW_INSECURE_HTTP", description: "Allow a plain `http://` endpoint on a host that is not a loopback address." },
    adoptExisting: { type: "boolean", environment: "LOGTO_ADOPT_EXISTING", description: "Take over objects that already exist by natural key instead of failing (the default of each resource's `adopt`)." },
};

function configSchema(): Record<string, Record<string, unknown>> {
    return Object.fromEntries(Object.entries(configProperties).map(([key, { environment, ...p }]) =>
        [key, { ...p, description: `${p.description} Environment: \`${environment}\`.` }]));
}

/** The package schema the plugin serves (GetSchema) and `plugin/schema.json` holds. */
export function packageSchema(version: string): Record<string, unknown> {
    const config = configSchema();
    return {
        name: packageName,
        displayName: "Logto M2M",
        version,
        description: "Machine-to-machine access for Logto: API resources, permissions, M2M roles, M2M apps and their secrets, through Logto's Management API.",
        keywords: ["pulumi", "logto", "category/utility", "kind/native"],
        license: "Apache-2.0",
        repository: "https://github.com/pulumi-logto-m2m/pulumi-logto-m2m",
        publisher: "pulumi-logto-m2m",
        meta: { moduleFormat: "(.*)" },
        config: { variables: config },
        provider: {
            description: "A Logto tenant reached with a bootstrap M2M app. Each `logto:*` setting falls back to its environment variable.",
            inputProperties: config,
            properties: Object.fromEntries(Object.entries(config).filter(([, p]) => p.type === "string")),
        },
        resources: Object.fromEntries(resourceTypes.map((t) => [typeToken(t.name), resourceSchema(t)])),
        functions: Object.fromEntries(functionTypes.map((f) => [typeToken(f.name), {
            description: f.description,
            inputs: {
                properties: Object.fromEntries(Object.entries(f.inputs).map(([k, p]) => [k, { ...p.type, description: p.description }])),
                required: f.requiredInputs,
            },
            outputs: {
                properties: Object.fromEntries(Object.entries(f.outputs).map(([k, p]) => [k, { ...p.type, description: p.description }])),
                required: Object.keys(f.outputs),
            },
        }])),
        language: {
            nodejs: { packageName: "@pulumi-logto-m2m/logto", dependencies: { "@pulumi/pulumi": "^3.259.0" } },
            python: { packageName: "pulumi_logto" },
            go: { importBasePath: "github.com/pulumi-logto-m2m/pulumi-logto-m2m/sdk/go/logto", generateResourceContainerTypes: true },
            csharp: { rootNamespace: "PulumiLogtoM2M", packageReferences: { Pulumi: "3.*" } },
        },
    };
}
