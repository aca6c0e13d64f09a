import type { LogtoTarget } from "../support/logtoTarget";
import { BUILT_IN_MANAGEMENT_ROLE } from "../../spec/schema";

/**
 * A topology made by hand through the Management API, as a team clicks it together in Logto's console: apps are
 * POSTed as they are (no marker in customData), roles and permissions assigned one request at a time. Every name
 * and indicator carries the run id (so `match: runId` exports only this run's objects from a shared tenant).
 */
export interface HandMadeTopology {
    orders: { id: string; indicator: string };
    stock: { id: string; indicator: string };
    roles: { reader: string; ops: string; admin: string };
    apps: { storefront: string; opsBot: string; provisioner: string; otherStacks: string };
    /** The odd expiry (not on a whole second) of the ops bot's secret. */
    rotationExpiry: number;
}

/** An M2M app POSTed as the console does, with no marker unless `customData` brings one. */
export async function createAppByHand(target: LogtoTarget, body: { name: string; description?: string; customData?: Record<string, unknown> }): Promise<string> {
    const token = await target.client.tokenSource.getToken();
    const response = await fetch(`${target.connection.endpoint}/api/applications`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ type: "MachineToMachine", ...body }),
    });
    if (!response.ok) throw new Error(`creating app ${body.name}: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { id: string }).id;
}

export async function buildHandMadeTopology(target: LogtoTarget): Promise<HandMadeTopology> {
    const { client, runId } = target;
    const orders = await client.createResource({ name: `${runId} Orders API`, indicator: `https://${runId}.orders.example`, accessTokenTtl: 7200 });
    const readOrders = await client.createScope(orders.id, { name: "read:orders", description: "Read orders" });
    const writeOrders = await client.createScope(orders.id, { name: "write:orders" });
    const stock = await client.createResource({ name: `${runId} Stock API`, indicator: `https://${runId}.stock.example` });
    const readStock = await client.createScope(stock.id, { name: "read:stock", description: "Read the stock levels" });

    const reader = await client.createRole({ name: `${runId}-orders-reader`, description: "Reads orders", type: "MachineToMachine" });
    await client.addRoleScopes(reader.id, [readOrders.id]);
    const ops = await client.createRole({ name: `${runId}-ops`, description: `${runId}-ops`, type: "MachineToMachine" });
    await client.addRoleScopes(ops.id, [writeOrders.id, readStock.id]);
    const mgmt = await client.getManagementApiResource();
    const admin = await client.createRole({ name: `${runId}-tenant-admin`, description: "Full tenant control", type: "MachineToMachine" });
    await client.addRoleScopes(admin.id, [mgmt.scopes.find((s) => s.name === "all")!.id]);
    const builtIn = (await client.findRoleByName(BUILT_IN_MANAGEMENT_ROLE))!;

    const storefront = await createAppByHand(target, { name: `${runId} storefront`, description: "Shows the orders", customData: { team: "web", tier: 2 } });
    await client.addApplicationRoles(storefront, [reader.id]);
    await client.createApplicationSecret(storefront, { name: "ci", expiresAt: Date.parse("2030-01-01T00:00:00Z") });
    await client.createApplicationSecret(storefront, { name: "spare" });
    const opsBot = await createAppByHand(target, { name: `${runId} ops bot` });
    await client.addApplicationRoles(opsBot, [ops.id, admin.id]);
    const rotationExpiry = Date.now() + 86_400_000 + 123;
    await client.createApplicationSecret(opsBot, { name: "rotation", expiresAt: rotationExpiry });
    const provisioner = await createAppByHand(target, { name: `${runId} provisioner` });
    await client.addApplicationRoles(provisioner, [builtIn.id]);
    // An app that another stack made: its marker claims it.
    const otherStacks = await createAppByHand(target, {
        name: `${runId} other stack's app`,
        customData: { __pulumiLogtoM2M: `pulumi:other-project/prod/m2m/app/${runId}#7d0c4d1e-0000-4000-8000-000000000000` },
    });
    return {
        orders: { id: orders.id, indicator: orders.indicator },
        stock: { id: stock.id, indicator: stock.indicator },
        roles: { reader: reader.id, ops: ops.id, admin: admin.id },
        apps: { storefront, opsBot, provisioner, otherStacks },
        rotationExpiry,
    };
}
