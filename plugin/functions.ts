import type { ConnectionSettings } from "../client/settings";
import { getApiResourceByIndicator, getManagementApi, getRoleByName } from "../providers/lookups";
import type { PropertyType } from "./registry";

/**
 * The plugin's functions (`logto:index:<name>`): the lookups of `providers/lookups`, called with the provider
 * instance's connection. A lookup that finds nothing answers `found: false` rather than failing, so a program can
 * branch on it.
 */
export interface FunctionType {
    name: string;
    description: string;
    inputs: Record<string, { type: PropertyType; description: string }>;
    requiredInputs: readonly string[];
    outputs: Record<string, { type: PropertyType; description: string }>;
    invoke(args: Record<string, unknown>, connection: ConnectionSettings): Promise<Record<string, unknown>>;
}

const text = { type: "string" } as const;

export const functionTypes: readonly FunctionType[] = [
    {
        name: "getManagementApi",
        description: "The tenant's Management API resource and the id of its only permission, `all`.",
        inputs: {},
        requiredInputs: [],
        outputs: {
            id: { type: text, description: "The resource id of the Management API." },
            indicator: { type: text, description: "`https://default.logto.app/api` self-hosted, `https://{tenantId}.logto.app/api` on Logto Cloud." },
            allScopeId: { type: text, description: "The id of its permission `all`, for `M2MRole.scopeIds`." },
        },
        invoke: async (_args, connection) => ({ ...(await getManagementApi(connection)) }),
    },
    {
        name: "getRoleByName",
        description: "The role of exactly this name (case-sensitive), e.g. \"Logto Management API access\".",
        inputs: { name: { type: text, description: "The role's name." } },
        requiredInputs: ["name"],
        outputs: {
            found: { type: { type: "boolean" }, description: "Whether such a role exists." },
            id: { type: text, description: "The role id (empty when not found)." },
            name: { type: text, description: "The role's name." },
            type: { type: text, description: "`MachineToMachine` or `User`: only the former can be given to an M2M app." },
            description: { type: text, description: "The role's description." },
        },
        invoke: async (args, connection) => {
            const role = await getRoleByName(requiredString(args, "name"), connection);
            return role === undefined ? { found: false, id: "", name: args.name, type: "", description: "" } : { found: true, ...role };
        },
    },
    {
        name: "getApiResourceByIndicator",
        description: "The API resource of exactly this indicator (a trailing slash matters).",
        inputs: { indicator: { type: text, description: "The indicator, e.g. `https://shopping.api`." } },
        requiredInputs: ["indicator"],
        outputs: {
            found: { type: { type: "boolean" }, description: "Whether such a resource exists." },
            id: { type: text, description: "The resource id (empty when not found)." },
            name: { type: text, description: "Its name." },
            indicator: { type: text, description: "Its indicator." },
            accessTokenTtl: { type: { type: "integer" }, description: "Lifetime of its access tokens in seconds." },
        },
        invoke: async (args, connection) => {
            const found = await getApiResourceByIndicator(requiredString(args, "indicator"), connection);
            return found === undefined ? { found: false, id: "", name: "", indicator: args.indicator, accessTokenTtl: 0 } : { found: true, ...found };
        },
    },
];

function requiredString(args: Record<string, unknown>, key: string): string {
    const value = args[key];
    if (typeof value !== "string" || value === "") throw new Error(`${key} must be a non-empty string`);
    return value;
}

const byToken = new Map(functionTypes.map((f) => [`logto:index:${f.name}`, f]));

export function functionTypeOf(token: string): FunctionType | undefined {
    return byToken.get(token);
}
