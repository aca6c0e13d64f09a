import { ApiResource } from "../../providers/apiResource";
import { useProviderFixture } from "./support";

/** What a user sees when the stack's Logto connection is missing or wrong. */
describe("credentials", () => {
    const fixture = useProviderFixture();
    const program = async () => {
        new ApiResource("api", { name: "creds", indicator: `https://${fixture.target().runId}.creds.example` });
    };

    beforeAll(() => {
        // No fallback from this process's environment: the stack config alone decides.
        Object.assign(fixture.sandbox().env, { LOGTO_ENDPOINT: "", LOGTO_APP_ID: "", LOGTO_APP_SECRET: "", LOGTO_TENANT_ID: "" });
    });

    test("a missing app secret fails the up with an error naming logto:appSecret, and nothing is created", async () => {
        const stack = await fixture.stack("logto-credentials", "missing", program);
        await stack.removeConfig("logto:appSecret");
        fixture.target().resetCounts();
        await expect(stack.up()).rejects.toThrow(/logto:appSecret \(or env LOGTO_APP_SECRET\): required/);
        const counts = fixture.target().counts();
        expect(counts).toEqual({ token: 0, api: 0, byRoute: {} });
    });

    test("a plain http:// endpoint on a host that is not loopback fails the up saying why and which setting allows it; nothing is sent", async () => {
        // 0.0.0.0 is no loopback name, yet on Linux a connection to it reaches this machine: the Logto under test.
        const endpoint = new URL(fixture.target().connection.endpoint);
        const stack = await fixture.stack("logto-credentials", "insecure", program, { "logto:endpoint": { value: `http://0.0.0.0:${endpoint.port}` } });
        fixture.target().resetCounts();
        await expect(stack.up()).rejects.toThrow(/logto:endpoint \(or env LOGTO_ENDPOINT\): plain http:\/\/ would send the bootstrap app's secret \(full Management API access\) and every token unencrypted: use https:\/\/, or allow http:\/\/ explicitly with logto:allowInsecureHttp=true/);
        const counts = fixture.target().counts();
        if (counts !== undefined) expect(counts).toEqual({ token: 0, api: 0, byRoute: {} });

        if (endpoint.protocol !== "http:" || !["127.0.0.1", "localhost"].includes(endpoint.hostname)) {
            console.log(`opt-in half not run: the Logto under test (${endpoint.origin}) is not served by plain http on this machine`);
            return;
        }
        await stack.setConfig("logto:allowInsecureHttp", { value: "true" });
        const result = await stack.up();
        // The stack itself was made by the refused up.
        expect(result.summary.resourceChanges).toEqual({ create: 1, same: 1 });
        expect(await fixture.target().client.findResourceByIndicator(`https://${fixture.target().runId}.creds.example`)).toBeDefined();
        await stack.destroy();
    });

    test("a wrong app secret fails with a token error saying what to fix, without showing the secret", async () => {
        const wrong = "definitely-not-the-secret-0123456789";
        const stack = await fixture.stack("logto-credentials", "wrong", program, { "logto:appSecret": { value: wrong, secret: true } });
        const failure = await stack.up().then(() => undefined, (error: Error) => error);
        expect(failure?.message).toMatch(/invalid_client.*check the App ID and App Secret/s);
        expect(failure?.message).not.toContain(wrong);
        expect(failure?.message).not.toContain(fixture.target().connection.appSecret);
    });
});
