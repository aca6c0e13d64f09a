import type { OutputMap, Stack } from "@pulumi/pulumi/automation";
import { engineSandbox, inlineStack, storedState, type EngineSandbox } from "../support/engine";
import { useProviderFixture } from "../support/logtoEngine";
import { startLogtoTarget, usingRemoteLogto, type LogtoTarget } from "../support/logtoTarget";
import { logtoM2MProgram } from "../../program";
import { consumerProgram } from "../../examples/consumer/program";
import { callApi, fetchAccessToken, type ServiceEnv } from "../../examples/consumer/service";
import { GrantMismatchError, requestClientCredentialsToken, verifyStackOutputs, type VerifiableApp } from "../../component/verify";
import { clone, exampleSpec, managementIndicatorOf, reportingErrors, startShoppingApi, writes, type ExampleNames, type RunningApi, type SpecShape } from "./support";

// The program through the real engine against a Logto: the example spec's whole life, what a downstream stack
// gets, what the example API lets each app do, and what verify catches.
describe("the M2M program applying examples/spec.yaml", () => {
    const project = "logto-m2m-program";
    let target: LogtoTarget;
    let sandbox: EngineSandbox;
    let stack: Stack;
    let spec: SpecShape;
    let names: ExampleNames;
    let api: RunningApi;

    /** `up` with `next` as the stack's `logto-m2m:spec` config, as a user edits it. */
    async function upWith(next: SpecShape, opts: { refresh?: boolean } = {}) {
        await stack.setConfig("logto-m2m:spec", { value: JSON.stringify(next) });
        return stack.up(opts);
    }
    const apps = (outputs: OutputMap) => outputs.apps!.value as Record<string, VerifiableApp>;
    const token = (app: VerifiableApp, scopes: string[]) => requestClientCredentialsToken({ ...app, resource: names.shopping, scopes });

    beforeAll(async () => {
        target = await startLogtoTarget();
        sandbox = engineSandbox();
        ({ spec, names } = exampleSpec(target));
        stack = await inlineStack(sandbox, project, "dev", () => logtoM2MProgram(), target.stackConfig());
        api = await startShoppingApi(target.upstreamEndpoint, names.shopping);
    });
    afterAll(async () => {
        await api?.stop();
        await stack?.destroy().catch(() => undefined);
        sandbox?.cleanup();
        await target?.close();
    });

    test("a preview of the example spec on a new stack shows what up will create, and writes nothing", async () => {
        await stack.setConfig("logto-m2m:spec", { value: JSON.stringify(spec) });
        target.resetCounts();
        const preview = await stack.preview();
        expect(preview.changeSummary).toEqual({ create: 13 });
        const counts = target.counts();
        expect(counts.api).toBe(0);
    });

    test("the example spec applies: every app gets its id, its secret as a Pulumi secret, and its permissions", async () => {
        const result = await upWith(spec);
        // Stack, component, the preconfigured role's reference, 1 resource, 2 permissions, 2 roles, 3 apps, 1 secret,
        // the stack's identity.
        expect(result.summary.resourceChanges).toEqual({ create: 13 });
        const outputs = await stack.outputs();
        const byName = apps(outputs);
        expect(byName[names.storefront]).toMatchObject({ tokenEndpoint: `${target.connection.endpoint}/oidc/token`, resources: { [names.shopping]: ["read:products"] } });
        expect(byName[names.sync]!.resources).toEqual({ [names.shopping]: ["read:products", "write:products"] });
        expect(byName[names.bot]!.resources).toEqual({ [managementIndicatorOf(target)]: ["all"] });
        for (const app of Object.values(byName)) {
            expect(app.appId).toMatch(/^\w+$/);
            expect(app.appSecret.length).toBeGreaterThan(10);
        }
        // In state only the secrets are hidden; the App IDs are plain.
        const stored = storedState(sandbox, project, "dev");
        const leaked = Object.entries(byName).filter(([, app]) => stored.includes(app.appSecret)).map(([name]) => name);
        expect(leaked).toEqual([]);
        expect(Object.values(byName).every((app) => stored.includes(app.appId))).toBe(true);
    });

    test("a second preview and up change nothing and make zero Management API calls", async () => {
        target.resetCounts();
        const preview = await stack.preview();
        expect(preview.changeSummary).toEqual({ same: 13 });
        const result = await upWith(spec);
        expect(result.summary.resourceChanges).toEqual({ same: 13 });
        const counts = target.counts();
        expect(counts).toEqual({ token: 0, api: 0, byRoute: {} });
    });

    test("verify finds every app's token grants exactly what the spec says", async () => {
        const checks = await verifyStackOutputs(await stack.outputs());
        expect(checks.map((c) => `${c.app} ${c.resource} ${c.granted.join(" ")}`).sort()).toEqual([
            `${names.sync} ${names.shopping} read:products write:products`,
            `${names.bot} ${managementIndicatorOf(target)} all`,
            `${names.storefront} ${names.shopping} read:products`,
        ].sort());
    });

    test("the example API answers 200 to read:products and 403 to its write route unless the app holds write:products", async () => {
        const byName = apps(await stack.outputs());
        const reader = await token(byName[names.storefront]!, ["read:products", "write:products"]);
        expect(reader.scope).toEqual(["read:products"]);
        const asReader = { authorization: `Bearer ${reader.accessToken}`, "content-type": "application/json" };
        expect((await fetch(`${api.url}/products`, { headers: asReader })).status).toBe(200);
        expect((await fetch(`${api.url}/products`, { method: "POST", headers: asReader, body: '{"name":"x"}' })).status).toBe(403);

        const editor = await token(byName[names.sync]!, ["read:products", "write:products"]);
        const asEditor = { authorization: `Bearer ${editor.accessToken}`, "content-type": "application/json" };
        expect((await fetch(`${api.url}/products`, { method: "POST", headers: asEditor, body: '{"name":"Mug"}' })).status).toBe(201);

        // 401: no token, and a valid Logto token for another audience (the Management API's).
        expect((await fetch(`${api.url}/products`)).status).toBe(401);
        const bot = byName[names.bot]!;
        const managementToken = await requestClientCredentialsToken({ ...bot, resource: managementIndicatorOf(target), scopes: ["all"] });
        const wrongAudience = await fetch(`${api.url}/products`, { headers: { authorization: `Bearer ${managementToken.accessToken}` } });
        expect(wrongAudience.status).toBe(401);
        expect(wrongAudience.headers.get("www-authenticate")).toMatch(/invalid_token/);
    });

    (usingRemoteLogto() ? test.skip : test)("the example API refuses an expired token with 401", async () => {
        target.local!.setTokenTtlOverride(1);
        try {
            const short = await token(apps(await stack.outputs())[names.storefront]!, ["read:products"]);
            await new Promise((resolve) => setTimeout(resolve, 2100));
            const response = await fetch(`${api.url}/products`, { headers: { authorization: `Bearer ${short.accessToken}` } });
            expect(response.status).toBe(401);
            expect(response.headers.get("www-authenticate")).toMatch(/token expired/);
        } finally {
            target.local!.setTokenTtlOverride(undefined);
        }
    });

    test("a downstream stack gets a working token through StackReference", async () => {
        // Its own program folder (one project per folder), on the same backend as the M2M stack.
        const box = engineSandbox();
        const downstream = { ...box, backendUrl: sandbox.backendUrl, env: sandbox.env };
        try {
            const consumer = await inlineStack(downstream, "shop-frontend", "dev",
                () => consumerProgram({ producerStack: `organization/${project}/dev`, app: names.storefront, resource: names.shopping }));
            const result = await consumer.up();
            const env = result.outputs.serviceEnv!.value as ServiceEnv;
            expect(env).toMatchObject({ LOGTO_TOKEN_ENDPOINT: `${target.connection.endpoint}/oidc/token`, API_RESOURCE: names.shopping, API_SCOPE: "read:products" });

            const accessToken = await fetchAccessToken(env);
            expect(accessToken).toMatchObject({ token_type: "Bearer", scope: "read:products" });
            const response = await callApi(`${api.url}/products`, accessToken);
            expect(response.status).toBe(200);
            await consumer.destroy();
        } finally {
            box.cleanup();
        }
    });

    test("changing one permission of one role makes exactly one Management API call", async () => {
        const next = clone(spec);
        next.roles.find((r) => r.name === names.reader)!.permissions[0]!.permissions.push("write:products");
        target.resetCounts();
        const result = await upWith(next);
        expect(result.summary.resourceChanges).toEqual({ update: 1, same: 12 });
        const counts = target.counts();
        expect(counts.byRoute).toEqual({ "POST /api/roles/:id/scopes": 1 });
        expect(apps(await stack.outputs())[names.storefront]!.resources).toEqual({ [names.shopping]: ["read:products", "write:products"] });
        spec = next;
    });

    test("verify catches a grant changed outside Pulumi, and up with refresh puts the spec back", async () => {
        const editorRole = await target.client.findRoleByName(names.editor);
        const write = (await target.client.listRoleScopes(editorRole!.id)).find((s) => s.name === "write:products");
        await target.client.removeRoleScope(editorRole!.id, write!.id);

        const error = await verifyStackOutputs(await stack.outputs()).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(GrantMismatchError);
        expect((error as Error).message).toContain(`app "${names.sync}" on ${names.shopping}: missing write:products`);
        expect((error as GrantMismatchError).checks.filter((c) => c.missing.length > 0)).toHaveLength(1);

        const result = await upWith(spec, { refresh: true });
        expect(result.summary.resourceChanges).toMatchObject({ update: 1 });
        await expect(verifyStackOutputs(await stack.outputs())).resolves.toHaveLength(3);
    });

    test("removing an app from the spec removes only it (and its secret)", async () => {
        const byName = apps(await stack.outputs());
        const next = clone(spec);
        next.apps = next.apps.filter((a) => a.name !== names.sync);
        target.resetCounts();
        const result = await upWith(next);
        expect(result.summary.resourceChanges).toEqual({ delete: 2, same: 11 });
        const counts = target.counts();
        expect(Object.keys(writes(counts.byRoute)).sort()).toEqual(["DELETE /api/applications/:id", "DELETE /api/applications/:id/secrets/:name"].filter((r) => r in counts.byRoute).sort());
        expect(counts.byRoute["DELETE /api/applications/:id"]).toBe(1);
        expect(await target.client.getApplication(byName[names.sync]!.appId)).toBeUndefined();
        expect(await target.client.getApplication(byName[names.storefront]!.appId)).toBeDefined();
        expect(await target.client.findRoleByName(names.editor)).toBeDefined();
        expect(Object.keys(apps(await stack.outputs())).sort()).toEqual([names.bot, names.storefront].sort());
        spec = next;
    });
});

