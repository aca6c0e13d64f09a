import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { applicationMarkerKey, LogtoApiError, LogtoResponseShapeError, ManagementClient, type Resource } from "../../client";
import type { LocalLogto } from "../../local-logto";
import { clientFor, closeAll, startLogto } from "./support";

/** The typed endpoints against the local Logto: what the providers rely on. */
describe("typed endpoints", () => {
    let logto: LocalLogto;
    let client: ManagementClient;

    beforeAll(async () => {
        logto = await startLogto();
        client = clientFor(logto);
    });

    afterAll(async () => {
        await closeAll(logto);
    });

    beforeEach(() => {
        logto.counters.reset();
    });

    describe("API resources and permissions", () => {
        let resource: Resource;

        beforeAll(async () => {
            resource = await client.createResource({ name: "Orders", indicator: "https://orders.example/api" });
        });

        test("a resource is found by its exact indicator only", async () => {
            expect(await client.findResourceByIndicator("https://orders.example/api")).toMatchObject({ id: resource.id });
            expect(await client.findResourceByIndicator("https://orders.example/api/")).toBeUndefined();
        });

        test("update changes name and token lifetime; an empty update is a read", async () => {
            expect(await client.updateResource(resource.id, { name: "Orders API", accessTokenTtl: 600 })).toMatchObject({ name: "Orders API", accessTokenTtl: 600 });
            expect(await client.updateResource(resource.id, {})).toMatchObject({ name: "Orders API" });
        });

        test("an indicator the token endpoint would refuse is refused before any request", async () => {
            await expect(client.createResource({ name: "bad", indicator: "orders" })).rejects.toThrow(/absolute URI/);
            await expect(client.createResource({ name: "bad", indicator: "https://x.example#f" })).rejects.toThrow(/absolute URI/);
            expect(logto.counters.snapshot().api).toBe(0);
        });

        test("a duplicate indicator is a conflict error with Logto's code", async () => {
            const error = await client.createResource({ name: "again", indicator: "https://orders.example/api" }).catch((e: unknown) => e);
            expect(error).toBeInstanceOf(LogtoApiError);
            expect(error).toMatchObject({ status: 422, code: "resource.resource_identifier_in_use", method: "POST", path: "/api/resources" });
        });

        test("permissions: create, find by exact name, update, delete", async () => {
            const scope = await client.createScope(resource.id, { name: "read:orders" });
            expect(scope.description).toBeNull();
            expect(await client.findScopeByName(resource.id, "read:orders")).toEqual(scope);
            expect(await client.findScopeByName(resource.id, "read_orders")).toBeUndefined();
            expect(await client.updateScope(resource.id, scope.id, { description: "Read orders" })).toMatchObject({ description: "Read orders" });
            expect(await client.deleteScope(resource.id, scope.id)).toBe(true);
            expect(await client.deleteScope(resource.id, scope.id)).toBe(false);
        });

        test("the Management API resource comes with its `all` permission", async () => {
            const management = await client.getManagementApiResource();
            expect(management.indicator).toBe(logto.managementIndicator);
            expect(management.scopes.map((s) => s.name)).toEqual(["all"]);
        });

        test("missing objects are undefined or false, not errors", async () => {
            expect(await client.getResource("missing")).toBeUndefined();
            expect(await client.deleteResource("missing")).toBe(false);
            expect(await client.findScopeByName("missing", "x")).toBeUndefined();
        });
    });

    describe("roles", () => {
        test("found by exact, case-sensitive name", async () => {
            const lower = await client.createRole({ name: "auditor", description: "lower", type: "MachineToMachine" });
            const upper = await client.createRole({ name: "Auditor", description: "upper", type: "MachineToMachine" });
            expect(await client.findRoleByName("auditor")).toEqual(lower);
            expect(await client.findRoleByName("Auditor")).toEqual(upper);
            expect(await client.findRoleByName("audit")).toBeUndefined();
        });

        test("scopes are added even when some are already assigned", async () => {
            const resource = await client.createResource({ name: "Stock", indicator: "https://stock.example" });
            const [a, b, c] = await Promise.all(["a", "b", "c"].map((name) => client.createScope(resource.id, { name })));
            const role = await client.createRole({ name: "stocker", description: "d", type: "MachineToMachine" });
            await client.addRoleScopes(role.id, [a!.id]);
            await client.addRoleScopes(role.id, [a!.id, b!.id, c!.id, b!.id]);
            const scopes = await client.listRoleScopes(role.id);
            expect(scopes.map((s) => s.name).sort()).toEqual(["a", "b", "c"]);
            expect(scopes[0]!.resource).toMatchObject({ id: resource.id, indicator: "https://stock.example" });
            expect(await client.removeRoleScope(role.id, a!.id)).toBe(true);
            expect(await client.removeRoleScope(role.id, a!.id)).toBe(false);
        });

        test("adding no scopes sends nothing", async () => {
            await client.addRoleScopes("whatever", []);
            await client.addApplicationRoles("whatever", []);
            expect(logto.counters.snapshot().api).toBe(0);
        });

        test("update and delete; a deleted role reads as undefined", async () => {
            const role = await client.createRole({ name: "temp", description: "d", type: "MachineToMachine" });
            expect(await client.updateRole(role.id, { name: "temp2" })).toMatchObject({ name: "temp2", description: "d" });
            expect(await client.deleteRole(role.id)).toBe(true);
            expect(await client.getRole(role.id)).toBeUndefined();
        });
    });

    describe("applications", () => {
        test("the create marker is kept out of customData but survives updates", async () => {
            const app = await client.createApplication({ name: "billing", description: "Billing job", customData: { team: "billing" } });
            expect(app.customData).toEqual({ team: "billing" });
            expect(app.marker).toMatch(/^[0-9a-f-]{36}$/);
            const updated = await client.updateApplication(app.id, { customData: { team: "finance" } });
            expect(updated).toMatchObject({ customData: { team: "finance" }, marker: app.marker });
            expect(await client.findApplicationByMarker(app.marker!)).toMatchObject({ id: app.id, customData: { team: "finance" } });
            await expect(client.updateApplication(app.id, { customData: { [applicationMarkerKey]: "x" } })).rejects.toThrow(/must not use the key/);
        });

        test("a caller's own marker is used as given", async () => {
            const app = await client.createApplication({ name: "marked" }, { marker: "my-marker-1" });
            expect(app.marker).toBe("my-marker-1");
            expect((await client.findApplicationByMarker("my-marker-1"))?.id).toBe(app.id);
        });

        test("roles, secrets and the token they grant", async () => {
            const resource = await client.createResource({ name: "Reports", indicator: "https://reports.example" });
            const read = await client.createScope(resource.id, { name: "read:reports" });
            const role = await client.createRole({ name: "report-reader", description: "d", type: "MachineToMachine" });
            await client.addRoleScopes(role.id, [read.id]);
            const app = await client.createApplication({ name: "reporter" });
            await client.addApplicationRoles(app.id, [role.id]);
            await client.addApplicationRoles(app.id, [role.id]);
            expect((await client.listApplicationRoles(app.id)).map((r) => r.id)).toEqual([role.id]);

            const secret = await client.createApplicationSecret(app.id, { name: "rotation 1" });
            const grant = await client.requestAppToken(app.id, secret.value, resource.indicator, ["read:reports", "write:reports"]);
            expect(grant.scope).toEqual(["read:reports"]);
            expect(client.stats().appTokenRequests).toBeGreaterThanOrEqual(1);

            expect(await client.deleteApplicationSecret(app.id, "rotation 1")).toBe(true);
            expect(await client.deleteApplicationSecret(app.id, "rotation 1")).toBe(false);
            expect(await client.removeApplicationRole(app.id, role.id)).toBe(true);
            expect(await client.removeApplicationRole(app.id, role.id)).toBe(false);
            expect(await client.deleteApplication(app.id)).toBe(true);
            expect(await client.getApplication(app.id)).toBeUndefined();
        });

        test("a name with URL-reserved characters addresses exactly its own object", async () => {
            const app = await client.createApplication({ name: "encoder" });
            const names = ["ci/2026", "ci", "a?b#c", "50% off", "x y+z"];
            for (const name of names) await client.createApplicationSecret(app.id, { name });
            const left = async () => (await client.listApplicationSecrets(app.id)).map((s) => s.name).sort();
            // Each delete must reach the secret named, not a prefix of it ("ci"), a query or a fragment.
            expect(await client.deleteApplicationSecret(app.id, "ci/2026")).toBe(true);
            expect(await left()).toEqual(["50% off", "Default secret", "a?b#c", "ci", "x y+z"]);
            expect(await client.deleteApplicationSecret(app.id, "a?b#c")).toBe(true);
            expect(await client.deleteApplicationSecret(app.id, "50% off")).toBe(true);
            expect(await client.deleteApplicationSecret(app.id, "x y+z")).toBe(true);
            expect(await left()).toEqual(["Default secret", "ci"]);
            expect(await client.deleteApplication(app.id)).toBe(true);
        });
    });
});

