import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { checkWith } from "./checkFailures";
import { ProviderConnection } from "./connection";
import { LogtoDynamicResource } from "./dynamicResource";
import { applicationMarkerKey, isNotFound, logtoCode, PartialFailure, type LogtoApi } from "./logtoApi";
import { deepEqual, diffProperties, idSetEqual, optionalTextEqual } from "./propertyDiff";
import { orderLike, setDelta } from "./setDelta";
import { adoptFlag, logtoId, logtoIdList, requiredText } from "./validation";

/** A machine-to-machine application: a client that gets tokens with its App ID and a secret. */
export interface M2MApplicationArgs {
    /** 1..256 characters. Names need not be unique in Logto. */
    name: pulumi.Input<string>;
    description?: pulumi.Input<string>;
    /** Ids of `M2MRole`s (or of existing M2M roles, see `getRoleByName`). Changes are added and removed in place. */
    roleIds: pulumi.Input<pulumi.Input<string>[]>;
    /** A JSON object kept with the app in Logto (at most 4 KB as JSON). */
    customData?: pulumi.Input<Record<string, unknown>>;
    /** Take over the app `adoptAppId` (applications have no unique name to find them by). */
    adopt?: pulumi.Input<boolean>;
    /** The App ID to take over when `adopt` is true. */
    adoptAppId?: pulumi.Input<string>;
}

/** The secret Logto creates with every new app; its value is the app's `appSecret`. */
export const defaultSecretName = "Default secret";
const maxCustomDataBytes = 4096;

const m2mApplicationArgsSchema = z.object({
    name: requiredText("name", 256),
    description: z.string({ error: "description must be a string" }).optional(),
    roleIds: logtoIdList("roleId"),
    customData: z.record(z.string(), z.unknown(), { error: "customData must be a JSON object" })
        .refine((d) => !Object.hasOwn(d, applicationMarkerKey), { error: `customData.${applicationMarkerKey} is reserved for the app's marker` })
        .refine((d) => Buffer.byteLength(JSON.stringify(d)) <= maxCustomDataBytes, { error: `customData must be at most ${maxCustomDataBytes} bytes as JSON` })
        .optional(),
    adopt: adoptFlag,
    adoptAppId: logtoId("adoptAppId").optional(),
    marker: requiredText("marker", 512),
}).superRefine((args, ctx) => {
    if (args.adopt === true && args.adoptAppId === undefined) {
        ctx.addIssue({ code: "custom", path: ["adoptAppId"], message: "adoptAppId is required when adopt is true: the App ID of the app to take over" });
    }
});

type M2MApplicationArgsParsed = z.infer<typeof m2mApplicationArgsSchema>;

interface M2MApplicationOutputs {
    appId: string;
    /** Empty when the app has no "Default secret" (a later `up` creates one). */
    appSecret: string;
    name: string;
    description?: string;
    roleIds: string[];
    customData: Record<string, unknown>;
    marker: string;
}

const connection = new ProviderConnection();

/**
 * Apps by marker, listed once per process and client. The marker lookup exists for apps an interrupted earlier
 * run made, and those exist before this process starts, so one listing serves every create of the run instead
 * of one listing per create. A hit is read again by id: the app may have been deleted since (a replacement
 * deletes the old app, which carries the same marker, before creating the new one).
 */
const appsByMarker = new WeakMap<LogtoApi, Promise<Map<string, string>>>();

async function findAppByMarker(api: LogtoApi, marker: string) {
    let snapshot = appsByMarker.get(api);
    if (snapshot === undefined) {
        snapshot = api.listApplications().then((apps) =>
            new Map(apps.flatMap((app) => (app.marker !== undefined ? [[app.marker, app.id] as const] : []))));
        // A failed listing is not cached: the next create lists again.
        snapshot.catch(() => appsByMarker.delete(api));
        appsByMarker.set(api, snapshot);
    }
    const id = (await snapshot).get(marker);
    return id === undefined ? undefined : api.getApplication(id);
}

function outputsOf(id: string, args: M2MApplicationArgsParsed, roleIds: string[], appSecret: string, marker: string): M2MApplicationOutputs {
    return {
        appId: id,
        appSecret,
        name: args.name,
        ...(args.description ? { description: args.description } : {}),
        roleIds,
        customData: args.customData ?? {},
        marker,
    };
}

