import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { checkWith } from "./checkFailures";
import { ProviderConnection } from "./connection";
import { dynamicTypeToken, LogtoDynamicResource } from "./dynamicResource";
import { logtoCode, PartialFailure, type LogtoApi } from "./logtoApi";
import { diffProperties, idSetEqual, optionalTextEqual, nameDescriptionPatch } from "./propertyDiff";
import { adoptOf, readResult } from "./readResult";
import { orderLike, setDelta } from "./setDelta";
import { adoptFlag, logtoIdList, logtoLimits, optionalText, requiredText } from "./validation";

/**
 * An organization role of type MachineToMachine: what an app that is a member of an organization may do there,
 * as organization permissions and as permissions of API resources (for tokens with `resource`).
 */
export interface OrganizationRoleArgs {
    /** 1..128 characters, unique in the tenant among organization roles. Renamed in place. */
    name: pulumi.Input<string>;
    /** At most 256 characters. */
    description?: pulumi.Input<string>;
    /** Ids of `OrganizationScope`s. Changes are added and removed in place. */
    organizationScopeIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Ids of `ApiScope`s (API resource permissions). Changes are added and removed in place. */
    resourceScopeIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Take over the organization role of this name instead of failing. Default `logto:adoptExisting`. */
    adopt?: pulumi.Input<boolean>;
}

/** @internal The args schema; the plugin's schema is generated from it. */
export const organizationRoleArgsSchema = z.object({
    name: requiredText("name", logtoLimits.organizationName),
    description: optionalText("description", logtoLimits.organizationDescription).optional(),
    organizationScopeIds: logtoIdList("organizationScopeId"),
    resourceScopeIds: logtoIdList("resourceScopeId"),
    adopt: adoptFlag,
});

type Args = z.infer<typeof organizationRoleArgsSchema>;

interface OrganizationRoleOutputs {
    name: string;
    description?: string;
    organizationScopeIds: string[];
    resourceScopeIds: string[];
    adopt?: boolean;
}

const inputKeys = ["name", "description", "organizationScopeIds", "resourceScopeIds", "adopt"] as const;

const connection = new ProviderConnection();

function outputsOf(args: Args, held: { organizationScopeIds: string[]; resourceScopeIds: string[] }): OrganizationRoleOutputs {
    return { name: args.name, ...(args.description ? { description: args.description } : {}), ...held, ...adoptOf(args) };
}

interface Held {
    organizationScopeIds: string[];
    resourceScopeIds: string[];
}

/**
 * Brings both permission sets from `current` to `desired`: one add per kind and one removal per dropped
 * permission. `onProgress` learns what is held after each step, so a failure can record the truth.
 */
async function applyScopes(api: LogtoApi, roleId: string, current: Held, desired: Held, onProgress: (held: Held) => void): Promise<Held> {
    const held: Held = { organizationScopeIds: [...current.organizationScopeIds], resourceScopeIds: [...current.resourceScopeIds] };
    const org = setDelta(current.organizationScopeIds, desired.organizationScopeIds);
    const res = setDelta(current.resourceScopeIds, desired.resourceScopeIds);
    // Both adds are idempotent in Logto: an id already held (state older than Logto) is no error.
    if (org.add.length > 0) {
        await api.addOrganizationRoleScopes(roleId, org.add);
        held.organizationScopeIds.push(...org.add);
        onProgress(held);
    }
    if (res.add.length > 0) {
        await api.addOrganizationRoleResourceScopes(roleId, res.add);
        held.resourceScopeIds.push(...res.add);
        onProgress(held);
    }
    for (const id of org.remove) {
        await api.removeOrganizationRoleScope(roleId, id);
        held.organizationScopeIds = held.organizationScopeIds.filter((s) => s !== id);
        onProgress(held);
    }
    for (const id of res.remove) {
        await api.removeOrganizationRoleResourceScope(roleId, id);
        held.resourceScopeIds = held.resourceScopeIds.filter((s) => s !== id);
        onProgress(held);
    }
    return {
        organizationScopeIds: orderLike(desired.organizationScopeIds, held.organizationScopeIds),
        resourceScopeIds: orderLike(desired.resourceScopeIds, held.resourceScopeIds),
    };
}

async function heldBy(api: LogtoApi, id: string): Promise<Held> {
    const [org, res] = await Promise.all([api.listOrganizationRoleScopes(id), api.listOrganizationRoleResourceScopes(id)]);
    return { organizationScopeIds: org.map((s) => s.id), resourceScopeIds: res.map((s) => s.id) };
}

async function readOutputs(api: LogtoApi, id: string, previous: Record<string, unknown>): Promise<OrganizationRoleOutputs | undefined> {
    const role = await api.getOrganizationRole(id);
    if (role === undefined) return undefined;
    const held = await heldBy(api, id);
    const before = (key: string): string[] => (Array.isArray(previous[key]) ? (previous[key] as unknown[]).map(String) : []);
    return {
        name: role.name,
        ...(role.description ? { description: role.description } : {}),
        organizationScopeIds: orderLike(before("organizationScopeIds"), held.organizationScopeIds),
        resourceScopeIds: orderLike(before("resourceScopeIds"), held.resourceScopeIds),
        ...adoptOf(previous as { adopt?: boolean }),
    };
}

