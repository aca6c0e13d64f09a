import * as pulumi from "@pulumi/pulumi";
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { checkWith, isUnknown } from "./checkFailures";
import { ProviderConnection } from "./connection";
import { LogtoDynamicResource } from "./dynamicResource";
import { isNotFound, logtoCode, orUndefinedIfGone, type LogtoSecret } from "./logtoApi";
import { diffProperties } from "./propertyDiff";
import { adoptFlag, logtoId, requiredText } from "./validation";

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
    /** The `appId` of the `M2MApplication`. */
    applicationId: pulumi.Input<string>;
    /** 1..249 characters (Logto's 256 less the generation suffix). */
    name: pulumi.Input<string>;
    /** When the secret stops working: epoch milliseconds or an ISO date / date-time, in the future. Default: never. */
    expiresAt?: pulumi.Input<number | string>;
    /**
     * Take over a secret of the app named `name`, or `<name>.<generation>` left by an interrupted run, instead of
     * creating another. Default `logto:adoptExisting`.
     */
    adopt?: pulumi.Input<boolean>;
}

const generationLength = 6;
const maxNameLength = 256 - generationLength - 1;

/** Epoch milliseconds of a number or an ISO date, or undefined when it is neither. */
function epochMillis(value: unknown): number | undefined {
    if (typeof value === "number") return Number.isInteger(value) && value > 0 ? value : undefined;
    if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value.trim())) {
        const ms = Date.parse(value.trim());
        return Number.isNaN(ms) ? undefined : ms;
    }
    return undefined;
}

const applicationSecretArgsSchema = z.object({
    applicationId: logtoId("applicationId"),
    name: requiredText("name", maxNameLength),
    expiresAt: z.union([z.number(), z.string()], { error: "expiresAt must be epoch milliseconds or an ISO date such as 2030-01-01" })
        .refine((v) => epochMillis(v) !== undefined, { error: "expiresAt must be whole epoch milliseconds or an ISO date such as 2030-01-01 (or 2030-01-01T00:00:00Z)" })
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
}

const connection = new ProviderConnection();

function generationOf(applicationId: string, name: string, expiresAt: number | undefined): string {
    return createHash("sha256").update(JSON.stringify([applicationId, name, expiresAt ?? null])).digest("hex").slice(0, generationLength);
}

function outputsOf(applicationId: string, name: string, secret: LogtoSecret): ApplicationSecretOutputs {
    return {
        applicationId,
        name,
        secretName: secret.name,
        ...(typeof secret.expiresAt === "number" ? { expiresAt: secret.expiresAt } : {}),
        value: secret.value,
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
                return { id: `${args.applicationId}/${existing.name}`, outs: outputsOf(args.applicationId, args.name, existing) };
            }
        }
        const body = (secretName: string) => ({ name: secretName, ...(args.expiresAt !== undefined ? { expiresAt: args.expiresAt } : {}) });
        let created: LogtoSecret;
        try {
            created = await api.createApplicationSecret(args.applicationId, body(generated));
        } catch (error) {
            if (logtoCode(error) !== "application.secret_name_exists") throw error;
            created = await api.createApplicationSecret(args.applicationId, body(`${args.name}.${randomBytes(3).toString("hex")}`));
        }
        return { id: `${args.applicationId}/${created.name}`, outs: outputsOf(args.applicationId, args.name, created) };
    },

    async read(id, props) {
        const secrets = await orUndefinedIfGone(connection.get().listApplicationSecrets(String(props.applicationId)));
        const found = secrets?.find((s) => s.name === props.secretName);
        if (found === undefined) return { id: "", props: {} };
        return { id, props: { ...props, ...outputsOf(String(props.applicationId), String(props.name), found) } };
    },

    async delete(_id, props) {
        try {
            // Also a 404 when the app itself was deleted, secrets and all.
            await connection.get().deleteApplicationSecret(String(props.applicationId), String(props.secretName));
        } catch (error) {
            if (!isNotFound(error)) throw error;
        }
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
