import type * as pulumi from "@pulumi/pulumi";
import { randomUUID } from "node:crypto";
import type { z } from "zod";
import * as apiResource from "../providers/apiResource";
import * as apiScope from "../providers/apiScope";
import { isUnknown, unknownValue } from "../providers/checkFailures";
import * as applicationSecret from "../providers/applicationSecret";
import * as m2mApplication from "../providers/m2mApplication";
import * as m2mRole from "../providers/m2mRole";
import * as organization from "../providers/organization";
import * as organizationApplication from "../providers/organizationApplication";
import * as organizationRole from "../providers/organizationRole";
import * as organizationScope from "../providers/organizationScope";
import * as stackIdentity from "../providers/stackIdentity";
import { existingRoleArgsSchema, existingRoleProvider } from "../component/references";

/**
 * The plugin's resource types: each is the dynamic resource's own provider (the same check, diff, create, read,
 * update and delete) with what the package schema says about it. The schema's input properties, their types and
 * which are required come from `args` (the zod schema `check` validates with); the entry adds only descriptions,
 * the outputs beyond the inputs and which outputs are secret. Adding a type is one entry here.
 */
export interface ResourceType {
    /** The name in `logto:index:<name>`, equal to the dynamic resource's `pulumi-nodejs:dynamic/logto:<name>`. */
    name: string;
    provider: pulumi.dynamic.ResourceProvider;
    description: string;
    /** What `check` validates; its keys, types and optionality are the schema's input properties. */
    args?: z.ZodObject;
    /** Keys of `args` the plugin's `check` fills in itself with `derive` (not in the schema's inputs). */
    derivedInputs?: readonly string[];
    /**
     * What the dynamic resource's class adds to the inputs in the program, done at the plugin's `check`: the
     * news with `derivedInputs` filled in, from the old inputs where they hold them.
     */
    derive?(news: Record<string, unknown>, olds: Record<string, unknown>, urn: ResourceUrn): Record<string, unknown>;
    /** A description for every input property (a test holds them to `args`' keys). */
    inputs: Record<string, string>;
    /** Properties only in the outputs: type and description. */
    outputs: Record<string, { type: PropertyType; description: string; required?: boolean }>;
    /** Outputs the engine keeps as secrets. */
    secretOutputs: readonly string[];
    /** Inputs whose change replaces the object (what the provider's `diff` replaces on; a test holds them). */
    replaceOnChanges: readonly string[];
    /** How `pulumi import logto:index:<name> NAME ID` spells ID. */
    importId: string;
}

export type PropertyType =
    | { type: "string" | "number" | "integer" | "boolean" }
    | { type: "array"; items: PropertyType }
    | { type: "object"; additionalProperties?: PropertyType | { $ref: string } }
    | { $ref: string }
    | { oneOf: PropertyType[] };

/** The parts of `urn:pulumi:<stack>::<project>::<type>::<name>`. */
export interface ResourceUrn {
    stack: string;
    project: string;
    name: string;
}

export function parseUrn(urn: string): ResourceUrn {
    const parts = urn.replace(/^urn:pulumi:/, "").split("::");
    return { stack: parts[0] ?? "", project: parts[1] ?? "", name: parts.slice(3).join("::") };
}

const adoptDescription = "Take over an object that already exists by natural key instead of failing. Default: the provider's adoptExisting.";

