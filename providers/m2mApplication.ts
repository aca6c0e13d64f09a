import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { checkWith } from "./checkFailures";
import { ProviderConnection } from "./connection";
import { LogtoDynamicResource } from "./dynamicResource";
import { stackIdentity } from "./stackIdentity";
import { isSecretNamed } from "./applicationSecret";
import { applicationSecrets } from "./listings";
import { stackOfMarker } from "../client/marker";
import { applicationMarkerKey, logtoCode, PartialFailure, type LogtoApi, type LogtoSecret } from "./logtoApi";
import { deepEqual, diffProperties, idSetEqual, optionalTextEqual, type Equality } from "./propertyDiff";
import { adoptOf, readResult } from "./readResult";
import { orderLike, setDelta } from "./setDelta";
import { adoptFlag, customDataSchema, logtoId, logtoIdList, logtoLimits, optionalText, requiredText } from "./validation";

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
    /**
     * The `name`s of this app's `ApplicationSecret`s in the stack. Given, every other secret of the app (but its
     * "Default secret") is drift: `refresh` shows it (output `unmanagedSecretNames`) and `up` deletes it, unless
     * `unmanagedSecrets` is "keep". Omitted, the app's other secrets are left alone and not watched.
     */
    managedSecrets?: pulumi.Input<pulumi.Input<string>[]>;
    /** "remove" (default): `up` deletes secrets the stack does not manage; "keep": they are only reported. */
    unmanagedSecrets?: pulumi.Input<"remove" | "keep">;
}

/** The secret Logto creates with every new app; its value is the app's `appSecret`. */
export const defaultSecretName = "Default secret";