describe("unexpected answers", () => {
    let server: Server;
    let endpoint: string;

    beforeAll(async () => {
        server = createServer((req, res) => {
            res.setHeader("content-type", "application/json");
            if (req.url === "/oidc/token") {
                res.end(JSON.stringify({ access_token: "t", expires_in: 3600, token_type: "Bearer", scope: "all" }));
            } else if (req.url?.startsWith("/api/roles/r1")) {
                res.end(JSON.stringify({ id: "r1", description: "no name", type: "MachineToMachine" }));
            } else {
                res.end(JSON.stringify({ id: 5 }));
            }
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterAll(async () => {
        await closeAll();
        await new Promise((resolve) => server.close(resolve));
    });

    test("a missing field is an error naming the endpoint and the field", async () => {
        const client = new ManagementClient({ endpoint, appId: "a", appSecret: "s" }, { budget: "off" });
        const error = await client.getRole("r1").catch((e: unknown) => e);
        expect(error).toBeInstanceOf(LogtoResponseShapeError);
        expect(error).toMatchObject({ endpoint: "GET /api/roles/r1", field: "name" });
    });

    test("a list that is not a list is an error for the whole body", async () => {
        const client = new ManagementClient({ endpoint, appId: "a", appSecret: "s" }, { budget: "off" });
        await expect(client.listResources()).rejects.toMatchObject({ endpoint: "GET /api/resources", field: "(body)" });
    });
});
