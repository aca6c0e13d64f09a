import * as pulumi from "@pulumi/pulumi";
import type { Stack } from "@pulumi/pulumi/automation";
import { ManagementClient } from "../../client";
import { startLocalLogto, type LocalLogto } from "../../local-logto";
import { engineSandbox, inlineStack, storedState, type EngineSandbox } from "../support/engine";
import { LogtoProvider, resource } from "./support";

/**
 * Two `pulumi:providers:logto` instances on two local Logtos in one program: each tenant gets its own objects,
 * and the stack config holds no `logto:*` at all (every setting reaches the plugin through its provider's args,
 * the secret as a secret). A rotated bootstrap secret is an in-place change of the provider, not a replacement.
 */
describe("two explicit providers, two Logtos, one program", () => {
    let a: LocalLogto;
    let b: LocalLogto;
    let sandbox: EngineSandbox;
    let stack: Stack;

    const program = async () => {
        const cfg = new pulumi.Config("tenants");
        const tenants = { a: cfg.requireSecret("a"), b: cfg.requireSecret("b") };
        const outputs: Record<string, unknown> = {};
        for (const [key, logto] of [["a", a], ["b", b]] as const) {
            const provider = new LogtoProvider(`tenant-${key}`, { endpoint: logto.endpoint, appId: logto.bootstrap.appId, appSecret: tenants[key] });
            const api = resource("ApiResource", `api-${key}`, { name: `API ${key}`, indicator: "https://same.indicator.api" }, { provider });
            const scope = resource("ApiScope", `read-${key}`, { resourceId: api.id, name: "read" }, { provider });
            const role = resource("M2MRole", `role-${key}`, { name: "reader", description: `reader on ${key}`, scopeIds: [scope.id] }, { provider });
            const app = resource("M2MApplication", `app-${key}`, { name: `app-${key}`, roleIds: [role.id] }, { provider });
            outputs[key] = { resourceId: api.id, appId: app.out("appId"), appSecret: app.out("appSecret") };
        }
        return outputs;
    };

    beforeAll(async () => {
        [a, b] = await Promise.all([startLocalLogto({ port: 0 }), startLocalLogto({ port: 0 })]);
        sandbox = engineSandbox();
        stack = await inlineStack(sandbox, "logto-plugin-tenants", "two", program, {
            "tenants:a": { value: a.bootstrap.appSecret, secret: true },
            "tenants:b": { value: b.bootstrap.appSecret, secret: true },
        });
    });

    afterAll(async () => {
        await stack?.destroy().catch(() => undefined);
        sandbox?.cleanup();
        await Promise.all([a?.close(), b?.close()]);
    });

    const clientOf = (logto: LocalLogto) => new ManagementClient({ endpoint: logto.endpoint, appId: logto.bootstrap.appId, appSecret: logto.bootstrap.appSecret }, { budget: "off" });

    it("creates each tenant's objects in that tenant, with the same natural keys in both", async () => {
        const up = await stack.up();
        // The stack, 2 providers, 4 resources per tenant.
        expect(up.summary.resourceChanges).toEqual({ create: 11 });
        const outputs = await stack.outputs();
        for (const [key, logto] of [["a", a], ["b", b]] as const) {
            const mine = outputs[key]!.value as { resourceId: string; appId: string; appSecret: string };
            const client = clientOf(logto);
            expect(await client.getResource(mine.resourceId)).toMatchObject({ name: `API ${key}`, indicator: "https://same.indicator.api" });
            expect((await client.listApplications()).map((app) => app.name)).toContain(`app-${key}`);
            expect((await client.listApplications()).map((app) => app.name)).not.toContain(`app-${key === "a" ? "b" : "a"}`);
            const grant = await client.requestAppToken(mine.appId, mine.appSecret, "https://same.indicator.api", ["read"]);
            expect(grant.scope).toEqual(["read"]);
        }
        // The app secrets are secrets in the stored state (ciphertext), as are both bootstrap secrets.
        const exported = storedState(sandbox, "logto-plugin-tenants", "two");
        for (const secret of [a.bootstrap.appSecret, b.bootstrap.appSecret, ...["a", "b"].map((k) => (outputs[k]!.value as { appSecret: string }).appSecret)]) {
            expect(exported).not.toContain(secret);
        }
    });

    it("a second up changes nothing and calls neither Logto", async () => {
        a.counters.reset();
        b.counters.reset();
        const up = await stack.up();
        expect(up.summary.resourceChanges).toEqual({ same: 11 });
        expect(a.counters.snapshot()).toMatchObject({ token: 0, api: 0 });
        expect(b.counters.snapshot()).toMatchObject({ token: 0, api: 0 });
    });

    it("destroy empties both tenants of what the stack made", async () => {
        await stack.destroy();
        for (const logto of [a, b]) {
            const client = clientOf(logto);
            expect((await client.listApplications()).filter((app) => app.name.startsWith("app-"))).toEqual([]);
            expect((await client.listResources()).filter((r) => r.indicator === "https://same.indicator.api")).toEqual([]);
        }
    });
});
