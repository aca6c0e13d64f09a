import { newId } from "./ids";
import { createApplication, defaultSecretName } from "./routes/applications";
import type { Store } from "./store";

export const managementIndicator = "https://default.logto.app/api";

/** A Logto Cloud tenant's Management API indicator. */
export function cloudManagementIndicator(tenantId: string): string {
    return `https://${tenantId}.logto.app/api`;
}
/** Logto's fixed ids for the built-in Management API resource and its one scope. */
export const managementApiResourceId = "management-api";
export const managementApiScopeId = "management-api-all";
export const managementRoleName = "Logto Management API access";
export const bootstrapApplicationName = "pulumi-logto-m2m bootstrap";

export interface BootstrapCredentials {
    appId: string;
    appSecret: string;
}

const bootstrapMetaKey = "bootstrap";

/**
 * What a new Logto tenant has, plus the one M2M app a user would create in the console to get started: the
 * Management API resource with scope `all`, the M2M role "Logto Management API access" holding it, and a
 * bootstrap app holding that role. Runs once per data dir, in one transaction; later starts read it back.
 */
export function seedOnce(store: Store, now: number, indicator: string = managementIndicator): { credentials: BootstrapCredentials; seededNow: boolean } {
    const stored = store.getMeta(bootstrapMetaKey);
    if (stored) return { credentials: JSON.parse(stored) as BootstrapCredentials, seededNow: false };
    return store.transaction(() => {
        store.insertResource({ id: managementApiResourceId, name: "Logto Management API", indicator, isDefault: false, accessTokenTtl: 3600 });
        store.insertScope({ id: managementApiScopeId, resourceId: managementApiResourceId, name: "all", description: "Default scope for Management API, allows all permissions.", createdAt: now });
        const roleId = newId();
        store.insertRole({ id: roleId, name: managementRoleName, description: "This default role grants access to the Logto management API.", type: "MachineToMachine", isDefault: false, createdAt: now });
        store.insertRoleScope(roleId, managementApiScopeId);
        const application = createApplication(store, now, { name: bootstrapApplicationName, type: "MachineToMachine", description: "Holds \"Logto Management API access\"; created by the local Logto on first start." });
        store.insertApplicationRole(application.id, roleId);
        const secret = store.findSecret(application.id, defaultSecretName);
        if (!secret) throw new Error("the bootstrap application has no default secret");
        const credentials = { appId: application.id, appSecret: secret.value };
        store.setMeta(bootstrapMetaKey, JSON.stringify(credentials));
        return { credentials, seededNow: true };
    });
}
