import type { ConfigMap } from "@pulumi/pulumi/automation";
import { closeHttpAgent, defaultBudgetFor, defaultBudgetSpec, ManagementClient } from "../../client";
import { agentFetch } from "../../client/http";
import { requestClientCredentialsToken, verifyStackOutputs, type VerifiableApp } from "../../component/verify";
import { startLocalLogto, type LocalLogto } from "../../local-logto";
import { logtoM2MProgram } from "../../program";
import { M2MApplication } from "../../providers/m2mApplication";
import { M2MRole } from "../../providers/m2mRole";
import { loopbackPortVar, mapLogtoCloudToLoopback, unmapLogtoCloud } from "../support/cloudLoopback";
import { engineSandbox, inlineStack, type EngineSandbox } from "../support/engine";
import { makeTestCertificates, type TestCertificates } from "../support/testCertificates";

/**
 * Logto Cloud mode end to end, through the Pulumi engine: the local Logto acts as tenant `cloudmode1`, serves
 * HTTPS with a certificate for cloudmode1.logto.app from a test CA, and the test maps that name to loopback
 * (a preload in the provider host, NODE_EXTRA_CA_CERTS for the CA; nothing in the product is switched off).
 * The providers then derive the tenant's Management API indicator, take their tokens from the tenant's default
 * domain, refuse a custom domain, and pace their calls with Cloud's request budget.
 */
const tenant = "cloudmode1";
const endpoint = `https://${tenant}.logto.app`;
const indicator = `${endpoint}/api`;

