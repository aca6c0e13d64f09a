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

    test("a wrong app secret fails with a token error saying what to fix, without showing the secret", async () => {
        const wrong = "definitely-not-the-secret-0123456789";
        const stack = await fixture.stack("logto-credentials", "wrong", program, { "logto:appSecret": { value: wrong, secret: true } });
        const failure = await stack.up().then(() => undefined, (error: Error) => error);
        expect(failure?.message).toMatch(/invalid_client.*check the App ID and App Secret/s);
        expect(failure?.message).not.toContain(wrong);
        expect(failure?.message).not.toContain(fixture.target().connection.appSecret);
    });
});
