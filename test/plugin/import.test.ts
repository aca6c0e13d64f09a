import type { Stack } from "@pulumi/pulumi/automation";
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { promisify } from "node:util";
import { pulumiBinary } from "../support/engine";
import { useProviderFixture } from "../support/logtoEngine";
import { callsByMethod } from "../support/logtoTarget";
import { resource } from "./support";

const run = promisify(execFile);

/**
 * `pulumi import logto:index:<Type> NAME ID` of every type, with the real CLI, of objects made in Logto outside
 * Pulumi (the ExistingRole and ExistingOrganization are references to the role and the organization the stack
 * also manages); then a preview of
 * the program that declares them shows no change, and destroy deletes them.
 */
describe("pulumi import of each plugin type", () => {
    const fixture = useProviderFixture();
    const project = "logto-plugin-import";
    let stack: Stack;
    let runId: string;
    const made: Record<string, string> = {};
    const identityNonce = randomUUID();

    const program = async () => {
        const api = resource("ApiResource", "api", { name: `${runId} imported`, indicator: `https://${runId}.import.api`, accessTokenTtl: 3600 });
        const scope = resource("ApiScope", "scope", { resourceId: api.id, name: "read:imported", description: "Reads" });
        const role = resource("M2MRole", "role", { name: `${runId}-imported-role`, description: "imported", scopeIds: [scope.id] });
        const app = resource("M2MApplication", "app", { name: `${runId}-imported-app`, roleIds: [role.id] });
        resource("ApplicationSecret", "secret", { applicationId: app.id, name: "ci" });
        const orgScope = resource("OrganizationScope", "orgScope", { name: `read:${runId}-imported`, description: "Reads orders" });
        const orgRole = resource("OrganizationRole", "orgRole", { name: `${runId}-imported-org-role`, organizationScopeIds: [orgScope.id], resourceScopeIds: [scope.id] });
        const org = resource("Organization", "org", { name: `${runId} imported org`, description: "A customer" });
        resource("OrganizationApplication", "member", { organizationId: org.id, applicationId: app.id, organizationRoleIds: [orgRole.id] });
        resource("ExistingOrganization", "existingOrg", { organizationId: made.org! });
        resource("ExistingRole", "existingRole", { name: `${runId}-imported-role` });
        // A stack's identity moved from another state (e.g. a stack recreated from scratch): imported by its nonce.
        resource("StackIdentity", "identity", {});
    };

    beforeAll(async () => {
        runId = fixture.target().runId;
        const client = fixture.target().client;
        const api = await client.createResource({ name: `${runId} imported`, indicator: `https://${runId}.import.api`, accessTokenTtl: 3600 });
        const scope = await client.createScope(api.id, { name: "read:imported", description: "Reads" });
        const role = await client.createRole({ name: `${runId}-imported-role`, description: "imported", type: "MachineToMachine" });
        await client.addRoleScopes(role.id, [scope.id]);
        const app = await client.createApplication({ name: `${runId}-imported-app` });
        await client.addApplicationRoles(app.id, [role.id]);
        const secret = await client.createApplicationSecret(app.id, { name: "ci.0a1b2c" });
        const orgScope = await client.createOrganizationScope({ name: `read:${runId}-imported`, description: "Reads orders" });
        const orgRole = await client.createOrganizationRole({ name: `${runId}-imported-org-role`, type: "MachineToMachine", organizationScopeIds: [orgScope.id], resourceScopeIds: [scope.id] });
        const org = await client.createOrganization({ name: `${runId} imported org`, description: "A customer" });
        await client.addOrganizationApplications(org.id, [app.id]);
        await client.addOrganizationApplicationRoles(org.id, app.id, [orgRole.id]);
        Object.assign(made, { api: api.id, scope: scope.id, role: role.id, app: app.id, secret: `${app.id}/${secret.name}`,
            orgScope: orgScope.id, orgRole: orgRole.id, org: org.id, member: `${org.id}/${app.id}` });
        stack = await fixture.stack(project, `import-${runId}`, program);
    });

    afterAll(async () => {
        await stack?.destroy().catch(() => undefined);
    });

    async function pulumiImport(type: string, name: string, id: string): Promise<string> {
        const sandbox = fixture.sandbox();
        const args = ["import", `logto:index:${type}`, name, id, "--yes", "--generate-code=false", "--stack", `import-${runId}`, "--non-interactive"];
        try {
            return (await run(pulumiBinary(), args, { cwd: sandbox.workDir, env: { ...process.env, ...sandbox.env } })).stdout;
        } catch (error) {
            const { stdout, stderr } = error as { stdout?: string; stderr?: string };
            throw new Error(`pulumi ${args.join(" ")} failed:\n${stdout ?? ""}\n${stderr ?? ""}`);
        }
    }

    it("imports each type by its id", async () => {
        for (const [type, name, id] of [["ApiResource", "api", made.api], ["ApiScope", "scope", made.scope], ["M2MRole", "role", made.role],
            ["M2MApplication", "app", made.app], ["ApplicationSecret", "secret", made.secret], ["OrganizationScope", "orgScope", made.orgScope],
            ["OrganizationRole", "orgRole", made.orgRole], ["Organization", "org", made.org], ["OrganizationApplication", "member", made.member],
            ["ExistingOrganization", "existingOrg", made.org], ["ExistingRole", "existingRole", made.role],
            ["StackIdentity", "identity", identityNonce]] as const) {
            const out = await pulumiImport(type, name, id!);
            expect(out).toMatch(/1 imported/);
        }
        const state = (await stack.exportStack()).deployment as { resources: { type: string; id?: string; outputs?: Record<string, unknown> }[] };
        const ids = Object.fromEntries(state.resources.filter((r) => r.type.startsWith("logto:index:")).map((r) => [r.type.split(":").pop(), r.id]));
        expect(ids).toEqual({ ApiResource: made.api, ApiScope: made.scope, M2MRole: made.role, M2MApplication: made.app, ApplicationSecret: made.secret,
            OrganizationScope: made.orgScope, OrganizationRole: made.orgRole, Organization: made.org, OrganizationApplication: made.member, ExistingOrganization: made.org, ExistingRole: made.role, StackIdentity: identityNonce });
        const identity = state.resources.find((r) => r.type === "logto:index:StackIdentity");
        expect(identity?.outputs?.nonce).toBe(identityNonce);
    });

    it("a preview of the program that declares them shows no change", async () => {
        const preview = await stack.preview({ diff: true });
        expect(preview.changeSummary).toEqual({ same: 13 });
    });

    it("an up changes nothing in Logto, and destroy deletes what was imported", async () => {
        fixture.target().resetCounts();
        const up = await stack.up();
        expect(up.summary.resourceChanges).toEqual({ same: 13 });
        expect(callsByMethod(fixture.target().counts())).toEqual({});
        await stack.destroy();
        const client = fixture.target().client;
        expect(await client.getResource(made.api!)).toBeUndefined();
        expect(await client.getRole(made.role!)).toBeUndefined();
        expect(await client.getApplication(made.app!)).toBeUndefined();
        expect(await client.getOrganization(made.org!)).toBeUndefined();
        expect(await client.getOrganizationRole(made.orgRole!)).toBeUndefined();
        expect(await client.getOrganizationScope(made.orgScope!)).toBeUndefined();
    });
});
