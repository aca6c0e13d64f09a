import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { checkWith } from "./checkFailures";
import { ProviderConnection } from "./connection";
import { dynamicTypeToken, LogtoDynamicResource } from "./dynamicResource";
import { applicationMarker } from "./m2mApplication";
import { readResult } from "./readResult";
import { stackIdentity } from "./stackIdentity";
import { deepEqual, diffProperties, nameDescriptionPatch, optionalTextEqual } from "./propertyDiff";
import { adoptFlag, customDataSchema, logtoId, logtoLimits, optionalText, requiredText } from "./validation";

/** A Logto organization (a customer of a B2B product), managed by the stack. */
export interface OrganizationArgs {
    /** 1..128 characters. Names need not be unique in Logto. Renamed in place. */
    name: pulumi.Input<string>;
    /** At most 256 characters. */
    description?: pulumi.Input<string>;
    /** A JSON object kept with the organization (at most 4 KB as JSON). */
    customData?: pulumi.Input<Record<string, unknown>>;
    /** Take over the organization `adoptOrganizationId` (names repeat, so there is no name to find it by). */
    adopt?: pulumi.Input<boolean>;
    adoptOrganizationId?: pulumi.Input<string>;
}

/** @internal The args schema; the plugin's schema is generated from it. */
export const organizationArgsSchema = z.object({
    name: requiredText("name", logtoLimits.organizationName),
    description: optionalText("description", logtoLimits.organizationDescription).optional(),
    customData: customDataSchema.optional(),
    adopt: adoptFlag,
    adoptOrganizationId: logtoId("adoptOrganizationId").optional(),
    marker: requiredText("marker", 512),
    // Plugin programs only: the nonce the marker is derived from (the class derives the marker itself).
    stackNonce: z.string({ error: "stackNonce must be the nonce of a StackIdentity (a string)" }).min(1, { error: "stackNonce must not be empty" }).optional(),
}).superRefine((args, ctx) => {
    if (args.adopt === true && args.adoptOrganizationId === undefined) {
        ctx.addIssue({ code: "custom", path: ["adoptOrganizationId"], message: "adoptOrganizationId is required when adopt is true: the id of the organization to take over" });
    }
});

type Args = z.infer<typeof organizationArgsSchema>;

const inputKeys = ["name", "description", "customData", "adopt", "adoptOrganizationId", "marker"] as const;

const connection = new ProviderConnection();

function outputsOf(args: Args, marker: string) {
    return {
        name: args.name,
        ...(args.description ? { description: args.description } : {}),
        customData: args.customData ?? {},
        marker,
        ...(args.adopt !== undefined ? { adopt: args.adopt } : {}),
        ...(args.adoptOrganizationId !== undefined ? { adoptOrganizationId: args.adoptOrganizationId } : {}),
    };
}

export const provider: pulumi.dynamic.ResourceProvider = {
    async configure(req) {
        connection.configure(req);
    },

    async check(_olds, news) {
        const inputs = { ...news, customData: news.customData ?? {} };
        if (inputs.description === "") delete inputs.description;
        return { inputs, failures: checkWith(organizationArgsSchema, inputs) };
    },

    async diff(_id, olds, news) {
        const diff = diffProperties(olds, { ...news, customData: news.customData ?? {} }, {
            compared: { name: null, description: optionalTextEqual, customData: deepEqual },
        });
        // Nothing replaces an organization, but a forced replace must not let the new one find the old one by its marker.
        return { ...diff, deleteBeforeReplace: true };
    },

    async create(inputs) {
        const args = organizationArgsSchema.parse(inputs);
        const api = connection.get();
        const customData = args.customData ?? {};
        // The marker finds the organization an interrupted earlier run made, so a retry never makes a second one.
        let found = await api.findOrganizationByMarker(args.marker, args.name);
        if (found === undefined && connection.adopt(args.adopt) && args.adoptOrganizationId !== undefined) {
            found = await api.getOrganization(args.adoptOrganizationId);
            if (found === undefined) throw new Error(`cannot adopt organization ${args.adoptOrganizationId} (adoptOrganizationId): it does not exist in Logto`);
        }
        if (found !== undefined) {
            if (found.name !== args.name || !optionalTextEqual(found.description, args.description) || !deepEqual(found.customData, customData)) {
                await api.updateOrganization(found.id, { name: args.name, description: args.description ?? null, customData });
            }
            return { id: found.id, outs: outputsOf(args, found.marker ?? args.marker) };
        }
        const created = await api.createOrganization({ name: args.name, ...(args.description ? { description: args.description } : {}), customData }, { marker: args.marker });
        return { id: created.id, outs: outputsOf(args, args.marker) };
    },

    async read(id, props) {
        const org = await connection.get().getOrganization(id);
        if (org === undefined) return { id: "", props: {} };
        // Logto stores an omitted or empty description as null; the state leaves it out (an undefined value
        // would not serialize).
        const { description: _previous, ...kept } = props;
        return readResult(id, {
            ...kept,
            name: org.name,
            ...(org.description ? { description: org.description } : {}),
            customData: org.customData,
            marker: org.marker ?? String(props.marker ?? ""),
        }, inputKeys);
    },

    async update(id, olds, news) {
        const args = organizationArgsSchema.parse({ ...news, marker: olds.marker ?? news.marker });
        const customData = args.customData ?? {};
        const patch: { name?: string; description?: string | null; customData?: Record<string, unknown> } = nameDescriptionPatch(olds, args);
        if (!deepEqual(olds.customData ?? {}, customData)) patch.customData = customData;
        if (Object.keys(patch).length > 0) await connection.get().updateOrganization(id, patch);
        return { outs: outputsOf(args, args.marker) };
    },

    async delete(id) {
        // Logto removes its memberships with it; gone already is fine (false for a 404).
        await connection.get().deleteOrganization(id);
    },
};

