import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { checkWith } from "./checkFailures";
import { ProviderConnection } from "./connection";
import { dynamicTypeToken, LogtoDynamicResource } from "./dynamicResource";
import { isNotFound, PartialFailure, type LogtoApi } from "./logtoApi";
import { diffProperties, idSetEqual } from "./propertyDiff";
import { readResult } from "./readResult";
import { orderLike, setDelta } from "./setDelta";
import { logtoId, logtoIdList } from "./validation";

/** An M2M app's membership in an organization, with the organization roles it holds there. */
export interface OrganizationApplicationArgs {
    /** The organization (`Organization` or `ExistingOrganization` id). A change replaces the membership. */
    organizationId: pulumi.Input<string>;
    /** The app (`M2MApplication` id). A change replaces the membership. */
    applicationId: pulumi.Input<string>;
    /** Ids of `OrganizationRole`s (MachineToMachine). Changes are added and removed in place. */
    organizationRoleIds: pulumi.Input<pulumi.Input<string>[]>;
}

/** @internal The args schema; the plugin's schema is generated from it. */
export const organizationApplicationArgsSchema = z.object({
    organizationId: logtoId("organizationId"),
    applicationId: logtoId("applicationId"),
    organizationRoleIds: logtoIdList("organizationRoleId"),
});

type Args = z.infer<typeof organizationApplicationArgsSchema>;

const inputKeys = ["organizationId", "applicationId", "organizationRoleIds"] as const;

const connection = new ProviderConnection();

/** `<organization id>/<app id>`: Logto ids hold no "/", so the pair is unambiguous. */
export function membershipId(organizationId: string, applicationId: string): string {
    return `${organizationId}/${applicationId}`;
}

function splitMembershipId(id: string): [string, string] {
    const slash = id.indexOf("/");
    if (slash <= 0 || slash === id.length - 1) throw new Error(`organization membership id ${JSON.stringify(id)} is not <organization id>/<app id>`);
    return [id.slice(0, slash), id.slice(slash + 1)];
}

function outputsOf(args: Args, organizationRoleIds: string[]) {
    return { organizationId: args.organizationId, applicationId: args.applicationId, organizationRoleIds };
}

/** Role deltas: one add (idempotent in Logto) and one removal per dropped role. `onProgress` learns what is held. */
async function applyRoles(api: LogtoApi, args: Args, current: string[], onProgress: (held: string[]) => void): Promise<string[]> {
    const delta = setDelta(current, args.organizationRoleIds);
    let held = [...current];
    if (delta.add.length > 0) {
        await api.addOrganizationApplicationRoles(args.organizationId, args.applicationId, delta.add);
        held = [...held, ...delta.add];
        onProgress(held);
    }
    for (const roleId of delta.remove) {
        await api.removeOrganizationApplicationRole(args.organizationId, args.applicationId, roleId);
        held = held.filter((r) => r !== roleId);
        onProgress(held);
    }
    return orderLike(args.organizationRoleIds, held);
}

async function applyRecording(api: LogtoApi, id: string, inputs: Record<string, unknown>, args: Args, current: string[], what: string): Promise<string[]> {
    let progress = current;
    try {
        return await applyRoles(api, args, current, (held) => {
            progress = [...held];
        });
    } catch (error) {
        throw new PartialFailure(id, outputsOf(args, progress), inputs, error, what);
    }
}

/** The roles the app holds in the organization; undefined when it is no member (or the organization is gone). */
async function rolesHeld(api: LogtoApi, organizationId: string, applicationId: string): Promise<string[] | undefined> {
    try {
        return (await api.listOrganizationApplicationRoles(organizationId, applicationId))?.map((r) => r.id);
    } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
    }
}

export const provider: pulumi.dynamic.ResourceProvider = {
    async configure(req) {
        connection.configure(req);
    },

    async check(_olds, news) {
        return { inputs: news, failures: checkWith(organizationApplicationArgsSchema, news) };
    },

    async diff(_id, olds, news) {
        // Another pair is another membership: created before the old one goes, so the app never loses access.
        return diffProperties(olds, news, {
            compared: { organizationId: null, applicationId: null, organizationRoleIds: idSetEqual },
            replaceOn: ["organizationId", "applicationId"],
        });
    },

    async create(inputs) {
        const args = organizationApplicationArgsSchema.parse(inputs);
        const api = connection.get();
        const id = membershipId(args.organizationId, args.applicationId);
        // The member's roles are read first: a membership that is there already (made by an interrupted run, in
        // the console, or taken over from an export) is not added again, so taking one over writes nothing but
        // the difference in roles. A new one costs the same calls as adding first: the read answers "not a
        // member" (422 organization.require_membership), then the add. Adding is idempotent in Logto, so a
        // membership made in between is harmless.
        let current = await rolesHeld(api, args.organizationId, args.applicationId);
        if (current === undefined) {
            await api.addOrganizationApplications(args.organizationId, [args.applicationId]);
            current = [];
        }
        const held = await applyRecording(api, id, inputs, args, current, `app ${args.applicationId} joined organization ${args.organizationId}, but its organization roles were not all set`);
        return { id, outs: outputsOf(args, held) };
    },

    async read(id, props) {
        // Imported by id alone (`pulumi import`): the id names the organization and the app.
        const [organizationId, applicationId] = props.organizationId !== undefined
            ? [String(props.organizationId), String(props.applicationId)]
            : splitMembershipId(id);
        const held = await rolesHeld(connection.get(), organizationId, applicationId);
        if (held === undefined) return { id: "", props: {} };
        const before = Array.isArray(props.organizationRoleIds) ? props.organizationRoleIds.map(String) : [];
        return readResult(id, { organizationId, applicationId, organizationRoleIds: orderLike(before, held) }, inputKeys);
    },

    async update(id, olds, news) {
        const args = organizationApplicationArgsSchema.parse(news);
        const current = Array.isArray(olds.organizationRoleIds) ? olds.organizationRoleIds.map(String) : [];
        const held = await applyRecording(connection.get(), id, news, args, current, `the organization roles of app ${args.applicationId} in organization ${args.organizationId} were changed only in part`);
        return { outs: outputsOf(args, held) };
    },

    async delete(_id, props) {
        // Its organization roles go with the membership; gone already (with the organization or the app) is fine.
        await connection.get().removeOrganizationApplication(String(props.organizationId), String(props.applicationId));
    },
};

/** An app's membership in an organization. */
export class OrganizationApplication extends LogtoDynamicResource {
    static readonly typeToken = dynamicTypeToken("OrganizationApplication");

    declare public readonly organizationId: pulumi.Output<string>;
    declare public readonly applicationId: pulumi.Output<string>;
    declare public readonly organizationRoleIds: pulumi.Output<string[]>;

    constructor(name: string, args: OrganizationApplicationArgs, opts?: pulumi.CustomResourceOptions) {
        super("OrganizationApplication", "pulumi-logto-m2m/providers/organizationApplication", name, args as unknown as pulumi.Inputs, opts);
    }
}
