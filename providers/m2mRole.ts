import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { checkWith, containsUnknown } from "./checkFailures";
import { ProviderConnection } from "./connection";
import { dynamicTypeToken, LogtoDynamicResource } from "./dynamicResource";
import { logtoCode, PartialFailure, type LogtoApi } from "./logtoApi";
import { diffProperties, idSetEqual } from "./propertyDiff";
import { adoptOf, readResult } from "./readResult";
import { orderLike, setDelta } from "./setDelta";
import { adoptFlag, logtoIdList, logtoLimits, requiredText } from "./validation";

/** A machine-to-machine role: a named set of permissions that M2M apps are given. */
export interface M2MRoleArgs {
    /** 1..128 characters, unique in the tenant across user and M2M roles (case-sensitive). Renamed in place. */
    name: pulumi.Input<string>;
    /** 1..128 characters (Logto requires it). */
    description: pulumi.Input<string>;
    /** Ids of `ApiScope`s (or of the Management API's `all`). Changes are added and removed in place. */
    scopeIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Take over the M2M role of this name instead of failing. Default `logto:adoptExisting`. */
    adopt?: pulumi.Input<boolean>;
}

/** @internal The args schema; the plugin's schema is generated from it. */
export const m2mRoleArgsSchema = z.object({
    name: requiredText("name", logtoLimits.roleName).refine((n) => !n.startsWith("#internal:"), { error: "names starting with #internal: are reserved by Logto" }),
    description: requiredText("description", logtoLimits.roleDescription),
    scopeIds: logtoIdList("scopeId"),
    adopt: adoptFlag,
});

type M2MRoleArgsParsed = z.infer<typeof m2mRoleArgsSchema>;

interface M2MRoleOutputs {
    name: string;
    description: string;
    scopeIds: string[];
    adopt?: boolean;
}

const inputKeys = ["name", "description", "scopeIds", "adopt"] as const;

const connection = new ProviderConnection();

function outputsOf(args: M2MRoleArgsParsed, scopeIds: string[]): M2MRoleOutputs {
    return { name: args.name, description: args.description, scopeIds, ...adoptOf(args) };
}

/**
 * Brings the role's permissions from `current` to `desired` with one add and one removal per dropped
 * permission. Returns the set actually held when it stops, so a failure can record the truth.
 */
async function applyScopes(api: LogtoApi, roleId: string, current: string[], desired: string[]): Promise<string[]> {
    const delta = setDelta(current, desired);
    let held = [...current];
    if (delta.add.length > 0) {
        try {
            await api.addRoleScopes(roleId, delta.add);
        } catch (error) {
            // The state was stale (a permission given outside Pulumi since the last refresh): add what is missing.
            if (logtoCode(error) !== "role.scope_exists") throw error;
            const actual = new Set((await api.listRoleScopes(roleId)).map((s) => s.id));
            const missing = delta.add.filter((s) => !actual.has(s));
            if (missing.length > 0) await api.addRoleScopes(roleId, missing);
        }
        held = [...held, ...delta.add];
    }
    for (const scopeId of delta.remove) {
        // false (404): already gone, e.g. the permission was deleted with its resource.
        await api.removeRoleScope(roleId, scopeId);
        held = held.filter((s) => s !== scopeId);
    }
    return orderLike(desired, held);
}

/**
 * Why taking over a role that holds `held` with only `desired` would cut off Management API access, or undefined.
 * The role may be Logto's "Logto Management API access" or a stand-in for it: dropping its `all` would lock out
 * every app that holds it, the bootstrap app perhaps among them, so the spec must say `all` too, or the user
 * remove it in Logto first.
 */
async function managementAccessDropped(api: LogtoApi, name: string, held: { id: string; name: string; resourceId: string }[], desired: string[]): Promise<string | undefined> {
    const dropped = held.filter((s) => s.name === "all" && !desired.includes(s.id));
    if (dropped.length === 0) return undefined;
    const management = await api.getManagementApiResource();
    if (!dropped.some((s) => s.resourceId === management.id)) return undefined;
    return `adopting role ${JSON.stringify(name)} would remove the Management API's all from it (its scopeIds leave it out), and every app ` +
        `holding the role would lose Management API access (the bootstrap app may be one). Give the role the Management API's all ` +
        `in the spec (resource: management, permissions: [all]), or remove all from the role in Logto first if that is meant`;
}

/** Runs `apply`; on failure throws a PartialFailure that records what Logto actually holds. */
async function recordingPartialFailure<T>(id: string, inputs: Record<string, unknown>, fallback: M2MRoleOutputs, what: string,
    apply: () => Promise<T>): Promise<T> {
    try {
        return await apply();
    } catch (error) {
        const api = connection.get();
        const actual = await readOutputs(api, id, fallback).catch(() => fallback);
        throw new PartialFailure(id, actual ?? fallback, inputs, error, what);
    }
}