/** The value of the app's unexpired "Default secret", created again when it was deleted. */
async function defaultSecret(api: LogtoApi, appId: string): Promise<string> {
    const now = Date.now();
    const found = (await api.listApplicationSecrets(appId))
        .find((s) => s.name === defaultSecretName && (s.expiresAt === null || s.expiresAt === undefined || s.expiresAt > now));
    if (found !== undefined) return found.value;
    try {
        return (await api.createApplicationSecret(appId, { name: defaultSecretName })).value;
    } catch (error) {
        // An expired "Default secret" holds the name: it authenticates nothing any more, so make room.
        if (logtoCode(error) !== "application.secret_name_exists") throw error;
        await api.deleteApplicationSecret(appId, defaultSecretName);
        return (await api.createApplicationSecret(appId, { name: defaultSecretName })).value;
    }
}

/** Role deltas by POST and DELETE (never PUT, which Logto gets wrong when nothing is new). */
async function applyRoles(api: LogtoApi, appId: string, current: string[], desired: string[]): Promise<string[]> {
    const delta = setDelta(current, desired);
    let held = [...current];
    if (delta.add.length > 0) {
        // Idempotent in Logto >= 1.41: roles already held are skipped.
        await api.addApplicationRoles(appId, delta.add);
        held = [...held, ...delta.add];
    }
    for (const roleId of delta.remove) {
        await api.removeApplicationRole(appId, roleId);
        held = held.filter((r) => r !== roleId);
    }
    return orderLike(desired, held);
}

async function readOutputs(api: LogtoApi, id: string, previous: Record<string, unknown>): Promise<M2MApplicationOutputs | undefined> {
    const app = await api.getApplication(id);
    if (app === undefined) return undefined;
    const [roles, secrets] = await Promise.all([api.listApplicationRoles(id), api.listApplicationSecrets(id)]);
    const now = Date.now();
    const secret = secrets.find((s) => s.name === defaultSecretName && (s.expiresAt === null || s.expiresAt === undefined || s.expiresAt > now));
    const before = Array.isArray(previous.roleIds) ? previous.roleIds.map(String) : [];
    return {
        appId: id,
        appSecret: secret?.value ?? "",
        name: app.name,
        ...(app.description ? { description: app.description } : {}),
        roleIds: orderLike(before, roles.map((r) => r.id)),
        // The client leaves its marker out of customData.
        customData: app.customData,
        marker: app.marker ?? String(previous.marker ?? ""),
    };
}

async function failingPartially<T>(id: string, inputs: Record<string, unknown>, fallback: Record<string, unknown>, what: string, apply: () => Promise<T>): Promise<T> {
    try {
        return await apply();
    } catch (error) {
        const actual = await readOutputs(connection.get(), id, fallback).catch(() => undefined);
        // No secret in a failure's properties: the next `up` sees it missing and reads it again.
        throw new PartialFailure(id, { ...(actual ?? fallback), appSecret: "" }, inputs, error, what);
    }
}

