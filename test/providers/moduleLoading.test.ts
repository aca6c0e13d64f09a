import { execFileSync } from "node:child_process";
import { repoRoot } from "../support/engine";

/**
 * What the dynamic-provider host loads per run: it requires a provider by package name for every check and diff,
 * which is all a preview does. The HTTP stack (undici and the client) is needed only once a provider connects to
 * Logto, so a preview's host does not pay for loading it.
 */
test("the providers load without the HTTP client; the first connection loads it", () => {
    const script = `
        const loaded = () => Object.keys(require.cache).filter((f) => /node_modules[\\\\/]undici[\\\\/]/.test(f)).length;
        for (const name of ["apiResource", "apiScope", "applicationSecret", "m2mApplication", "m2mRole", "lookups", "stackIdentity",
            "organizationScope", "organizationRole", "organization", "organizationApplication"]) {
            require("pulumi-logto-m2m/providers/" + name);
        }
        const beforeConnect = loaded();
        // logtoApi is internal (not an export of the package): by its file.
        require("./dist/providers/logtoApi").connect({ endpoint: "http://127.0.0.1:9", appId: "a", appSecret: "s" });
        console.log(JSON.stringify({ beforeConnect, afterConnect: loaded() }));
    `;
    const { beforeConnect, afterConnect } = JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: repoRoot, encoding: "utf8" })) as Record<string, number>;
    expect(beforeConnect).toBe(0);
    expect(afterConnect).toBeGreaterThan(0);
});