/** Runs the permission changes; on failure a PartialFailure records what the role holds by then. */
async function applyRecording(api: LogtoApi, id: string, inputs: Record<string, unknown>, args: Args, current: Held, what: string): Promise<Held> {
    let progress = current;
    try {
        return await applyScopes(api, id, current, args, (held) => {
            progress = { organizationScopeIds: [...held.organizationScopeIds], resourceScopeIds: [...held.resourceScopeIds] };
        });
    } catch (error) {
        throw new PartialFailure(id, outputsOf(args, progress), inputs, error, what);
    }
}

export const provider: pulumi.dynamic.ResourceProvider = {
    async configure(req) {
        connection.configure(req);
    },

    async check(_olds, news) {
        const inputs = { ...news };
        if (inputs.description === "") delete inputs.description;
        return { inputs, failures: checkWith(organizationRoleArgsSchema, inputs) };
    },

    async diff(_id, olds, news) {
        // All of it is mutable (the type is fixed to MachineToMachine here): never a replace.
        return diffProperties(olds, news, {
            compared: { name: null, description: optionalTextEqual, organizationScopeIds: idSetEqual, resourceScopeIds: idSetEqual },
        });
    },

    async create(inputs) {
        const args = organizationRoleArgsSchema.parse(inputs);
        const api = connection.get();
        const existing = connection.adopt(args.adopt) ? await api.findOrganizationRoleByName(args.name) : undefined;
        if (existing !== undefined) {
            if (existing.type !== "MachineToMachine") {
                throw new Error(`cannot adopt organization role ${args.name}: it is a ${existing.type} role (apps can only hold MachineToMachine ones)`);
            }
            if (!optionalTextEqual(existing.description, args.description)) await api.updateOrganizationRole(existing.id, { description: args.description ?? null });
            const held = await applyRecording(api, existing.id, inputs, args, await heldBy(api, existing.id), `organization role ${args.name} was adopted, but its permissions were not all set`);
            return { id: existing.id, outs: outputsOf(args, held) };
        }
        try {
            // One call: Logto checks the permission ids before it inserts the role (a bad one leaves nothing behind).
            const role = await api.createOrganizationRole({
                name: args.name,
                ...(args.description !== undefined ? { description: args.description } : {}),
                type: "MachineToMachine",
                organizationScopeIds: args.organizationScopeIds,
                resourceScopeIds: args.resourceScopeIds,
            });
            return { id: role.id, outs: outputsOf(args, args) };
        } catch (error) {
            if (logtoCode(error) === "entity.unique_integrity_violation") {
                throw new Error(`an organization role named ${args.name} already exists in Logto: set adopt: true on it (or stack config ` +
                    `logto:adoptExisting=true) to take it over`, { cause: error });
            }
            throw error;
        }
    },

    async read(id, props) {
        const outs = await readOutputs(connection.get(), id, props);
        if (outs === undefined) return { id: "", props: {} };
        return readResult(id, { ...props, ...outs }, inputKeys);
    },

    async update(id, olds, news) {
        const args = organizationRoleArgsSchema.parse(news);
        const api = connection.get();
        const ids = (key: string): string[] => (Array.isArray(olds[key]) ? (olds[key] as unknown[]).map(String) : []);
        const patch = nameDescriptionPatch(olds, args);
        if (Object.keys(patch).length > 0) await api.updateOrganizationRole(id, patch);
        const held = await applyRecording(api, id, news, args, { organizationScopeIds: ids("organizationScopeIds"), resourceScopeIds: ids("resourceScopeIds") },
            `organization role ${args.name} was updated only in part`);
        return { outs: outputsOf(args, held) };
    },

    async delete(id) {
        // Logto takes it from every member holding it; gone already is fine (false for a 404).
        await connection.get().deleteOrganizationRole(id);
    },
};

/** An M2M organization role. `id` is Logto's id, to list in `OrganizationApplication.organizationRoleIds`. */
export class OrganizationRole extends LogtoDynamicResource {
    static readonly typeToken = dynamicTypeToken("OrganizationRole");

    declare public readonly name: pulumi.Output<string>;
    declare public readonly description: pulumi.Output<string | undefined>;
    declare public readonly organizationScopeIds: pulumi.Output<string[]>;
    declare public readonly resourceScopeIds: pulumi.Output<string[]>;

    constructor(name: string, args: OrganizationRoleArgs, opts?: pulumi.CustomResourceOptions) {
        super("OrganizationRole", "pulumi-logto-m2m/providers/organizationRole", name, { description: undefined, ...args }, opts);
    }
}