export const provider: pulumi.dynamic.ResourceProvider = {
    async configure(req) {
        connection.configure(req);
    },

    async check(_olds, news) {
        const inputs = { ...news };
        if (inputs.description === "") delete inputs.description;
        return { inputs, failures: checkWith(m2mApplicationArgsSchema, inputs) };
    },

    async diff(_id, olds, news) {
        const diff = diffProperties(olds, { ...news, customData: news.customData ?? {} }, {
            compared: { name: null, description: optionalTextEqual, roleIds: idSetEqual, customData: deepEqual },
        });
        // A "Default secret" deleted outside Pulumi (seen by refresh) is created again by an update.
        const secretMissing = olds.appSecret === "" || olds.appSecret === undefined;
        return {
            ...diff,
            changes: diff.changes || secretMissing,
            // Nothing replaces an app, but a forced replace (--replace) must not let the new app find the old one by
            // its marker and then lose it to the deletion of the old one.
            deleteBeforeReplace: true,
        };
    },

    async create(inputs) {
        const args = m2mApplicationArgsSchema.parse(inputs);
        const api = connection.get();
        const customData = args.customData ?? {};
        // The marker finds the app an interrupted earlier run made, so a retry never makes a second one.
        let app = await findAppByMarker(api, args.marker);
        if (app === undefined && connection.adopt(args.adopt) && args.adoptAppId !== undefined) {
            app = await api.getApplication(args.adoptAppId);
            if (app === undefined) throw new Error(`cannot adopt app ${args.adoptAppId} (adoptAppId): it does not exist in Logto`);
        }
        let current: string[] = [];
        if (app !== undefined) {
            if (app.type !== "MachineToMachine") throw new Error(`cannot adopt app ${app.id}: it is a ${app.type} app, not MachineToMachine`);
            if (app.name !== args.name || !optionalTextEqual(app.description, args.description) || !deepEqual(app.customData, customData)) {
                await api.updateApplication(app.id, { name: args.name, description: args.description ?? null, customData });
            }
            current = (await api.listApplicationRoles(app.id)).map((r) => r.id);
        } else {
            app = await api.createApplication({ name: args.name, ...(args.description ? { description: args.description } : {}), customData }, { marker: args.marker });
        }
        const id = app.id;
        const partial = outputsOf(id, args, current, "", args.marker);
        return failingPartially(id, inputs, { ...partial }, `app ${args.name} was created, but its roles or secret could not be set`, async () => {
            const roleIds = await applyRoles(api, id, current, args.roleIds);
            const appSecret = await defaultSecret(api, id);
            return { id, outs: outputsOf(id, args, roleIds, appSecret, args.marker) };
        });
    },

    async read(id, props) {
        const outs = await readOutputs(connection.get(), id, props);
        if (outs === undefined) return { id: "", props: {} };
        return { id, props: { ...props, ...outs } };
    },

    async update(id, olds, news) {
        const args = m2mApplicationArgsSchema.parse({ ...news, marker: olds.marker ?? news.marker });
        const api = connection.get();
        const currentRoles = (olds.roleIds as string[] | undefined) ?? [];
        return failingPartially(id, news, { ...olds }, `app ${args.name} was updated only in part`, async () => {
            if (olds.name !== args.name || !optionalTextEqual(olds.description, args.description) || !deepEqual(olds.customData ?? {}, args.customData ?? {})) {
                await api.updateApplication(id, {
                    name: args.name,
                    description: args.description ?? null,
                    customData: args.customData ?? {},
                });
            }
            const roleIds = await applyRoles(api, id, currentRoles, args.roleIds);
            const appSecret = olds.appSecret ? String(olds.appSecret) : await defaultSecret(api, id);
            return { outs: outputsOf(id, args, roleIds, appSecret, args.marker) };
        });
    },

    async delete(id) {
        try {
            await connection.get().deleteApplication(id);
        } catch (error) {
            if (!isNotFound(error)) throw error;
        }
    },
};

/**
 * A machine-to-machine app. `appId` (= `id`) and `appSecret` (the "Default secret", a Pulumi secret) are what its
 * client uses to get tokens.
 */
export class M2MApplication extends LogtoDynamicResource {
    declare public readonly appId: pulumi.Output<string>;
    declare public readonly appSecret: pulumi.Output<string>;
    declare public readonly name: pulumi.Output<string>;
    declare public readonly description: pulumi.Output<string | undefined>;
    declare public readonly roleIds: pulumi.Output<string[]>;
    declare public readonly customData: pulumi.Output<Record<string, unknown>>;

    constructor(name: string, args: M2MApplicationArgs, opts?: pulumi.CustomResourceOptions) {
        super("M2MApplication", "pulumi-logto-m2m/providers/m2mApplication", name, {
            appId: undefined,
            appSecret: undefined,
            description: undefined,
            customData: undefined,
            ...args,
            // Where the app comes from, kept in its customData: a create after an interrupted run finds it.
            marker: applicationMarker(pulumi.getProject(), pulumi.getStack(), name),
        }, { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "appSecret"] });
    }
}

/** `pulumi:<project>/<stack>/<resource name>`: one per app resource of a stack. */
export function applicationMarker(project: string, stack: string, name: string): string {
    return `pulumi:${project}/${stack}/${name}`;
}
