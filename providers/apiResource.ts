import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { checkWith } from "./checkFailures";
import { ProviderConnection } from "./connection";
import { LogtoDynamicResource } from "./dynamicResource";
import { logtoCode } from "./logtoApi";
import { diffProperties } from "./propertyDiff";
import { adoptOf, readResult } from "./readResult";
import { adoptFlag, isUsableIndicator, maxAccessTokenTtl, requiredText } from "./validation";
export { maxAccessTokenTtl } from "./limits";

/** An API resource of Logto (its "API"), identified by its indicator, the `resource` of token requests. */
export interface ApiResourceArgs {
    name: pulumi.Input<string>;
    /** An absolute URI without a fragment, e.g. `https://shopping.api`. Immutable in Logto: a change replaces. */
    indicator: pulumi.Input<string>;
    /** Lifetime of its access tokens in seconds, 1..2,592,000 (30 days). Default 3600 (Logto's default). */
    accessTokenTtl?: pulumi.Input<number>;
    /** Take over a resource that already has this indicator instead of failing. Default `logto:adoptExisting`. */
    adopt?: pulumi.Input<boolean>;
}

/** Logto's default lifetime of access tokens; also what an omitted `accessTokenTtl` manages to. */
export const defaultAccessTokenTtl = 3600;

/** @internal The args schema; the plugin's schema is generated from it. */
export const apiResourceArgsSchema = z.object({
    name: requiredText("name"),
    indicator: requiredText("indicator").refine(isUsableIndicator, {
        error: "indicator must be an absolute URI without a fragment (#) or whitespace, e.g. https://shopping.api " +
            "(the token endpoint refuses any other resource)",
    }),
    accessTokenTtl: z.number({ error: "accessTokenTtl must be a number of seconds" })
        .int({ error: "accessTokenTtl must be a whole number of seconds" })
        .min(1, { error: "accessTokenTtl must be at least 1 second (Logto would issue 600-second tokens for 0)" })
        .max(maxAccessTokenTtl, { error: `accessTokenTtl must be at most ${maxAccessTokenTtl} seconds (30 days)` }),
    adopt: adoptFlag,
});

/** What the state keeps: the managed fields, and `adopt` as given (see `readResult`). */
interface ApiResourceOutputs {
    name: string;
    indicator: string;
    accessTokenTtl: number;
    adopt?: boolean;
}

const inputKeys = ["name", "indicator", "accessTokenTtl", "adopt"] as const;

const connection = new ProviderConnection();

function outputsOf(r: { name: string; indicator: string; accessTokenTtl: number }): ApiResourceOutputs {
    return { name: r.name, indicator: r.indicator, accessTokenTtl: r.accessTokenTtl };
}

export const provider: pulumi.dynamic.ResourceProvider = {
    async configure(req) {
        connection.configure(req);
    },

    async check(_olds, news) {
        const inputs = { ...news, accessTokenTtl: news.accessTokenTtl ?? defaultAccessTokenTtl };
        return { inputs, failures: checkWith(apiResourceArgsSchema, inputs) };
    },

    async diff(_id, olds, news) {
        // A new indicator never collides with the old one, so the replacement is created first.
        return diffProperties(olds, news, { compared: { name: null, indicator: null, accessTokenTtl: null }, replaceOn: ["indicator"] });
    },

    async create(inputs) {
        const args = apiResourceArgsSchema.parse(inputs);
        const desired = { name: args.name, indicator: args.indicator, accessTokenTtl: args.accessTokenTtl };
        const api = connection.get();
        if (connection.adopt(args.adopt)) {
            const existing = await api.findResourceByIndicator(args.indicator);
            if (existing !== undefined) {
                if (existing.name !== desired.name || existing.accessTokenTtl !== desired.accessTokenTtl) {
                    await api.updateResource(existing.id, { name: desired.name, accessTokenTtl: desired.accessTokenTtl });
                }
                return { id: existing.id, outs: { ...desired, ...adoptOf(args) } };
            }
        }
        try {
            const created = await api.createResource(desired);
            return { id: created.id, outs: { ...outputsOf(created), ...adoptOf(args) } };
        } catch (error) {
            if (logtoCode(error) === "resource.resource_identifier_in_use") {
                throw new Error(`an API resource with indicator ${args.indicator} already exists in Logto: set adopt: true on ` +
                    `this resource (or stack config logto:adoptExisting=true) to take it over`, { cause: error });
            }
            throw error;
        }
    },

    async read(id, props) {
        const found = await connection.get().getResource(id);
        // Deleted outside Pulumi: an empty id drops it from the state, and the next `up` creates it again.
        if (found === undefined) return { id: "", props: {} };
        return readResult(id, { ...props, ...outputsOf(found) }, inputKeys);
    },

    async update(id, olds, news) {
        const args = apiResourceArgsSchema.parse(news);
        const patch: { name?: string; accessTokenTtl?: number } = {};
        if (olds.name !== args.name) patch.name = args.name;
        if (olds.accessTokenTtl !== args.accessTokenTtl) patch.accessTokenTtl = args.accessTokenTtl;
        if (Object.keys(patch).length > 0) await connection.get().updateResource(id, patch);
        return { outs: { name: args.name, indicator: olds.indicator, accessTokenTtl: args.accessTokenTtl, ...adoptOf(args) } };
    },

    async delete(id) {
        // Gone already is fine (false for a 404); any other failure fails the delete.
        await connection.get().deleteResource(id);
    },
};

/**
 * A Logto API resource. `id` is Logto's resource id, to pass to `ApiScope.resourceId`.
 */
export class ApiResource extends LogtoDynamicResource {
    declare public readonly name: pulumi.Output<string>;
    declare public readonly indicator: pulumi.Output<string>;
    declare public readonly accessTokenTtl: pulumi.Output<number>;

    constructor(name: string, args: ApiResourceArgs, opts?: pulumi.CustomResourceOptions) {
        super("ApiResource", "pulumi-logto-m2m/providers/apiResource", name, { accessTokenTtl: undefined, ...args }, opts);
    }
}
