import { decodeJwtPart, httpRequest, tokenRequest, verifyWithRemoteJwks, type HttpResult } from "./support";
import { useContractTarget } from "./target";

/**
 * The organization token: client credentials with `organization_id`, without a resource (the organization's
 * permissions) or with one (that API's permissions, as the app's organization roles there grant them).
 */
describe("token endpoint: organization tokens", () => {
    const target = useContractTarget();
    const api = () => target().api;
    const n = (base: string) => target().name(base);
    let indicator: string;
    let orgId: string;
    let otherOrgId: string;
    let member: { id: string; secret: string };
    let outsider: { id: string; secret: string };

    const m2mApp = async (base: string) => {
        const app = (await api().post("/api/applications", { name: n(base), type: "MachineToMachine" })).body;
        const secret = (await api().get(`/api/applications/${app.id}/secrets`)).body[0].value as string;
        return { id: app.id as string, secret };
    };
    const orgToken = (app: { id: string; secret: string }, form: Record<string, string | string[]>) =>
        tokenRequest(target().endpoint, { grant_type: "client_credentials", ...form }, app);
    const claims = (result: HttpResult) => decodeJwtPart(result.body.access_token as string, 1);

    beforeAll(async () => {
        indicator = target().indicator("orders");
        const resource = (await api().post("/api/resources", { name: n("orders"), indicator, accessTokenTtl: 900 })).body;
        const readOrders = (await api().post(`/api/resources/${resource.id}/scopes`, { name: "read:orders" })).body;
        const writeOrders = (await api().post(`/api/resources/${resource.id}/scopes`, { name: "write:orders" })).body;
        await api().post(`/api/resources/${resource.id}/scopes`, { name: "admin:orders" });
        const manage = (await api().post("/api/organization-scopes", { name: n("manage:members") })).body;
        await api().post("/api/organization-scopes", { name: n("delete:organization") });
        // The member's organization role: one organization permission and read:orders.
        const role = (await api().post("/api/organization-roles", { name: n("bot"), type: "MachineToMachine", organizationScopeIds: [manage.id], resourceScopeIds: [readOrders.id] })).body;
        orgId = (await api().post("/api/organizations", { name: n("acme") })).body.id;
        otherOrgId = (await api().post("/api/organizations", { name: n("globex") })).body.id;
        member = await m2mApp("member");
        outsider = await m2mApp("outsider");
        await api().post(`/api/organizations/${orgId}/applications`, { applicationIds: [member.id] });
        await api().post(`/api/organizations/${orgId}/applications/${member.id}/roles`, { organizationRoleIds: [role.id] });
        // write:orders through an ordinary M2M role: it counts for the app's own tokens, not in the organization.
        const appRole = (await api().post("/api/roles", { name: n("writer"), description: "writes orders", type: "MachineToMachine", scopeIds: [writeOrders.id] })).body;
        await api().post(`/api/applications/${member.id}/roles`, { roleIds: [appRole.id] });
    });

    it("without a resource: aud urn:logto:organization:<id>, the granted organization permissions, no organization_id claim, one hour", async () => {
        const result = await orgToken(member, { organization_id: orgId, scope: `${n("manage:members")} ${n("delete:organization")} read:orders` });
        expect(result.status).toBe(200);
        expect(result.body).toEqual({ access_token: expect.any(String), expires_in: 3600, token_type: "Bearer", scope: n("manage:members") });
        const payload = claims(result);
        expect(Object.keys(payload)).toEqual(["jti", "sub", "iat", "exp", "scope", "client_id", "iss", "aud"]);
        expect(payload).toMatchObject({ sub: member.id, client_id: member.id, scope: n("manage:members"), iss: target().issuer, aud: `urn:logto:organization:${orgId}` });
        expect(Number(payload.exp) - Number(payload.iat)).toBe(3600);
        const verified = await verifyWithRemoteJwks(result.body.access_token, `${target().endpoint}/oidc/jwks`, { issuer: target().issuer, audience: `urn:logto:organization:${orgId}` });
        expect(verified.protectedHeader).toMatchObject({ alg: "ES384", typ: "at+jwt" });
    });

    it("without a resource and nothing granted: the answer's scope is \"\" and the token has no scope claim", async () => {
        for (const form of [{ organization_id: orgId }, { organization_id: orgId, scope: "read:orders not-a-permission" }] as Array<Record<string, string>>) {
            const result = await orgToken(member, form);
            expect(result.status).toBe(200);
            expect(result.body.scope).toBe("");
            expect(claims(result)).not.toHaveProperty("scope");
        }
    });

    it("with a resource: aud the indicator, organization_id the first claim, the resource's TTL, only what the organization roles grant", async () => {
        const result = await orgToken(member, { organization_id: orgId, resource: indicator, scope: "read:orders write:orders admin:orders" });
        expect(result.status).toBe(200);
        expect(result.body).toEqual({ access_token: expect.any(String), expires_in: 900, token_type: "Bearer", scope: "read:orders" });
        const payload = claims(result);
        expect(Object.keys(payload)).toEqual(["organization_id", "jti", "sub", "iat", "exp", "scope", "client_id", "iss", "aud"]);
        expect(payload).toMatchObject({ organization_id: orgId, scope: "read:orders", aud: indicator, sub: member.id });
        // The app's own role grants write:orders outside the organization only.
        const own = await orgToken(member, { resource: indicator, scope: "read:orders write:orders" });
        expect(own.body.scope).toBe("write:orders");
        expect(claims(own)).not.toHaveProperty("organization_id");
    });

    it("with a resource and nothing granted: no scope key and no scope claim", async () => {
        const result = await orgToken(member, { organization_id: orgId, resource: indicator, scope: n("manage:members") });
        expect(result.status).toBe(200);
        expect(result.body).not.toHaveProperty("scope");
        expect(claims(result)).not.toHaveProperty("scope");
    });

    it("refuses an app that is not a member, an unknown organization, and a member asking for another organization: 403 access_denied", async () => {
        for (const [app, organizationId] of [[outsider, orgId], [member, "nope"], [member, otherOrgId]] as const) {
            for (const form of [{ organization_id: organizationId, scope: n("manage:members") }, { organization_id: organizationId, resource: indicator, scope: "read:orders" }] as Array<Record<string, string>>) {
                const result = await orgToken(app, form);
                expect({ status: result.status, code: result.body.code, message: result.body.message, error: result.body.error, description: result.body.error_description })
                    .toEqual({ status: 403, code: "oidc.access_denied", message: "Access denied.", error: "access_denied", description: "app has not associated with the organization" });
            }
        }
    });

    it("refuses organization_id twice (invalid_request), an unknown resource (invalid_target), the organization urn as a resource", async () => {
        const twice = await orgToken(member, { organization_id: [orgId, otherOrgId] });
        expect({ status: twice.status, error: twice.body.error, description: twice.body.error_description })
            .toEqual({ status: 400, error: "invalid_request", description: "'organization_id' parameter must not be provided twice" });
        for (const resource of [target().indicator("unknown"), `urn:logto:organization:${orgId}`]) {
            const result = await orgToken(member, { organization_id: orgId, resource });
            expect({ status: result.status, error: result.body.error, description: result.body.error_description })
                .toEqual({ status: 400, error: "invalid_target", description: "resource indicator is missing, or unknown" });
        }
        // The membership is checked first: an unknown organization with an unknown resource is 403.
        const both = await orgToken(member, { organization_id: "nope", resource: target().indicator("unknown") });
        expect({ status: both.status, error: both.body.error }).toEqual({ status: 403, error: "access_denied" });
        const empty = await orgToken(member, { organization_id: "", scope: n("manage:members") });
        expect({ status: empty.status, description: empty.body.error_description }).toEqual({ status: 400, description: "both `resource` and `organization_id` are not provided" });
    });

    it("for the Management API: an organization role holding `all` gives an organization token that the Management API accepts", async () => {
        const app = await m2mApp("admin");
        const role = (await api().post("/api/organization-roles", { name: n("admin"), type: "MachineToMachine", resourceScopeIds: ["management-api-all"] })).body;
        await api().post(`/api/organizations/${otherOrgId}/applications`, { applicationIds: [app.id] });
        await api().post(`/api/organizations/${otherOrgId}/applications/${app.id}/roles`, { organizationRoleIds: [role.id] });
        const result = await orgToken(app, { organization_id: otherOrgId, resource: target().managementIndicator, scope: "all" });
        expect(result.body.scope).toBe("all");
        expect(claims(result)).toMatchObject({ organization_id: otherOrgId, aud: target().managementIndicator });
        const read = await httpRequest(`${target().endpoint}/api/organizations/${otherOrgId}`, { headers: { authorization: `Bearer ${result.body.access_token}` } });
        expect({ status: read.status, id: read.body.id }).toEqual({ status: 200, id: otherOrgId });
    });

    it("follows changes at once: a role's new permission, a removed role, a removed membership", async () => {
        const app = await m2mApp("changes");
        const scope = (await api().post("/api/organization-scopes", { name: n("read:reports") })).body;
        const role = (await api().post("/api/organization-roles", { name: n("reporter"), type: "MachineToMachine" })).body;
        await api().post(`/api/organizations/${orgId}/applications`, { applicationIds: [app.id] });
        await api().post(`/api/organizations/${orgId}/applications/${app.id}/roles`, { organizationRoleIds: [role.id] });
        const ask = async () => (await orgToken(app, { organization_id: orgId, scope: n("read:reports") })).body;
        expect((await ask()).scope).toBe("");
        await api().post(`/api/organization-roles/${role.id}/scopes`, { organizationScopeIds: [scope.id] });
        expect((await ask()).scope).toBe(n("read:reports"));
        await api().delete(`/api/organizations/${orgId}/applications/${app.id}/roles/${role.id}`);
        expect((await ask()).scope).toBe("");
        await api().delete(`/api/organizations/${orgId}/applications/${app.id}`);
        expect((await ask()).error).toBe("access_denied");
    });
});
