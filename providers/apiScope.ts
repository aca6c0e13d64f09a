import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { checkWith } from "./checkFailures";
import { ProviderConnection } from "./connection";
import { LogtoDynamicResource } from "./dynamicResource";
import { logtoCode, orUndefinedIfGone, type LogtoScope } from "./logtoApi";
import { resourceScopes } from "./listings";
import { diffProperties, optionalTextEqual, nameDescriptionPatch } from "./propertyDiff";
import { adoptOf, readResult } from "./readResult";
import { adoptFlag, logtoId, logtoLimits, optionalText, requiredText } from "./validation";

/** A permission (Logto "scope") of an API resource, e.g. `read:products`. */
export interface ApiScopeArgs {
    /** The `id` of the `ApiResource`. A change replaces (a permission cannot move to another resource). */
    resourceId: pulumi.Input<string>;
    /** 1..256 characters, no whitespace, unique within the resource. Renaming is done in place. */
    name: pulumi.Input<string>;
    description?: pulumi.Input<string>;
    /** Take over the resource's permission of this name instead of failing. Default `logto:adoptExisting`. */
    adopt?: pulumi.Input<boolean>;
}

/** @internal The args schema; the plugin's schema is generated from it. */
export const apiScopeArgsSchema = z.object({
    resourceId: logtoId("resourceId"),
    // Logto refuses any whitespace (400 scope.name_with_space) and more than 256 characters.
    name: requiredText("name", logtoLimits.permissionName).regex(/^\S+$/, { error: "name must not contain whitespace (Logto refuses it)" }),
    description: optionalText("description").optional(),
    adopt: adoptFlag,
});

interface ApiScopeOutputs {
    resourceId: string;
    name: string;
    description?: string;
    adopt?: boolean;
}

const inputKeys = ["resourceId", "name", "description", "adopt"] as const;

const connection = new ProviderConnection();

function outputsOf(scope: LogtoScope): ApiScopeOutputs {
    // Logto stores an omitted or empty description as null; the state leaves it out.
    return { resourceId: scope.resourceId, name: scope.name, ...(scope.description ? { description: scope.description } : {}) };
}

export const provider: pulumi.dynamic.ResourceProvider = {
    async configure(req) {
        connection.configure(req);
    },

    async check(_olds, news) {
        const inputs = { ...news };
        if (inputs.description === "") delete inputs.description;
        return { inputs, failures: checkWith(apiScopeArgsSchema, inputs) };
    },

    async diff(_id, olds, news) {
        // In a new resource the name is free, so the replacement is created first.
        return diffProperties(olds, news, { compared: { resourceId: null, name: null, description: optionalTextEqual }, replaceOn: ["resourceId"] });
    },

    async create(inputs) {
        const args = apiScopeArgsSchema.parse(inputs);
        const api = connection.get();
        const desired = { name: args.name, ...(args.description !== undefined ? { description: args.description } : {}) };
        if (connection.adopt(args.adopt)) {
            const existing = await api.findScopeByName(args.resourceId, args.name);
            if (existing !== undefined) {
                if (!optionalTextEqual(existing.description, args.description)) {
                    await resourceScopes.changing(api, args.resourceId, () => api.updateScope(args.resourceId, existing.id, { description: args.description ?? null }));
                }
                return { id: existing.id, outs: { resourceId: args.resourceId, ...desired, ...adoptOf(args) } };
            }
        }
        try {
            const created = await resourceScopes.changing(api, args.resourceId, () => api.createScope(args.resourceId, desired));
            return { id: created.id, outs: { resourceId: args.resourceId, ...desired, ...adoptOf(args) } };
        } catch (error) {
            if (logtoCode(error) === "scope.name_exists") {
                throw new Error(`the API resource ${args.resourceId} already has a permission named ${args.name}: set adopt: true ` +
                    `on this permission (or stack config logto:adoptExisting=true) to take it over`, { cause: error });
            }
            throw error;
        }
    },

    async read(id, props) {
        // There is no GET of a single permission in Logto: list the resource's, once for all its permissions
        // (a 404 means the resource is gone). Imported by id alone (`pulumi import`), the resource is looked for.
        const api = connection.get();
        const found = props.resourceId === undefined
            ? (await api.listResources({ includeScopes: true })).flatMap((r) => r.scopes ?? []).find((s) => s.id === id)
            : (await orUndefinedIfGone(resourceScopes.get(api, String(props.resourceId))))?.find((s) => s.id === id);
        if (found === undefined) return { id: "", props: {} };
        return readResult(id, { ...outputsOf(found), resourceId: props.resourceId ?? found.resourceId, ...adoptOf(props as { adopt?: boolean }) }, inputKeys);
    },

    async update(id, olds, news) {
        const args = apiScopeArgsSchema.parse(news);
        const patch = nameDescriptionPatch(olds, args);
        if (Object.keys(patch).length > 0) {
            const api = connection.get();
            await resourceScopes.changing(api, args.resourceId, () => api.updateScope(args.resourceId, id, patch));
        }
        return { outs: { resourceId: args.resourceId, name: args.name, ...(args.description !== undefined ? { description: args.description } : {}), ...adoptOf(args) } };
    },

    async delete(id, props) {
        // False (a 404) also when the resource itself was deleted: its permissions went with it.
        const api = connection.get();
        await resourceScopes.changing(api, String(props.resourceId), () => api.deleteScope(String(props.resourceId), id));
    },
};

/** A permission of an API resource. `id` is Logto's scope id, to list in `M2MRole.scopeIds`. */
export class ApiScope extends LogtoDynamicResource {
    declare public readonly resourceId: pulumi.Output<string>;
    declare public readonly name: pulumi.Output<string>;
    declare public readonly description: pulumi.Output<string | undefined>;

    constructor(name: string, args: ApiScopeArgs, opts?: pulumi.CustomResourceOptions) {
        super("ApiScope", "pulumi-logto-m2m/providers/apiScope", name, { description: undefined, ...args }, opts);
    }
}