describe("a spec with errors", () => {
    const fixture = useProviderFixture();

    async function failedUp(stackName: string, spec: unknown): Promise<{ message: string; stack: Stack }> {
        const stack = await fixture.stack("logto-m2m-bad-spec", stackName, reportingErrors(() => logtoM2MProgram()), { "logto-m2m:spec": { value: JSON.stringify(spec) } });
        fixture.target().resetCounts();
        const message = String(await stack.up().then(() => "up succeeded", (e: unknown) => e));
        return { message, stack };
    }

    test("is refused with every path named, before anything is created", async () => {
        const tag = fixture.target().runId;
        const { message, stack } = await failedUp("invalid", {
            resources: [{ name: "Shop", indicator: `https://shop-${tag}.api`, permissions: ["read:p"] }],
            roles: [{ name: `r-${tag}`, permissions: [{ resource: `https://nope-${tag}.api`, permissions: ["read:p"] }] }],
            apps: [{ name: `a-${tag}`, roles: [`r-${tag}`] }, { name: `a-${tag}` }],
        });
        expect(message).toContain("roles[0].permissions[0].resource: unknown resource");
        expect(message).toContain("apps[1].name: duplicate app name");
        const counts = fixture.target().counts();
        expect(counts.api).toBe(0);
        // Only the stack itself, which Pulumi registers before running any program.
        expect(((await stack.exportStack()).deployment.resources ?? []).map((r: { type: string }) => r.type)).toEqual(["pulumi:pulumi:Stack"]);
    });

    test("naming a role that exists neither in the spec nor in Logto fails the up before any write", async () => {
        const tag = fixture.target().runId;
        const { message, stack } = await failedUp("unknown-role", {
            resources: [{ name: "Shop", indicator: `https://shop-${tag}.api`, permissions: ["read:p"] }],
            apps: [{ name: `a-${tag}`, roles: [`no-such-role-${tag}`] }],
        });
        expect(message).toMatch(new RegExp(`unknown role "no-such-role-${tag}" \\(apps\\[0\\]\\.roles\\[0\\]\\)`));
        const counts = fixture.target().counts();
        expect(writes(counts.byRoute)).toEqual({});
        expect(await fixture.target().client.findResourceByIndicator(`https://shop-${tag}.api`)).toBeUndefined();
        await stack.destroy();
    });
});
