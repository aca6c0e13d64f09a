import * as pulumi from "@pulumi/pulumi";
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { checkWith, isUnknown } from "./checkFailures";
import { ProviderConnection } from "./connection";
import { LogtoDynamicResource } from "./dynamicResource";
import { logtoCode, orUndefinedIfGone, type LogtoSecret } from "./logtoApi";
import { applicationSecrets } from "./listings";
import { diffProperties } from "./propertyDiff";
import { adoptOf, readResult } from "./readResult";
import { isAddressableSegment } from "../client/pathSegment";
import { adoptFlag, logtoId, maxSecretNameLength, parseExpiry, pathName, secretGenerationLength } from "./validation";

/**
 * A named secret of an M2M app, beside its "Default secret".
 *
 * Rotation: every change replaces the secret, and the replacement is created before the old one is deleted, so the
 * app always has a valid secret. Since Logto names a secret uniquely per app, the Logto-side name is
 * `<name>.<generation>` (output `secretName`), where the generation is six hex digits derived from the inputs; a
 * replacement with the same inputs (e.g. `pulumi up --replace`) finds that name taken and takes a random
 * generation instead. A secret is never taken over silently: one found under its name belongs to someone else or
 * is about to be deleted, unless `adopt` says otherwise.
 */
export interface ApplicationSecretArgs {
    /** The App ID: pass the app's `id` (equal to its `appId`, and known in a preview of an update, unlike `appId`). */
    applicationId: pulumi.Input<string>;
    /** 1..249 characters (Logto's 256 less the generation suffix). */
    name: pulumi.Input<string>;
    /**
     * When the secret stops working, in the future: epoch milliseconds, an ISO date (midnight UTC) or a date-time
     * with an offset (`2030-01-01T00:00:00Z`; one without is refused, it means another instant in each time zone).
     * Default: never.
     */
    expiresAt?: pulumi.Input<number | string>;
    /**
     * Take over a secret of the app named `name`, or `<name>.<generation>` left by an interrupted run, instead of
     * creating another. Default `logto:adoptExisting`.
     */
    adopt?: pulumi.Input<boolean>;
}

/** Epoch milliseconds of a number or an ISO date (see `parseExpiry`), or undefined when it is neither. */
function epochMillis(value: unknown): number | undefined {
    const expiry = parseExpiry(value);
    return "ms" in expiry ? expiry.ms : undefined;
}

/** @internal The args schema; the plugin's schema is generated from it. */
export const applicationSecretArgsSchema = z.object({
    applicationId: logtoId("applicationId"),
    // Logto addresses a secret by its name: `..` would address the app (an adopted secret keeps its bare name).
    name: pathName("name", maxSecretNameLength),
    expiresAt: z.union([z.number(), z.string()], { error: "expiresAt must be epoch milliseconds or an ISO date such as 2030-01-01" })
        .superRefine((v, ctx) => {
            const expiry = parseExpiry(v);
            if ("problem" in expiry) ctx.addIssue({ code: "custom", message: expiry.problem });
        })
        .transform((v) => epochMillis(v) as number)
        .optional(),
    adopt: adoptFlag,
});

interface ApplicationSecretOutputs {
    applicationId: string;
    name: string;
    /** The secret's name in Logto: `<name>.<generation>` (or `name` itself when adopted). */
    secretName: string;
    expiresAt?: number;
    value: string;
    adopt?: boolean;
}

const inputKeys = ["applicationId", "name", "expiresAt", "adopt"] as const;

/**
 * Whether `logtoName`, a secret's name in Logto, is one an ApplicationSecret named `name` makes or takes over:
 * `<name>.<generation>`, or `name` itself (adopted). How an app tells its stack's secrets from others.
 */
export function isSecretNamed(logtoName: string, name: string): boolean {
    if (logtoName === name) return true;
    const suffix = logtoName.startsWith(`${name}.`) ? logtoName.slice(name.length + 1) : "";
    return new RegExp(`^[0-9a-f]{${secretGenerationLength}}$`).test(suffix);
}

const connection = new ProviderConnection();

/** What an id `<App ID>/<secret name>` says of a secret: its app, its name in Logto, and its `name`. */
function importedProps(id: string): { applicationId: string; secretName: string; name: string } {
    const slash = id.indexOf("/");
    if (slash <= 0 || slash === id.length - 1) throw new Error(`an ApplicationSecret id is <App ID>/<secret name>, not ${JSON.stringify(id)}`);
    const secretName = id.slice(slash + 1);
    const generated = new RegExp(`^(.+)\\.[0-9a-f]{${secretGenerationLength}}$`).exec(secretName);
    return { applicationId: id.slice(0, slash), secretName, name: generated?.[1] ?? secretName };
}

function generationOf(applicationId: string, name: string, expiresAt: number | undefined): string {
    return createHash("sha256").update(JSON.stringify([applicationId, name, expiresAt ?? null])).digest("hex").slice(0, secretGenerationLength);
}

function outputsOf(applicationId: string, name: string, secret: LogtoSecret, adopt: { adopt?: boolean }): ApplicationSecretOutputs {
    return {
        applicationId,
        name,
        secretName: secret.name,
        ...(typeof secret.expiresAt === "number" ? { expiresAt: secret.expiresAt } : {}),
        value: secret.value,
        ...adoptOf(adopt),
    };
}

