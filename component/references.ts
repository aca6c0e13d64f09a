import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { checkWith } from "../providers/checkFailures";
import { ProviderConnection } from "../providers/connection";
import { LogtoDynamicResource } from "../providers/dynamicResource";
import type { LogtoApi } from "../providers/logtoApi";
import { readResult } from "../providers/readResult";

/**
 * References to objects that exist in Logto without being managed by the stack: a role the spec names but does
 * not declare (e.g. the preconfigured "Logto Management API access") and the Management API resource with its
 * `all` permission. They are read-only resources rather than program-time lookups so that an `up` with nothing
 * to change makes no Management API call at all: the lookup runs when the reference is created (first `up`, or
 * after its name changes) and on `pulumi refresh`, never otherwise. `delete` forgets the reference and leaves
 * the object in Logto.
 */

/** Permissions by resource indicator. */
export type Grants = Record<string, string[]>;

async function grantsOfRole(api: LogtoApi, roleId: string): Promise<Grants> {
    const grants: Grants = {};
    for (const scope of await api.listRoleScopes(roleId)) {
        (grants[scope.resource.indicator] ??= []).push(scope.name);
    }
    for (const names of Object.values(grants)) names.sort();
    return grants;
}

const roleConnection = new ProviderConnection();

function managedRoleReason(news: Record<string, unknown>): string {
    const name = JSON.stringify(String(news.name));
    const paths = Array.isArray(news.usedAt) && news.usedAt.length > 0 ? (news.usedAt as string[]).join(", ") : "an app's roles";
    return `${paths}: role ${name} is no longer declared under roles, but this stack manages it, so this up would delete it ` +
        `and revoke it from every app that lists it. Declare it under roles again, or remove it from ${paths} as well ` +
        `(to keep it in Logto, unmanaged, first run pulumi state delete on its M2MRole resource)`;
}

/** @internal What `ExistingRole`'s check validates (also the plugin schema's inputs of `logto:index:ExistingRole`). */
export const existingRoleArgsSchema = z.object({
    name: z.string({ error: "name must be a non-empty string" }).min(1, { error: "name must be a non-empty string" }),
    usedAt: z.array(z.string(), { error: "usedAt must be a list of strings" }).optional(),
});

/** Provider of `ExistingRole`: required by name from the package entry, see `referenceShim`. */
export const existingRoleProvider: pulumi.dynamic.ResourceProvider = {
    async configure(req) {
        roleConnection.configure(req);
    },

    async check(olds, news) {
        const failures = checkWith(existingRoleArgsSchema, news);
        // Old inputs with permissions are an M2MRole's, handed over by the alias the component gives every
        // reference: this stack manages the role, and this very `up` would delete it, taking it from every app
        // that lists it while the outputs still claimed its permissions.
        if (Array.isArray(olds.scopeIds)) failures.push({ property: "name", reason: managedRoleReason(news) });
        return { inputs: news, failures };
    },

    async diff(_id, olds, news) {
        // Only the name says which role is meant; `usedAt` is for messages and changes nothing.
        if (olds.name === news.name) return { changes: false };
        return { changes: true, replaces: ["name"], deleteBeforeReplace: false };
    },

    async create(inputs) {
        const name = inputs.name as string;
        const where = Array.isArray(inputs.usedAt) && inputs.usedAt.length > 0 ? ` (${(inputs.usedAt as string[]).join(", ")})` : "";
        const api = roleConnection.get();
        const role = await api.findRoleByName(name);
        if (role === undefined) {
            throw new Error(`unknown role ${JSON.stringify(name)}${where}: it is neither declared under roles in the spec nor found in Logto ` +
                `(names are case-sensitive); declare it in the spec, or create it in Logto`);
        }
        if (role.type !== "MachineToMachine") {
            throw new Error(`role ${JSON.stringify(name)}${where} is a ${role.type} role in Logto; apps can only hold machine-to-machine roles`);
        }
        return { id: role.id, outs: { name, usedAt: inputs.usedAt, roleId: role.id, grants: await grantsOfRole(api, role.id) } };
    },

    async read(id, props) {
        const api = roleConnection.get();
        const role = await api.getRole(id);
        // Deleted outside Pulumi: leave the state; the next `up` looks the name up again (and fails if it is gone).
        if (role === undefined) return { id: "", props: {} };
        return readResult(id, { ...props, name: role.name, roleId: role.id, grants: await grantsOfRole(api, role.id) }, ["name", "usedAt"]);
    },

    async update(_id, olds, news) {
        return { outs: { ...olds, usedAt: news.usedAt } };
    },

    async delete() {
        // Not ours: the role stays in Logto.
    },
};

const managementConnection = new ProviderConnection();

/** Provider of `ManagementApiReference`. */
export const managementApiProvider: pulumi.dynamic.ResourceProvider = {
    async configure(req) {
        managementConnection.configure(req);
    },

    async check(_olds, news) {
        return { inputs: news, failures: [] };
    },

    async diff() {
        return { changes: false };
    },

    async create() {
        const resource = await managementConnection.get().getManagementApiResource();
        const all = resource.scopes.find((s) => s.name === "all");
        if (all === undefined) throw new Error(`the Management API resource ${resource.indicator} has no permission named all`);
        return { id: resource.id, outs: { indicator: resource.indicator, allScopeId: all.id } };
    },

    async read(id, props) {
        const resource = await managementConnection.get().getManagementApiResource();
        const all = resource.scopes.find((s) => s.name === "all");
        return readResult(resource.id ?? id, { ...props, indicator: resource.indicator, allScopeId: all?.id ?? props.allScopeId }, []);
    },

    async delete() {
        // Built into Logto; it cannot be deleted and is not ours.
    },
};

/** This module, as the provider host requires it by package name (see providers/dynamicResource.ts). */
const referencesModule = "pulumi-logto-m2m/component/references";

export interface ExistingRoleArgs {
    /** The exact (case-sensitive) name of an M2M role in Logto. */
    name: pulumi.Input<string>;
    /** Where the spec names it (`apps[0].roles[1]`), for the error when it does not exist. */
    usedAt?: pulumi.Input<string[]>;
}

/** An M2M role that exists in Logto, found by name; `roleId` for `M2MApplication.roleIds`. */
export class ExistingRole extends LogtoDynamicResource {
    declare public readonly name: pulumi.Output<string>;
    declare public readonly roleId: pulumi.Output<string>;
    /** What the role grants, by resource indicator, as read at creation or the last refresh. */
    declare public readonly grants: pulumi.Output<Grants>;

    constructor(name: string, args: ExistingRoleArgs, opts?: pulumi.CustomResourceOptions) {
        super("ExistingRole", { module: referencesModule, exportName: "existingRoleProvider" }, name,
            { roleId: undefined, grants: undefined, usedAt: [], ...args }, opts);
    }
}

/** Logto's built-in Management API resource: its id, indicator and the id of its `all` permission. */
export class ManagementApiReference extends LogtoDynamicResource {
    declare public readonly indicator: pulumi.Output<string>;
    declare public readonly allScopeId: pulumi.Output<string>;

    constructor(name: string, opts?: pulumi.CustomResourceOptions) {
        super("ManagementApi", { module: referencesModule, exportName: "managementApiProvider" }, name,
            { indicator: undefined, allScopeId: undefined }, opts);
    }
}
