import * as pulumi from "@pulumi/pulumi";
import type { ConnectionSettings } from "../client/settings";
import { connectionFromConfig } from "./connection";
import { connect, type LogtoApi } from "./logtoApi";

/**
 * Lookups of objects that exist in Logto without being managed by the stack (the Management API, the
 * preconfigured "Logto Management API access" role). They run in the program's process, at every preview and
 * `up`, with the connection given or else the stack config `logto:*` (environment LOGTO_* as fallback).
 */

function api(conn?: ConnectionSettings): LogtoApi {
    // runtime.getConfig rather than Config.get: the latter warns about reading the secret appSecret as plain text.
    return connect(conn ?? connectionFromConfig((key) => pulumi.runtime.getConfig(key)));
}

export interface ManagementApi {
    /** The resource id of the Management API. */
    id: string;
    /** `https://default.logto.app/api` self-hosted, `https://{tenantId}.logto.app/api` on Logto Cloud. */
    indicator: string;
    /** The id of its only permission, `all`, to list in `M2MRole.scopeIds`. */
    allScopeId: string;
}

export async function getManagementApi(conn?: ConnectionSettings): Promise<ManagementApi> {
    const client = api(conn);
    const resource = await client.getManagementApiResource();
    const all = (await client.listScopes(resource.id)).find((s) => s.name === "all");
    if (all === undefined) throw new Error(`the Management API resource ${resource.indicator} has no permission named all`);
    return { id: resource.id, indicator: resource.indicator, allScopeId: all.id };
}

export interface RoleInfo {
    id: string;
    name: string;
    /** `MachineToMachine` or `User`: only the former can be given to an M2M app. */
    type: string;
    description: string;
}

/** The role of exactly this name (case-sensitive), e.g. "Logto Management API access"; undefined when none. */
export async function getRoleByName(name: string, conn?: ConnectionSettings): Promise<RoleInfo | undefined> {
    const role = await api(conn).findRoleByName(name);
    return role === undefined ? undefined : { id: role.id, name: role.name, type: role.type, description: role.description };
}

export interface ApiResourceInfo {
    id: string;
    name: string;
    indicator: string;
    accessTokenTtl: number;
}

/** The API resource of exactly this indicator (a trailing slash matters); undefined when none. */
export async function getApiResourceByIndicator(indicator: string, conn?: ConnectionSettings): Promise<ApiResourceInfo | undefined> {
    const found = await api(conn).findResourceByIndicator(indicator);
    return found === undefined ? undefined : { id: found.id, name: found.name, indicator: found.indicator, accessTokenTtl: found.accessTokenTtl };
}
