import { setTimeout as sleep } from "node:timers/promises";
import { LogtoTokenError, ManagementClient, RequestBudget } from "../../client";
import type { LocalLogto } from "../../local-logto";
import { clientFor, closeAll, fastRetry, startLogto } from "./support";

describe("the Management API token", () => {
    let logto: LocalLogto;

    beforeAll(async () => {
        logto = await startLogto();
    });

    afterAll(async () => {
        await closeAll(logto);
    });

    beforeEach(() => {
        logto.counters.reset();
        logto.setTokenTtlOverride(undefined);
    });

    test("one token request serves many calls, concurrent ones included", async () => {
        const client = clientFor(logto);
        await Promise.all(Array.from({ length: 40 }, () => client.listResources()));
        for (let i = 0; i < 10; i++) await client.getRole("nope");
        expect(client.stats()).toMatchObject({ requests: 50, tokenRequests: 1 });
        expect(logto.counters.snapshot()).toMatchObject({ token: 1, api: 50 });
    });

    test("clients of the same credentials share one token and one client per process", async () => {
        const settings = { endpoint: logto.endpoint, appId: logto.bootstrap.appId, appSecret: logto.bootstrap.appSecret };
        const shared = ManagementClient.forConnection(settings, { budget: RequestBudget.unlimited() });
        expect(ManagementClient.forConnection({ ...settings, endpoint: `${logto.endpoint}/` })).toBe(shared);
        const other = new ManagementClient(settings, { budget: RequestBudget.unlimited() });
        await Promise.all([shared.listResources(), other.listResources(), shared.listRoles()]);
        expect(logto.counters.snapshot().token).toBe(1);
    });

    test("a token is renewed shortly before it expires, without a refused call", async () => {
        logto.setTokenTtlOverride(2);
        const client = clientFor(logto);
        await client.listResources();
        await sleep(2_100);
        await client.listResources();
        expect(logto.counters.snapshot()).toMatchObject({ token: 2, api: 2 });
    });

    test("a token is renewed within its refresh margin, while Logto would still take it", async () => {
        // Management API tokens live 3600 s; the margin is 60 s. The client's clock is moved, Logto's is not.
        let now = Date.now();
        const client = clientFor(logto, { now: () => now });
        await client.listResources();
        now += (3600 - 120) * 1000;
        await client.listResources();
        expect(logto.counters.snapshot()).toMatchObject({ token: 1, api: 2 });
        now += 90 * 1000;
        await client.listResources();
        expect(logto.counters.snapshot()).toMatchObject({ token: 2, api: 3 });
        expect(client.stats()).toMatchObject({ requests: 3, tokenRequests: 2 });
    });

    test("a token the API refuses (401) is replaced once and the call repeated", async () => {
        logto.setTokenTtlOverride(2);
        // A client whose clock stands still believes its token fresh long after the server finds it expired:
        // the API answers 401 ERR_JWT_EXPIRED.
        const frozenAt = Date.now();
        const client = clientFor(logto, { now: () => frozenAt });
        await client.listResources();
        await sleep(3_100);
        await expect(client.listResources()).resolves.toBeInstanceOf(Array);
        expect(client.stats()).toMatchObject({ requests: 3, tokenRequests: 2 });
        expect(logto.counters.snapshot()).toMatchObject({ token: 2, api: 3 });
    });

    test("many calls refused with the same stale token share one refresh", async () => {
        logto.setTokenTtlOverride(2);
        const frozenAt = Date.now();
        const client = clientFor(logto, { now: () => frozenAt });
        await client.listResources();
        await sleep(3_100);
        await Promise.all(Array.from({ length: 20 }, () => client.listResources()));
        expect(client.stats().tokenRequests).toBe(2);
    });

    test("a wrong secret says to check the App ID and secret, and never shows the secret", async () => {
        const wrongSecret = "definitely-wrong-secret-123";
        const client = new ManagementClient({ endpoint: logto.endpoint, appId: logto.bootstrap.appId, appSecret: wrongSecret }, { budget: "off", retry: fastRetry });
        const error = await client.listResources().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(LogtoTokenError);
        expect(error).toMatchObject({ status: 401, oidcError: "invalid_client" });
        expect((error as Error).message).toMatch(/check the App ID and App Secret/);
        expect((error as Error).message).not.toContain(wrongSecret);
        expect(JSON.stringify(error)).not.toContain(wrongSecret);
    });

    test("an unknown management indicator points at the tenant and indicator", async () => {
        const client = clientFor(logto, {});
        const wrong = new ManagementClient({ ...client.connection, managementIndicator: "https://other.logto.app/api" }, { budget: "off", retry: fastRetry });
        const error = await wrong.listResources().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(LogtoTokenError);
        expect(error).toMatchObject({ status: 400, oidcError: "invalid_target" });
        expect((error as Error).message).toMatch(/management indicator and the tenant/);
    });

    test("an app without the Management API role is told which role it needs", async () => {
        const admin = clientFor(logto);
        const app = await admin.createApplication({ name: "no-access" });
        const [secret] = await admin.listApplicationSecrets(app.id);
        const client = new ManagementClient({ endpoint: logto.endpoint, appId: app.id, appSecret: secret!.value }, { budget: "off", retry: fastRetry });
        const error = await client.listResources().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(LogtoTokenError);
        expect((error as Error).message).toMatch(/give the app the "Logto Management API access" role/);
        expect((error as Error).message).not.toContain(secret!.value);
        await admin.deleteApplication(app.id);
    });
});
