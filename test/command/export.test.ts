import { dispatch } from "../../command/dispatch";
import { subcommands } from "../../command/subcommands";

// The command's own conventions; the export itself and its round trip through `pulumi up` are in
// test/tenant/exportRoundTrip.test.ts.
async function run(args: string[], env: NodeJS.ProcessEnv = {}) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await dispatch(args, subcommands, { streams: { out: (t) => void out.push(t), progress: (t) => void err.push(t) }, env, cwd: "/" });
    return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("logto-m2m export", () => {
    test("--help says what it writes, its options and exit codes", async () => {
        const help = await run(["export", "--help"]);
        expect(help.code).toBe(0);
        expect(help.out).toContain("Usage: logto-m2m export [--out FILE] [--match TEXT]");
        expect(help.out).toContain("never a secret value");
        expect(help.out).toContain("yaml, json (default yaml)");
    });

    test("without the bootstrap app's settings it exits 2 naming each setting, and never echoes a value", async () => {
        const missing = await run(["export"]);
        expect(missing.code).toBe(2);
        expect(missing.out).toBe("");
        expect(missing.err).toContain("logto:endpoint (or env LOGTO_ENDPOINT): required");
        expect(missing.err).toContain("logto:appSecret (or env LOGTO_APP_SECRET)");
        const plain = await run(["export"], { LOGTO_ENDPOINT: "http://logto.example.com", LOGTO_APP_ID: "bootstrap", LOGTO_APP_SECRET: "s3cr3t-value" });
        expect(plain.code).toBe(2);
        expect(plain.err).toMatch(/logto:endpoint .*http/);
        expect(plain.err).not.toContain("s3cr3t-value");
    });

    test("an unreachable endpoint exits 2 naming the setting to check", async () => {
        const r = await run(["export"], { LOGTO_ENDPOINT: "http://127.0.0.1:9", LOGTO_APP_ID: "bootstrap", LOGTO_APP_SECRET: "s3cr3t-value" });
        expect(r.code).toBe(2);
        expect(r.err).toContain("check logto:endpoint (env LOGTO_ENDPOINT)");
        expect(r.err).not.toContain("s3cr3t-value");
    });
});
