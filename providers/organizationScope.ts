import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { checkWith } from "./checkFailures";
import { ProviderConnection } from "./connection";
import { dynamicTypeToken, LogtoDynamicResource } from "./dynamicResource";
import { logtoCode, type LogtoApi } from "./logtoApi";
import { diffProperties, optionalTextEqual, nameDescriptionPatch } from "./propertyDiff";
import { adoptOf, readResult } from "./readResult";
import { adoptFlag, logtoLimits, optionalText, requiredText } from "./validation";

/** An organization permission (Logto "organization scope"), e.g. `read:orders`, granted by organization roles. */
export interface OrganizationScopeArgs {
    /** 1..128 characters, no whitespace, unique in the tenant. Renamed in place. */
    name: pulumi.Input<string>;
    /** At most 256 characters. */
    description?: pulumi.Input<string>;
    /** Take over the organization permission of this name instead of failing. Default `logto:adoptExisting`. */
    adopt?: pulumi.Input<boolean>;
}

/** @internal The args schema; the plugin's schema is generated from it. */
export const organizationScopeArgsSchema = z.object({
    // A token's scope is a space-separated list: a name with whitespace could never be requested alone.
    name: requiredText("name", logtoLimits.organizationName).regex(/^\S+$/, { error: "name must not contain whitespace (a token's scope is space-separated)" }),
    description: optionalText("description", logtoLimits.organizationDescription).optional(),
    adopt: adoptFlag,
});

type Args = z.infer<typeof organizationScopeArgsSchema>;

const inputKeys = ["name", "description", "adopt"] as const;

const connection = new ProviderConnection();

function outputsOf(scope: { name: string; description?: string | null }, args: { adopt?: boolean }) {
    // Logto stores an omitted or empty description as null; the state leaves it out.
    return { name: scope.name, ...(scope.description ? { description: scope.description } : {}), ...adoptOf(args) };
}

async function adoptExisting(api: LogtoApi, args: Args): Promise<string | undefined> {
    const existing = await api.findOrganizationScopeByName(args.name);
    if (existing === undefined) return undefined;
    if (!optionalTextEqual(existing.description, args.description)) {
        await api.updateOrganizationScope(existing.id, { description: args.description ?? null });
    }
    return existing.id;
}

export const provider: pulumi.dynamic.ResourceProvider = {
    async configure(req) {
        connection.configure(req);
    },

    async check(_olds, news) {
        const inputs = { ...news };
        if (inputs.description === "") delete inputs.description;
        return { inputs, failures: checkWith(organizationScopeArgsSchema, inputs) };
    },

    async diff(_id, olds, news) {
        return diffProperties(olds, news, { compared: { name: null, description: optionalTextEqual } });
    },

    async create(inputs) {
        const args = organizationScopeArgsSchema.parse(inputs);
        const api = connection.get();
        if (connection.adopt(args.adopt)) {
            const id = await adoptExisting(api, args);
            if (id !== undefined) return { id, outs: outputsOf(args, args) };
        }
        try {
            const created = await api.createOrganizationScope({ name: args.name, ...(args.description !== undefined ? { description: args.description } : {}) });
            return { id: created.id, outs: outputsOf(args, args) };
        } catch (error) {
            if (logtoCode(error) === "entity.unique_integrity_violation") {
                throw new Error(`an organization permission named ${args.name} already exists in Logto: set adopt: true on it (or stack config ` +
                    `logto:adoptExisting=true) to take it over`, { cause: error });
            }
            throw error;
        }
    },

    async read(id, props) {
        const found = await connection.get().getOrganizationScope(id);
        if (found === undefined) return { id: "", props: {} };
        return readResult(id, outputsOf(found, props as { adopt?: boolean }), inputKeys);
    },

    async update(id, olds, news) {
        const args = organizationScopeArgsSchema.parse(news);
        const patch = nameDescriptionPatch(olds, args);
        if (Object.keys(patch).length > 0) await connection.get().updateOrganizationScope(id, patch);
        return { outs: outputsOf(args, args) };
    },

    async delete(id) {
        // Logto takes it from every organization role with it; gone already is fine (false for a 404).
        await connection.get().deleteOrganizationScope(id);
    },
};

/** An organization permission. `id` is Logto's id, to list in `OrganizationRole.organizationScopeIds`. */
export class OrganizationScope extends LogtoDynamicResource {
    static readonly typeToken = dynamicTypeToken("OrganizationScope");

    declare public readonly name: pulumi.Output<string>;
    declare public readonly description: pulumi.Output<string | undefined>;

    constructor(name: string, args: OrganizationScopeArgs, opts?: pulumi.CustomResourceOptions) {
        super("OrganizationScope", "pulumi-logto-m2m/providers/organizationScope", name, { description: undefined, ...args }, opts);
    }
}