export const resourceTypes: readonly ResourceType[] = [
    {
        name: "ApiResource",
        provider: apiResource.provider,
        args: apiResource.apiResourceArgsSchema,
        description: "A Logto API resource, identified by its indicator (the `resource` of token requests).",
        inputs: {
            name: "The display name. Renamed in place.",
            indicator: "An absolute URI without a fragment, e.g. `https://shopping.api`. Immutable in Logto: a change replaces (create first, then delete).",
            accessTokenTtl: "Lifetime of its access tokens in seconds, 1..2,592,000 (30 days). Default 3600.",
            adopt: adoptDescription,
        },
        outputs: {},
        secretOutputs: [],
        replaceOnChanges: ["indicator"],
        importId: "the resource id",
    },
    {
        name: "ApiScope",
        provider: apiScope.provider,
        args: apiScope.apiScopeArgsSchema,
        description: "A permission (Logto \"scope\") of an API resource, e.g. `read:products`. Its id goes into `M2MRole.scopeIds`.",
        inputs: {
            resourceId: "The id of the `ApiResource`. A change replaces (a permission cannot move to another resource).",
            name: "1..256 characters, no whitespace, unique within the resource. Renamed in place.",
            description: "A description of the permission.",
            adopt: adoptDescription,
        },
        outputs: {},
        secretOutputs: [],
        replaceOnChanges: ["resourceId"],
        importId: "the permission's id (scope id)",
    },
    {
        name: "M2MRole",
        provider: m2mRole.provider,
        args: m2mRole.m2mRoleArgsSchema,
        description: "A machine-to-machine role: a named set of permissions that M2M apps are given. Its id goes into `M2MApplication.roleIds`.",
        inputs: {
            name: "1..128 characters, unique in the tenant across user and M2M roles. Renamed in place.",
            description: "1..128 characters (Logto requires one).",
            scopeIds: "Ids of `ApiScope`s (or of the Management API's `all`). Changes are added and removed in place.",
            adopt: adoptDescription,
        },
        outputs: {},
        secretOutputs: [],
        replaceOnChanges: [],
        importId: "the role id",
    },
    {
        name: "M2MApplication",
        provider: m2mApplication.provider,
        args: m2mApplication.m2mApplicationArgsSchema,
        derivedInputs: ["marker", "unmanagedSecretNames"],
        // The marker the class derives, from the nonce of a StackIdentity the program hands in (`stackNonce`):
        // the same at every check of the app, so a create after a run killed before its checkpoint finds the app
        // that run made. Without one, a nonce drawn at the app's first check, which such a create cannot know.
        // Once in the state, the marker is kept (a new one would lose the app it names).
        derive: (news, olds, urn) => {
            const kept = typeof olds.marker === "string" && olds.marker !== "" ? olds.marker : undefined;
            const given = typeof news.marker === "string" && news.marker !== "" ? news.marker : undefined;
            return { ...news, marker: given ?? kept ?? markerOf(news.stackNonce, urn) };
        },
        description: "A machine-to-machine application: a client that gets tokens with its App ID and secret.",
        inputs: {
            name: "1..256 characters. Names need not be unique in Logto.",
            description: "A description of the app.",
            roleIds: "Ids of `M2MRole`s (or of existing M2M roles). Changes are added and removed in place.",
            customData: "A JSON object kept with the app in Logto (at most 4 KB as JSON).",
            adopt: "Take over the app `adoptAppId` (apps have no unique name to find them by).",
            adoptAppId: "The App ID to take over when `adopt` is true.",
            managedSecrets: "The `name`s of this app's `ApplicationSecret`s. Given, every other secret of the app (but its \"Default secret\") is drift: refresh shows it in `unmanagedSecretNames` and up deletes it, unless `unmanagedSecrets` is \"keep\".",
            unmanagedSecrets: "\"remove\" (default): up deletes secrets the stack does not manage; \"keep\": they are only reported.",
            stackNonce: "The `nonce` of the stack's `StackIdentity` (one per stack, for all its apps). The app's marker is derived from it, so a create retried after a run killed before its checkpoint finds the app that run made instead of making a second. Without it, the marker's nonce is drawn at the app's first check, and such a retry makes a second app. Read at the app's first check only.",
        },
        outputs: {
            appId: { type: { type: "string" }, description: "The App ID (equal to the resource's id).", required: true },
            appSecret: { type: { type: "string" }, description: "The value of the app's \"Default secret\" (a secret).", required: true },
            marker: { type: { type: "string" }, description: "The marker kept in the app's customData, by which a retried create finds the app." },
            unmanagedSecretNames: { type: { type: "array", items: { type: "string" } }, description: "Secrets of the app the stack does not manage, as the last refresh found them (names only)." },
        },
        secretOutputs: ["appSecret"],
        replaceOnChanges: [],
        importId: "the App ID",
    },
    {
        name: "ApplicationSecret",
        provider: applicationSecret.provider,
        args: applicationSecret.applicationSecretArgsSchema,
        description: "A named secret of an M2M app beside its \"Default secret\". Every change replaces it, create before delete, so the app always has a valid secret.",
        inputs: {
            applicationId: "The App ID of the `M2MApplication`.",
            name: "1..249 characters. The name in Logto is `<name>.<generation>` (output `secretName`).",
            expiresAt: "When the secret stops working, in the future: epoch milliseconds, an ISO date (midnight UTC) or a date-time with an offset. Default: never.",
            adopt: "Take over a secret of the app named `name` (or `<name>.<generation>`) instead of creating another. Default: the provider's adoptExisting.",
        },
        outputs: {
            secretName: { type: { type: "string" }, description: "The secret's name in Logto.", required: true },
            value: { type: { type: "string" }, description: "The secret's value (a secret).", required: true },
        },
        secretOutputs: ["value"],
        replaceOnChanges: ["applicationId", "name", "expiresAt"],
        importId: "`<App ID>/<secret name in Logto>`",
    },
    {
        name: "OrganizationScope",
        provider: organizationScope.provider,
        args: organizationScope.organizationScopeArgsSchema,
        description: "An organization permission (Logto \"organization scope\"), e.g. `read:orders`, granted by organization roles. Its id goes into `OrganizationRole.organizationScopeIds`.",
        inputs: {
            name: "1..128 characters, no whitespace, unique in the tenant. Renamed in place.",
            description: "At most 256 characters.",
            adopt: adoptDescription,
        },
        outputs: {},
        secretOutputs: [],
        replaceOnChanges: [],
        importId: "the organization permission's id",
    },
    {
        name: "OrganizationRole",
        provider: organizationRole.provider,
        args: organizationRole.organizationRoleArgsSchema,
        description: "An organization role of type MachineToMachine: what a member app may do in an organization. Its id goes into `OrganizationApplication.organizationRoleIds`.",
        inputs: {
            name: "1..128 characters, unique in the tenant among organization roles. Renamed in place.",
            description: "At most 256 characters.",
            organizationScopeIds: "Ids of `OrganizationScope`s. Changes are added and removed in place.",
            resourceScopeIds: "Ids of `ApiScope`s (API resource permissions, for tokens with `resource`). Changes are added and removed in place.",
            adopt: adoptDescription,
        },
        outputs: {},
        secretOutputs: [],
        replaceOnChanges: [],
        importId: "the organization role's id",
    },
    {
        name: "Organization",
        provider: organization.provider,
        args: organization.organizationArgsSchema,
        derivedInputs: ["marker"],
        // As for M2MApplication: the marker from the `stackNonce` the program hands in, kept once in the state.
        derive: (news, olds, urn) => {
            const kept = typeof olds.marker === "string" && olds.marker !== "" ? olds.marker : undefined;
            const given = typeof news.marker === "string" && news.marker !== "" ? news.marker : undefined;
            return { ...news, marker: given ?? kept ?? markerOf(news.stackNonce, urn) };
        },
        description: "A Logto organization (a customer of a B2B product). Its id is the `organization_id` of its members' tokens.",
        inputs: {
            name: "1..128 characters. Names need not be unique in Logto. Renamed in place.",
            description: "At most 256 characters.",
            customData: "A JSON object kept with the organization in Logto (at most 4 KB as JSON).",
            adopt: "Take over the organization `adoptOrganizationId` (names repeat, so there is no name to find it by).",
            adoptOrganizationId: "The id of the organization to take over when `adopt` is true.",
            stackNonce: "The `nonce` of the stack's `StackIdentity`, as for `M2MApplication.stackNonce`: a create retried after a run killed before its checkpoint finds the organization that run made. Read at the organization's first check only.",
        },
        outputs: {
            marker: { type: { type: "string" }, description: "The marker kept in the organization's customData, by which a retried create finds it." },
        },
        secretOutputs: [],
        replaceOnChanges: [],
        importId: "the organization id",
    },
    {
        name: "OrganizationApplication",
        provider: organizationApplication.provider,
        args: organizationApplication.organizationApplicationArgsSchema,
        description: "An M2M app's membership in an organization, with the organization roles it holds there. Another organization or app is another membership: created before the old one is removed.",
        inputs: {
            organizationId: "The id of the `Organization` (or `ExistingOrganization`). A change replaces the membership.",
            applicationId: "The App ID of the `M2MApplication`. A change replaces the membership.",
            organizationRoleIds: "Ids of `OrganizationRole`s (MachineToMachine). Changes are added and removed in place.",
        },
        outputs: {},
        secretOutputs: [],
        replaceOnChanges: ["organizationId", "applicationId"],
        importId: "`<organization id>/<App ID>`",
    },
    {
        name: "ExistingOrganization",
        provider: organization.existingOrganizationProvider,
        args: organization.existingOrganizationArgsSchema,
        // A resource rather than a function, as the dynamic one is: a no-op `up` makes no call, and the lookup
        // runs at create (or when the id or name changes) and at refresh.
        description: "An organization that exists in Logto, found by id or by exact name (unique in Logto), never managed: destroy leaves it in Logto. Its id goes into `OrganizationApplication.organizationId`.",
        inputs: {
            organizationId: "The organization's id; give this or `name`. A change looks it up again (a replace of the reference only).",
            name: "Its exact (case-sensitive) name, which must be unique in Logto; give this or `organizationId`. A change looks it up again.",
            usedAt: "Where the program names it, for the error when it does not exist.",
        },
        outputs: {
            foundName: { type: { type: "string" }, description: "The organization's name in Logto.", required: true },
        },
        secretOutputs: [],
        replaceOnChanges: ["organizationId", "name"],
        importId: "the organization id (imported as a reference by `organizationId`)",
    },
    {
        name: "ExistingRole",
        provider: existingRoleProvider,
        args: existingRoleArgsSchema,
        description: "An M2M role that exists in Logto without being managed by the stack (e.g. \"Logto Management API access\"), found by name. " +
            "It reads Logto only when created (or its name changes) and on refresh, so an up with nothing to change makes no call " +
            "(unlike the function `getRoleByName`, which Pulumi YAML calls on every run). Deleting it leaves the role in Logto.",
        inputs: {
            name: "The exact (case-sensitive) name of an M2M role in Logto. A change looks the role up again (replace).",
            usedAt: "Where the program uses it, for the error when no such role exists.",
        },
        outputs: {
            roleId: { type: { type: "string" }, description: "The role id (equal to the resource's id), for `M2MApplication.roleIds`.", required: true },
            grants: { type: { type: "object", additionalProperties: { type: "array", items: { type: "string" } } }, description: "The role's permissions by API resource indicator, as read at create or the last refresh.", required: true },
        },
        secretOutputs: [],
        replaceOnChanges: ["name"],
        importId: "the role id",
    },
    {
        name: "StackIdentity",
        provider: stackIdentity.provider,
        description: "A random UUID drawn at create and kept in the state: a value unique to one life of one stack.",
        inputs: {},
        outputs: { nonce: { type: { type: "string" }, description: "The UUID.", required: true } },
        secretOutputs: [],
        replaceOnChanges: [],
        importId: "the UUID",
    },
];

/** An app's marker: from the StackIdentity's nonce when given (unknown while it is), else from a fresh one. */
function markerOf(stackNonce: unknown, urn: ResourceUrn): string {
    if (isUnknown(stackNonce)) return unknownValue;
    const nonce = typeof stackNonce === "string" && stackNonce !== "" ? stackNonce : randomUUID();
    return m2mApplication.applicationMarker(urn.project, urn.stack, urn.name, nonce);
}

/** `logto:index:<name>`. */
export function typeToken(name: string): string {
    return `logto:index:${name}`;
}

const byToken = new Map(resourceTypes.map((t) => [typeToken(t.name), t]));

export function resourceTypeOf(token: string): ResourceType | undefined {
    return byToken.get(token);
}