describe("Logto Cloud mode against the local Logto over HTTPS", () => {
    let certs: TestCertificates;
    let logto: LocalLogto;
    let sandbox: EngineSandbox;

    const spec = {
        resources: [{ name: "Shop", indicator: "https://shop.cloudmode.example", permissions: ["read:items", "write:items"] }],
        roles: [
            { name: "shop-reader", permissions: [{ resource: "https://shop.cloudmode.example", permissions: ["read:items"] }] },
            { name: "tenant-admin", permissions: [{ resource: "management", permissions: ["all"] }] },
        ],
        apps: [
            { name: "storefront", roles: ["shop-reader"] },
            { name: "provisioner", roles: ["tenant-admin"] },
        ],
    };

    /** The test's own look at the tenant, over the same HTTPS name. */
    const rolesNamed = async (name: string) => {
        const client = new ManagementClient({ endpoint, tenantId: tenant, appId: logto.bootstrap.appId, appSecret: logto.bootstrap.appSecret }, { budget: "off" });
        return (await client.listRoles()).filter((r) => r.name === name);
    };

    const connectionConfig = (stackEndpoint: string): ConfigMap => ({
        "logto:endpoint": { value: stackEndpoint },
        "logto:tenantId": { value: tenant },
        "logto:appId": { value: logto.bootstrap.appId },
        "logto:appSecret": { value: logto.bootstrap.appSecret, secret: true },
    });

    beforeAll(async () => {
        certs = makeTestCertificates([`${tenant}.logto.app`]);
        logto = await startLocalLogto({
            port: 0,
            tls: { key: certs.key, cert: certs.cert },
            tenantId: tenant,
        });
        // This process (the program, the test's own checks) and the engine's provider host both reach the name.
        mapLogtoCloudToLoopback(logto.port, certs.caPem);
        sandbox = engineSandbox();
        Object.assign(sandbox.env, {
            NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${require.resolve("../support/cloudLoopback")}`.trim(),
            NODE_EXTRA_CA_CERTS: certs.caFile,
            [loopbackPortVar]: String(logto.port),
        });
    });

    afterAll(async () => {
        sandbox?.cleanup();
        await closeHttpAgent();
        unmapLogtoCloud();
        await logto?.close();
        certs?.cleanup();
    });

    test("up: the tenant's indicator, tokens from the tenant's domain, Cloud's budget; the apps' tokens work", async () => {
        expect(logto.endpoint).toBe(endpoint);
        expect(logto.managementIndicator).toBe(indicator);
        // The providers pace their calls by the budget of the endpoint's host, here Cloud's; the engine itself
        // spreads these creates over seconds, so the pace cannot be told from the requests' arrival.
        expect(defaultBudgetFor(endpoint)).toEqual(defaultBudgetSpec);
        const stack = await inlineStack(sandbox, "logto-m2m-cloud", "dev", () => logtoM2MProgram({ spec }), connectionConfig(endpoint));
        logto.counters.reset();
        await stack.up();

        const counts = logto.counters.snapshot();
        // The providers' tokens came from https://cloudmode1.logto.app/oidc/token (the only name the certificate holds).
        expect(counts.token).toBeGreaterThan(0);
        expect(counts.byRoute["POST /api/roles"]).toBe(spec.roles.length);

        const outputs = await stack.outputs();
        const apps = outputs.apps!.value as Record<string, VerifiableApp>;
        expect(apps.provisioner!.resources).toEqual({ [indicator]: ["all"] });
        expect(apps.provisioner!.tokenEndpoint).toBe(`${endpoint}/oidc/token`);
        await expect(verifyStackOutputs(outputs)).resolves.toHaveLength(2);

        // The provisioner's token is the tenant's, and its Management API takes it.
        const token = await requestClientCredentialsToken({ ...apps.provisioner!, resource: indicator, scopes: ["all"] });
        const claims = JSON.parse(Buffer.from(token.accessToken.split(".")[1]!, "base64url").toString("utf8")) as Record<string, unknown>;
        expect(claims).toMatchObject({ iss: `${endpoint}/oidc`, aud: indicator, scope: "all" });
        const response = await agentFetch(`${endpoint}/api/applications/${apps.provisioner!.appId}`, { headers: { authorization: `Bearer ${token.accessToken}` } });
        expect(response.status).toBe(200);

        await stack.destroy();
    }, 240_000);

    test("a 10 s rate-limit window of 429s without Retry-After is waited out; the role is made once", async () => {
        const stack = await inlineStack(sandbox, "logto-m2m-cloud", "throttled", async () => {
            new M2MRole("throttled", { name: "throttled-role", description: "d", scopeIds: [] });
        }, connectionConfig(endpoint));
        // As Logto Cloud's limiter may answer: 429 with no Retry-After, for every request of the next 10 s.
        logto.faults.set([{ kind: "429", route: "POST /api/roles", count: 1, windowMs: 10_000, retryAfterSeconds: null }]);
        logto.counters.reset();
        try {
            await stack.up();
        } finally {
            logto.faults.clear();
        }
        expect(logto.counters.snapshot().byRoute["POST /api/roles"]).toBeGreaterThanOrEqual(2);
        const roles = await rolesNamed("throttled-role");
        expect(roles).toHaveLength(1);
        await stack.destroy();
        expect(await rolesNamed("throttled-role")).toHaveLength(0);
    }, 120_000);

    test("a custom domain is refused before any call to Logto", async () => {
        // One provider resource, no component: a failed create leaves no component output waiting.
        const stack = await inlineStack(sandbox, "logto-m2m-cloud", "custom-domain", async () => {
            new M2MApplication("elsewhere", { name: "elsewhere", roleIds: [] });
        }, connectionConfig("https://auth.cloudmode.example"));
        logto.counters.reset();
        // The providers keep a configuration error for the first operation that needs Logto (a preview of
        // inputs stays possible): the up's first create.
        const error = String(await stack.up().then(() => "up succeeded", (e: unknown) => e));
        expect(error).toContain(`on Logto Cloud use ${endpoint}: only that endpoint issues Management API tokens for tenant ${tenant} (custom domains cannot)`);
        expect(logto.counters.snapshot()).toMatchObject({ token: 0, api: 0 });
    }, 120_000);
});
