import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { decodeJwtPart } from "./support";
import { useContractTarget } from "./target";

/**
 * curl, as a user would type it; the test is skipped where curl is not installed. Asynchronous: the server runs
 * in this process and must keep answering while curl waits.
 */
async function curl(args: string[]): Promise<{ status: number; body: string }> {
    const { stdout: out } = await promisify(execFile)("curl", ["-sS", "-w", "\n%{http_code}", ...args], { encoding: "utf8" });
    const cut = out.lastIndexOf("\n");
    return { status: Number(out.slice(cut + 1)), body: out.slice(0, cut) };
}
const hasCurl = (() => {
    try {
        execFileSync("curl", ["--version"], { stdio: "ignore" });
        return true;
    } catch {
        return false;
    }
})();
const describeWithCurl = hasCurl ? describe : describe.skip;

describeWithCurl("the seed's flow with curl", () => {
    const logto = useContractTarget();
    const token = async (appId: string, secret: string, resource: string, scope: string) => {
        const result = await curl([
            "-u", `${appId}:${secret}`,
            "-d", "grant_type=client_credentials",
            "--data-urlencode", `resource=${resource}`,
            "--data-urlencode", `scope=${scope}`,
            `${logto().endpoint}/oidc/token`,
        ]);
        expect(result.status).toBe(200);
        return JSON.parse(result.body) as { access_token: string; scope?: string };
    };
    const api = async (bearer: string, method: string, apiPath: string, body?: unknown) => {
        const args = ["-X", method, "-H", `Authorization: Bearer ${bearer}`];
        if (body !== undefined) args.push("-H", "Content-Type: application/json", "-d", JSON.stringify(body));
        const result = await curl([...args, `${logto().endpoint}${apiPath}`]);
        return { status: result.status, body: result.body ? JSON.parse(result.body) : undefined };
    };

    it("gets a Management API token with Basic auth and scope=all, then lists applications with it", async () => {
        const { bootstrap, managementIndicator } = logto();
        const granted = await token(bootstrap.appId, bootstrap.appSecret, managementIndicator, "all");
        expect(granted.scope).toBe("all");
        const apps = await api(granted.access_token, "GET", "/api/applications");
        expect(apps.status).toBe(200);
        expect(apps.body.map((a: { id: string }) => a.id)).toContain(bootstrap.appId);
    });

    it("gives an app holding read:products and write:products on https://shopping.api a token with exactly those", async () => {
        const { bootstrap, managementIndicator } = logto();
        const admin = (await token(bootstrap.appId, bootstrap.appSecret, managementIndicator, "all")).access_token;
        const resource = (await api(admin, "POST", "/api/resources", { name: "Shopping API", indicator: logto().indicator("shopping") })).body;
        const read = (await api(admin, "POST", `/api/resources/${resource.id}/scopes`, { name: "read:products" })).body;
        const write = (await api(admin, "POST", `/api/resources/${resource.id}/scopes`, { name: "write:products" })).body;
        const role = (await api(admin, "POST", "/api/roles", { name: logto().name("Shopping service"), description: "Reads and writes products", type: "MachineToMachine", scopeIds: [read.id, write.id] })).body;
        const app = (await api(admin, "POST", "/api/applications", { name: logto().name("Shopping backend"), type: "MachineToMachine" })).body;
        expect((await api(admin, "POST", `/api/applications/${app.id}/roles`, { roleIds: [role.id] })).status).toBe(201);
        const secret = (await api(admin, "GET", `/api/applications/${app.id}/secrets`)).body[0].value as string;

        const shopping = await token(app.id, secret, logto().indicator("shopping"), "read:products write:products");
        expect(shopping.scope).toBe("read:products write:products");
        expect(decodeJwtPart(shopping.access_token, 1)).toMatchObject({ scope: "read:products write:products", aud: logto().indicator("shopping"), sub: app.id });
    });
});