async function readOutputs(api: LogtoApi, id: string, previous: { scopeIds?: unknown }): Promise<M2MRoleOutputs | undefined> {
    const role = await api.getRole(id);
    if (role === undefined) return undefined;
    const scopes = await api.listRoleScopes(id);
    const before = Array.isArray(previous.scopeIds) ? previous.scopeIds.map(String) : [];
    return { name: role.name, description: role.description, scopeIds: orderLike(before, scopes.map((s) => s.id)) };
}

export const provider: pulumi.dynamic.ResourceProvider = {
    async configure(req) {
        connection.configure(req);
    },

    async check(olds, news) {
        const failures = checkWith(m2mRoleArgsSchema, news);
        // A role about to be created (no old inputs) that would take over an existing one: say at preview what the
        // take-over would cost, when the permissions are known (else create refuses it). Only adoption calls Logto here.
        const creating = Object.keys(olds).length === 0;
        if (failures.length === 0 && creating && !containsUnknown(news) && connection.adopt(news.adopt)) {
            const args = m2mRoleArgsSchema.parse(news);
            const api = connection.get();
            const existing = await api.findRoleByName(args.name);
            if (existing?.type === "MachineToMachine") {
                const why = await managementAccessDropped(api, args.name, await api.listRoleScopes(existing.id), args.scopeIds);
                if (why !== undefined) failures.push({ property: "scopeIds", reason: why });
            }
        }
        return { inputs: news, failures };
    },

    async diff(_id, olds, news) {
        // Everything about a role is mutable (its type is fixed to MachineToMachine here): never a replace.
        return diffProperties(olds, news, { compared: { name: null, description: null, scopeIds: idSetEqual } });
    },

    async create(inputs) {
        const args = m2mRoleArgsSchema.parse(inputs);
        const api = connection.get();
        let id: string;
        let current: string[] = [];
        const existing = connection.adopt(args.adopt) ? await api.findRoleByName(args.name) : undefined;
        if (existing !== undefined) {
            if (existing.type !== "MachineToMachine") {
                throw new Error(`cannot adopt role ${args.name}: it is a ${existing.type} role, and a role's type cannot change in Logto`);
            }
            id = existing.id;
            const held = await api.listRoleScopes(id);
            const why = await managementAccessDropped(api, args.name, held, args.scopeIds);
            if (why !== undefined) throw new Error(why);
            if (existing.description !== args.description) await api.updateRole(id, { description: args.description });
            current = held.map((s) => s.id);
        } else {
            try {
                // Without scopeIds: Logto's create with scopeIds is not atomic (a bad id leaves the role behind).
                id = (await api.createRole({ name: args.name, description: args.description, type: "MachineToMachine" })).id;
            } catch (error) {
                if (logtoCode(error) === "role.name_in_use") {
                    throw new Error(`a role named ${args.name} already exists in Logto: set adopt: true on this role (or stack config ` +
                        `logto:adoptExisting=true) to take it over`, { cause: error });
                }
                throw error;
            }
        }
        const held = await recordingPartialFailure(id, inputs, outputsOf(args, current), `role ${args.name} was created, but its permissions were not all assigned`,
            () => applyScopes(api, id, current, args.scopeIds));
        return { id, outs: outputsOf(args, held) };
    },

    async read(id, props) {
        const outs = await readOutputs(connection.get(), id, props);
        if (outs === undefined) return { id: "", props: {} };
        return readResult(id, { ...props, ...outs }, inputKeys);
    },

    async update(id, olds, news) {
        const args = m2mRoleArgsSchema.parse(news);
        const api = connection.get();
        const before: M2MRoleOutputs = { name: String(olds.name), description: String(olds.description), scopeIds: (olds.scopeIds as string[] | undefined) ?? [] };
        const held = await recordingPartialFailure(id, news, before, `role ${args.name} was updated only in part`, async () => {
            const patch: { name?: string; description?: string } = {};
            if (olds.name !== args.name) patch.name = args.name;
            if (olds.description !== args.description) patch.description = args.description;
            if (Object.keys(patch).length > 0) await api.updateRole(id, patch);
            return applyScopes(api, id, before.scopeIds, args.scopeIds);
        });
        return { outs: outputsOf(args, held) };
    },

    async delete(id) {
        // Logto removes the role's app assignments with it. A role already gone is fine (the client answers
        // false for a 404); any other failure fails the delete and keeps the role in the state.
        await connection.get().deleteRole(id);
    },
};

/** A machine-to-machine role. `id` is Logto's role id, to list in `M2MApplication.roleIds`. */
export class M2MRole extends LogtoDynamicResource {
    /** The resource type, e.g. for aliases. */
    static readonly typeToken = dynamicTypeToken("M2MRole");

    declare public readonly name: pulumi.Output<string>;
    declare public readonly description: pulumi.Output<string>;
    declare public readonly scopeIds: pulumi.Output<string[]>;

    constructor(name: string, args: M2MRoleArgs, opts?: pulumi.CustomResourceOptions) {
        super("M2MRole", "pulumi-logto-m2m/providers/m2mRole", name, args as unknown as pulumi.Inputs, opts);
    }
}