/** @internal The args schema; the plugin's schema is generated from it. */
export const m2mApplicationArgsSchema = z.object({
    name: requiredText("name", logtoLimits.appName),
    description: optionalText("description").optional(),
    roleIds: logtoIdList("roleId"),
    customData: customDataSchema.optional(),
    adopt: adoptFlag,
    adoptAppId: logtoId("adoptAppId").optional(),
    marker: requiredText("marker", 512),
    managedSecrets: z.array(z.string({ error: "managedSecrets must be secret names" }), { error: "managedSecrets must be a list of secret names" }).optional(),
    unmanagedSecrets: z.enum(["remove", "keep"], { error: 'unmanagedSecrets must be "remove" or "keep"' }).optional(),
    /**
     * The plugin's input for the marker's nonce (a StackIdentity's `nonce`), from which its check derives `marker`;
     * the class sets `marker` itself.
     */
    stackNonce: z.string({ error: "stackNonce must be the nonce of a StackIdentity (a string)" }).min(1, { error: "stackNonce must not be empty" }).optional(),
    /** Carried by `check` in "keep" mode: the unmanaged secrets found, so that up does not count them as a change. */
    unmanagedSecretNames: z.array(z.string()).optional(),
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
    marker?: string;
    adopt?: boolean;
    adoptAppId?: string;
    managedSecrets?: string[];
    unmanagedSecrets?: "remove" | "keep";
    /** Secrets of the app that are neither its "Default secret" nor managed (names only, sorted; absent when none). */
    unmanagedSecretNames?: string[];
}

const inputKeys = ["name", "description", "roleIds", "customData", "adopt", "adoptAppId", "marker", "managedSecrets", "unmanagedSecrets", "unmanagedSecretNames", "defaultSecretMissing"] as const;

const connection = new ProviderConnection();

/** Of `names`, those `managed` (the app's ApplicationSecret names; undefined: the app's secrets are not watched) leaves unmanaged. */
function unmanagedOf(names: unknown, managed: unknown): string[] {
    if (!Array.isArray(names) || !Array.isArray(managed)) return [];
    return names.map(String).filter((n) => n !== defaultSecretName && !managed.some((m) => isSecretNamed(n, String(m)))).sort();
}

/** `{ unmanagedSecretNames }` when there are any. */
const unmanagedField = (names: string[]): { unmanagedSecretNames?: string[] } => (names.length > 0 ? { unmanagedSecretNames: names } : {});

/** Absent (not watched) differs from a list; lists compare as sets. */
const optionalSetEqual: Equality = (a, b) => (a === undefined && b === undefined) || idSetEqual(a, b);

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

function outputsOf(id: string, args: M2MApplicationArgsParsed, roleIds: string[], appSecret: string, marker: string, unmanaged: string[] = []): M2MApplicationOutputs {
    return {
        appId: id,
        appSecret,
        name: args.name,
        ...(args.description ? { description: args.description } : {}),
        roleIds,
        customData: args.customData ?? {},
        marker,
        ...passedThrough(args),
        ...unmanagedField(unmanaged),
    };
}

/** The inputs that Logto does not hold, kept in the outputs so that `read` returns them as inputs. */
function passedThrough(args: Partial<Pick<M2MApplicationOutputs, "adopt" | "adoptAppId" | "managedSecrets" | "unmanagedSecrets">>) {
    return {
        ...adoptOf(args),
        ...(args.adoptAppId !== undefined ? { adoptAppId: args.adoptAppId } : {}),
        ...(args.managedSecrets !== undefined ? { managedSecrets: args.managedSecrets } : {}),
        ...(args.unmanagedSecrets !== undefined ? { unmanagedSecrets: args.unmanagedSecrets } : {}),
    };
}

/** The value of the app's unexpired "Default secret", created again when it was deleted. */
async function defaultSecret(api: LogtoApi, appId: string): Promise<string> {
    const now = Date.now();
    const found = (await api.listApplicationSecrets(appId))
        .find((s) => s.name === defaultSecretName && (s.expiresAt === null || s.expiresAt === undefined || s.expiresAt > now));
    if (found !== undefined) return found.value;
    return applicationSecrets.changing(api, appId, async () => {
        try {
            return (await api.createApplicationSecret(appId, { name: defaultSecretName })).value;
        } catch (error) {
            // An expired "Default secret" holds the name: it authenticates nothing any more, so make room.
            if (logtoCode(error) !== "application.secret_name_exists") throw error;
            await api.deleteApplicationSecret(appId, defaultSecretName);
            return (await api.createApplicationSecret(appId, { name: defaultSecretName })).value;
        }
    });
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
    // The secrets' listing is shared with the app's ApplicationSecrets' reads.
    const [roles, secrets] = await Promise.all([api.listApplicationRoles(id), applicationSecrets.get(api, id)]);
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
        // None for an app imported that no stack made.
        ...(app.marker ?? previous.marker ? { marker: String(app.marker ?? previous.marker) } : {}),
        ...passedThrough(previous as Parameters<typeof passedThrough>[0]),
        ...unmanagedField(unmanagedOf(secrets.map((s: LogtoSecret) => s.name), previous.managedSecrets)),
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

    async check(olds, news) {
        const inputs = { ...news, customData: news.customData ?? {} };
        if (inputs.description === "") delete inputs.description;
        // Found by a refresh: in "keep" mode they stay, so they are no change to make; else up removes them.
        delete inputs.unmanagedSecretNames;
        delete inputs.defaultSecretMissing;
        if (news.unmanagedSecrets === "keep") Object.assign(inputs, unmanagedField(unmanagedOf(olds.unmanagedSecretNames, news.managedSecrets)));
        return { inputs, failures: checkWith(m2mApplicationArgsSchema, inputs) };
    },

    async diff(_id, olds, news) {
        // Secrets a refresh found unmanaged, less those the stack now manages, against what check kept of them.
        const state = { ...olds, unmanagedSecretNames: unmanagedOf(olds.unmanagedSecretNames, news.managedSecrets) };
        const diff = diffProperties(state, { ...news, customData: news.customData ?? {}, unmanagedSecretNames: news.unmanagedSecretNames ?? [] }, {
            compared: {
                name: null, description: optionalTextEqual, roleIds: idSetEqual, customData: deepEqual,
                managedSecrets: optionalSetEqual, unmanagedSecrets: (a, b) => (a ?? "remove") === (b ?? "remove"), unmanagedSecretNames: idSetEqual,
            },
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
            if (app === undefined) {
                throw new Error(`cannot adopt app ${args.adoptAppId} (adoptAppId): it does not exist in Logto (to create a new app instead, ` +
                    "remove adoptAppId, or the app's adoptId in the spec)");
            }
            const claimant = app.marker === undefined || app.marker === args.marker ? undefined : stackOfMarker(app.marker);
            if (claimant !== undefined) {
                throw new Error(`cannot adopt app ${app.id} (adoptAppId): the Pulumi stack ${claimant} manages it (its customData marker ` +
                    `${applicationMarkerKey} says so), and two stacks managing one app undo each other's changes. To move it here, take it ` +
                    `out of that stack first (pulumi state delete of its M2MApplication there), then remove customData.${applicationMarkerKey} ` +
                    "from the app in Logto");
            }
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
        const { unmanagedSecretNames: _names, defaultSecretMissing: _missing, ...kept } = props;
        // A "Default secret" deleted outside Pulumi, as a property the program never sets: the next preview
        // shows `- defaultSecretMissing: true` for the update that creates it again.
        return readResult(id, { ...kept, ...outs, ...(outs.appSecret === "" ? { defaultSecretMissing: true } : {}) }, inputKeys);
    },

    async update(id, olds, news) {
        const args = m2mApplicationArgsSchema.parse({ ...news, marker: olds.marker || news.marker });
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
            const unmanaged = args.managedSecrets === undefined ? [] : unmanagedOf(olds.unmanagedSecretNames, args.managedSecrets);
            if (args.unmanagedSecrets !== "keep") {
                // Only what the refresh found and the preview showed; never the "Default secret" or a managed one.
                for (const name of unmanaged) await applicationSecrets.changing(api, id, () => api.deleteApplicationSecret(id, name));
            }
            const appSecret = olds.appSecret ? String(olds.appSecret) : await defaultSecret(api, id);
            return { outs: outputsOf(id, args, roleIds, appSecret, args.marker, args.unmanagedSecrets === "keep" ? unmanaged : []) };
        });
    },

    async delete(id) {
        // Gone already is fine (false for a 404); any other failure fails the delete and keeps the app in the state.
        await connection.get().deleteApplication(id);
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
    /** Secrets of the app the stack does not manage, as the last refresh found them (with `managedSecrets`). */
    declare public readonly unmanagedSecretNames: pulumi.Output<string[] | undefined>;

    constructor(name: string, args: M2MApplicationArgs, opts?: pulumi.CustomResourceOptions) {
        super("M2MApplication", "pulumi-logto-m2m/providers/m2mApplication", name, {
            appId: undefined,
            appSecret: undefined,
            description: undefined,
            customData: undefined,
            unmanagedSecretNames: undefined,
            ...args,
            // Where the app comes from, kept in its customData: a create after an interrupted run finds it. The
            // stack's identity makes it this stack's alone (project and stack names are not unique).
            marker: stackIdentity().nonce.apply((nonce) => applicationMarker(pulumi.getProject(), pulumi.getStack(), name, nonce)),
        }, { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "appSecret"] });
    }
}

/**
 * `pulumi:<project>/<stack>/<resource name>#<stack identity>`: one per app resource of one stack's life. Apps
 * made before the identity existed carry `pulumi:<project>/<stack>/<resource name>`; their state keeps it, and no
 * create looks for that form again (any stack of the same names could have made it).
 */
export function applicationMarker(project: string, stack: string, name: string, stackNonce: string): string {
    return `pulumi:${project}/${stack}/${name}#${stackNonce}`;
}