export const provider: pulumi.dynamic.ResourceProvider = {
    async configure(req) {
        connection.configure(req);
    },

    async check(olds, news) {
        const inputs = { ...news };
        const failures = checkWith(applicationSecretArgsSchema, inputs);
        const expiresAt = isUnknown(news.expiresAt) ? undefined : epochMillis(news.expiresAt);
        if (expiresAt !== undefined) {
            // Normalized so that a date and its epoch milliseconds are the same input to diff.
            inputs.expiresAt = expiresAt;
            // Only a new date must lie ahead: an unchanged one that passed since must not fail every later preview.
            if (expiresAt !== epochMillis(olds.expiresAt) && expiresAt <= Date.now()) {
                failures.push({ property: "expiresAt", reason: "expiresAt must be in the future (Logto refuses a past date)" });
            }
        }
        return { inputs, failures };
    },

    async diff(_id, olds, news) {
        // Create-before-delete: the new secret gets another Logto-side name, so both are valid in between.
        return diffProperties(olds, news, {
            compared: { applicationId: null, name: null, expiresAt: null },
            replaceOn: ["applicationId", "name", "expiresAt"],
        });
    },

    async create(inputs) {
        const args = applicationSecretArgsSchema.parse(inputs);
        const api = connection.get();
        const generated = `${args.name}.${generationOf(args.applicationId, args.name, args.expiresAt)}`;
        if (connection.adopt(args.adopt)) {
            const secrets = await api.listApplicationSecrets(args.applicationId);
            const existing = secrets.find((s) => s.name === generated) ?? secrets.find((s) => s.name === args.name);
            if (existing !== undefined) {
                return { id: `${args.applicationId}/${existing.name}`, outs: outputsOf(args.applicationId, args.name, existing, args) };
            }
        }
        const body = (secretName: string) => ({ name: secretName, ...(args.expiresAt !== undefined ? { expiresAt: args.expiresAt } : {}) });
        const created = await applicationSecrets.changing(api, args.applicationId, async (): Promise<LogtoSecret> => {
            try {
                return await api.createApplicationSecret(args.applicationId, body(generated));
            } catch (error) {
                if (logtoCode(error) !== "application.secret_name_exists") throw error;
                return api.createApplicationSecret(args.applicationId, body(`${args.name}.${randomBytes(3).toString("hex")}`));
            }
        });
        return { id: `${args.applicationId}/${created.name}`, outs: outputsOf(args.applicationId, args.name, created, args) };
    },

    async read(id, props) {
        // Imported by id alone (`pulumi import`): the id says which app and secret, and the name is the secret's
        // name less its generation, as this resource names the secrets it makes.
        const known = props.applicationId !== undefined ? props : importedProps(id);
        // One listing per app, shared with the app's own read and its other secrets.
        const secrets = await orUndefinedIfGone(applicationSecrets.get(connection.get(), String(known.applicationId)));
        const found = secrets?.find((s) => s.name === known.secretName);
        if (found === undefined) return { id: "", props: {} };
        return readResult(id, { ...known, ...outputsOf(String(known.applicationId), String(known.name), found, known as { adopt?: boolean }) }, inputKeys);
    },

    async delete(_id, props) {
        const secretName = String(props.secretName);
        if (!isAddressableSegment(secretName)) {
            // Only state from before names were checked holds such a name: no request path can name it (`..`
            // would address the app itself), so it is left in Logto, and the destroy says so while it exists.
            const secrets = await orUndefinedIfGone(connection.get().listApplicationSecrets(String(props.applicationId)));
            if (secrets?.some((s) => s.name === secretName)) {
                throw new Error(`the secret ${JSON.stringify(secretName)} of app ${String(props.applicationId)} cannot be deleted: a ` +
                    "request path naming it would address another object, so nothing was sent and it stays in Logto; take it out " +
                    "of the stack with `pulumi state delete`, and delete it in Logto with a request whose path is sent as written " +
                    "(dots percent-encoded, e.g. curl --path-as-is .../secrets/%2E%2E)");
            }
            return;
        }
        // False (a 404) also when the app itself was deleted, secrets and all.
        const api = connection.get();
        await applicationSecrets.changing(api, String(props.applicationId), () => api.deleteApplicationSecret(String(props.applicationId), String(props.secretName)));
    },
};

/** A named secret of an M2M app; `value` is a Pulumi secret. */
export class ApplicationSecret extends LogtoDynamicResource {
    declare public readonly applicationId: pulumi.Output<string>;
    declare public readonly name: pulumi.Output<string>;
    declare public readonly secretName: pulumi.Output<string>;
    declare public readonly expiresAt: pulumi.Output<number | undefined>;
    declare public readonly value: pulumi.Output<string>;

    constructor(name: string, args: ApplicationSecretArgs, opts?: pulumi.CustomResourceOptions) {
        super("ApplicationSecret", "pulumi-logto-m2m/providers/applicationSecret", name,
            { secretName: undefined, expiresAt: undefined, value: undefined, ...args },
            { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "value"] });
    }
}