/** A managed organization. `id` is Logto's organization id (the `organization_id` of its tokens). */
export class Organization extends LogtoDynamicResource {
    static readonly typeToken = dynamicTypeToken("Organization");

    declare public readonly name: pulumi.Output<string>;
    declare public readonly description: pulumi.Output<string | undefined>;
    declare public readonly customData: pulumi.Output<Record<string, unknown>>;

    constructor(name: string, args: OrganizationArgs, opts?: pulumi.CustomResourceOptions) {
        super("Organization", "pulumi-logto-m2m/providers/organization", name, {
            description: undefined,
            customData: undefined,
            ...args,
            // As for apps: the stack's identity makes the marker this stack's alone.
            marker: stackIdentity().nonce.apply((nonce) => applicationMarker(pulumi.getProject(), pulumi.getStack(), name, nonce)),
        }, opts);
    }
}

// ---- An organization that exists in Logto, looked up, never managed --------------------------------------

const referenceConnection = new ProviderConnection();

/** The inputs of `ExistingOrganization` (`check` also requires exactly one of `organizationId` and `name`). */
/** @internal The args schema; the plugin's schema is generated from it. */
export const existingOrganizationArgsSchema = z.object({
    organizationId: logtoId("organizationId").optional(),
    name: z.string().optional(),
    usedAt: z.array(z.string()).optional(),
});

function describeRef(inputs: Record<string, unknown>): string {
    return inputs.organizationId !== undefined ? `id ${JSON.stringify(inputs.organizationId)}` : `name ${JSON.stringify(inputs.name)}`;
}

/**
 * Provider of `ExistingOrganization`. A read-only resource rather than a program-time lookup, like the
 * existing-role reference: an `up` with nothing to change makes no call; the lookup runs at create (first `up`,
 * or when the id or name changes) and at `refresh`. `delete` forgets it and leaves the organization in Logto.
 */
export const existingOrganizationProvider: pulumi.dynamic.ResourceProvider = {
    async configure(req) {
        referenceConnection.configure(req);
    },

    async check(_olds, news) {
        const byId = typeof news.organizationId === "string" && news.organizationId !== "";
        const byName = typeof news.name === "string" && news.name !== "";
        const failures = byId === byName ? [{ property: byId ? "name" : "organizationId", reason: "give exactly one of organizationId and name" }] : [];
        return { inputs: news, failures: failures.length > 0 ? failures : checkWith(existingOrganizationArgsSchema, news) };
    },

    async diff(_id, olds, news) {
        if (olds.organizationId === news.organizationId && olds.name === news.name) return { changes: false };
        return { changes: true, replaces: olds.organizationId !== news.organizationId ? ["organizationId"] : ["name"], deleteBeforeReplace: false };
    },

    async create(inputs) {
        const api = referenceConnection.get();
        const where = Array.isArray(inputs.usedAt) && inputs.usedAt.length > 0 ? ` (${(inputs.usedAt as string[]).join(", ")})` : "";
        if (typeof inputs.organizationId === "string") {
            const org = await api.getOrganization(inputs.organizationId);
            if (org === undefined) throw new Error(`unknown organization ${describeRef(inputs)}${where}: there is none in Logto`);
            return { id: org.id, outs: { ...inputs, organizationId: inputs.organizationId, foundName: org.name } };
        }
        const matches = await api.findOrganizationsByName(String(inputs.name));
        if (matches.length !== 1) {
            throw new Error(matches.length === 0
                ? `unknown organization ${describeRef(inputs)}${where}: there is none of that name in Logto (names are case-sensitive)`
                : `organization ${describeRef(inputs)}${where} is ambiguous: ${matches.length} organizations in Logto have that name (${matches.map((o) => o.id).join(", ")}); name it by id`);
        }
        return { id: matches[0]!.id, outs: { ...inputs, foundName: matches[0]!.name } };
    },

    async read(id, props) {
        const org = await referenceConnection.get().getOrganization(id);
        if (org === undefined) return { id: "", props: {} };
        // Imported by id alone (`pulumi import`): the reference is by that id.
        const known = props.organizationId === undefined && props.name === undefined ? { organizationId: id } : props;
        return readResult(id, { ...known, foundName: org.name }, ["organizationId", "name", "usedAt"]);
    },

    async update(_id, olds, news) {
        return { outs: { ...olds, usedAt: news.usedAt } };
    },

    async delete() {
        // Not ours: the organization stays in Logto.
    },
};

export interface ExistingOrganizationArgs {
    /** The organization's id; or else */
    organizationId?: pulumi.Input<string>;
    /** its exact (case-sensitive) name, which must be unique in Logto. */
    name?: pulumi.Input<string>;
    /** Where the spec names it, for the error when it does not exist. */
    usedAt?: pulumi.Input<string[]>;
}

/** An organization that exists in Logto, found by id or by name; its `id` goes into `OrganizationApplication`. */
export class ExistingOrganization extends LogtoDynamicResource {
    declare public readonly foundName: pulumi.Output<string>;

    constructor(name: string, args: ExistingOrganizationArgs, opts?: pulumi.CustomResourceOptions) {
        super("ExistingOrganization", { module: "pulumi-logto-m2m/providers/organization", exportName: "existingOrganizationProvider" }, name,
            { foundName: undefined, usedAt: [], ...args }, opts);
    }
}
