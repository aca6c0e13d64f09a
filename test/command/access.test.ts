import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { dispatch } from "../../command/dispatch";
import { subcommands } from "../../command/subcommands";
import { repoRoot } from "../support/engine";

let dir: string;
beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "logto-m2m-access-"));
    writeFileSync(path.join(dir, "main.yaml"), `resources:
  - { name: Shopping API, indicator: https://shopping.api, permissions: [read:products, write:products] }
roles:
  - { name: reader, permissions: [{ resource: https://shopping.api, permissions: [read:products] }] }
apps:
  - { name: storefront, roles: [reader] }
`);
    writeFileSync(path.join(dir, "pr.yaml"), `resources:
  - { name: Shopping API, indicator: https://shopping.api, permissions: [read:products, write:products] }
roles:
  - { name: reader, permissions: [{ resource: https://shopping.api, permissions: [read:products, write:products] }] }
apps:
  - { name: storefront, roles: [reader] }
`);
    writeFileSync(path.join(dir, "bad.yaml"), "apps:\n  - { name: a, roles: [a, a] }\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await dispatch(args, subcommands, { streams: { out: (t) => void out.push(t), progress: (t) => void err.push(t) }, env: {}, cwd: dir });
    return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("logto-m2m access", () => {
    test("a spec's matrix exits 0", async () => {
        const r = await run(["access", "main.yaml"]);
        expect(r).toMatchObject({ code: 0, err: "" });
        expect(r.out).toContain("storefront  (roles: reader)\n  read:products on https://shopping.api (Shopping API) via reader");
    });

    test("--base: exit 1 with what changes; 0 and 'No access changes.' when nothing does", async () => {
        const changed = await run(["access", "pr.yaml", "--base", "main.yaml", "--format", "markdown"]);
        expect(changed.code).toBe(1);
        expect(changed.out).toContain("| storefront | ➕ gains | `write:products` | Shopping API (`https://shopping.api`) | reader |");
        const same = await run(["access", "main.yaml", "--base", "main.yaml"]);
        expect(same).toMatchObject({ code: 0, out: "Access changes: main.yaml -> main.yaml\n\nNo access changes." });
        const json = JSON.parse((await run(["access", "pr.yaml", "--base", "main.yaml", "--format", "json"])).out) as { changes: boolean; appsChanged: Array<{ app: string }> };
        expect(json.changes).toBe(true);
        expect(json.appsChanged.map((c) => c.app)).toEqual(["storefront"]);
    });

    test("the base from stdin (git show origin/main:m2m.yaml | logto-m2m access m2m.yaml --base -)", () => {
        const r = spawnSync(process.execPath, [path.join(repoRoot, "dist", "command", "main.js"), "access", "pr.yaml", "--base", "-"], { cwd: dir, input: "{}", encoding: "utf8" });
        expect(r.status).toBe(1);
        expect(r.stdout).toContain("Access changes: (stdin) -> pr.yaml");
        expect(r.stdout).toContain("storefront (new app; roles: reader)");
    });

    test("an invalid spec is exit 2 with its errors at their lines on stderr", async () => {
        const r = await run(["access", "bad.yaml"]);
        expect(r.code).toBe(2);
        expect(r.out).toBe("");
        expect(r.err).toContain("bad.yaml:2:27: error: apps[0].roles[1]: duplicate role \"a\"");
        expect(r.err).toContain("access is computed from a valid spec (logto-m2m validate bad.yaml)");
    });

    test("usage: a SPEC or --live, not both; --live without settings names them", async () => {
        expect(await run(["access"])).toMatchObject({ code: 2, err: expect.stringContaining("name a SPEC, or --live") });
        expect(await run(["access", "main.yaml", "--live"])).toMatchObject({ code: 2, err: expect.stringContaining("access SPEC --base live") });
        const live = await run(["access", "--live"]);
        expect(live.code).toBe(2);
        expect(live.err).toContain("logto:endpoint (or env LOGTO_ENDPOINT): required");
        expect(live.err).toContain("logto:appSecret (or env LOGTO_APP_SECRET)");
    });
});
