import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { dispatch } from "../../command/dispatch";
import { subcommands } from "../../command/subcommands";
import { validateSpecFile } from "../../command/validate";
import { parseSpecYaml } from "../../spec";
import { repoRoot } from "../support/engine";
import { specReferenceMistakes, specShapeMistakes } from "../support/badSpecs";
import { misplaced } from "../support/specText";

let dir: string;
beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "logto-m2m-validate-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
    writeFileSync(path.join(dir, name), text);
    return name;
}

async function run(args: string[], env: NodeJS.ProcessEnv = {}) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await dispatch(args, subcommands, { streams: { out: (t) => void out.push(t), progress: (t) => void err.push(t) }, env, cwd: dir });
    return { code, out: out.join("\n"), err: err.join("\n") };
}

// Mistakes on known lines and columns, in block and flow style.
const knownLines = `# a spec with mistakes on known lines
resources:
  - name: Shopping API
    indicator: https://shopping.api
    accessTokenTtl: "3600"
    permissions:
      - read:products
      - read products
roles:
  - name: reader
    permisions: []
  - name: writer
    permissions:
      - resource: https://shoping.api
        permissions: [write:products]
apps:
  - name: storefront
    roles: [reader, reader]
    secrets:
      - { name: ci, expiresAt: 2001-01-01 }
`;

// Mistakes in the organizations part: shape errors, and the cross-references of its well-shaped entries too.
const organizationLines = `# organization mistakes on known lines
resources:
  - { name: Shopping API, indicator: https://shopping.api, permissions: [read:products] }
apps:
  - name: billing-bot
organizations:
  permissions:
    - read:orders
    - read orders
  roles:
    - name: order-reader
      permissions: [read:order]
      resources:
        - { resource: https://shoping.api, permissions: [read:products] }
    - name: order-reader
      permisions: []
  list:
    - name: Acme
      apps:
        - { app: billing-bott, roles: [order-reader] }
        - { app: billing-bot, roles: [order-writer] }
    - id: org-1
      name: Globex
    - id: org-2
      description: only for managed ones
    - {}
`;

describe("logto-m2m validate", () => {
    test("reports every error at once, each at its line and column", async () => {
        const r = await run(["validate", file("known.yaml", knownLines)]);
        expect(r.code).toBe(1);
        expect(r.out.split("\n")).toEqual([
            "known.yaml:5:21: error: resources[0].accessTokenTtl: accessTokenTtl must be a number of seconds",
            "known.yaml:8:9: error: resources[0].permissions[1].name: a permission name must not contain whitespace",
            "known.yaml:11:5: error: roles[0]: unknown key \"permisions\"",
            "known.yaml:14:19: error: roles[1].permissions[0].resource: unknown resource \"https://shoping.api\" (declared: https://shopping.api, or \"management\")",
            "known.yaml:18:21: error: apps[0].roles[1]: duplicate role \"reader\" (first at apps[0].roles[0])",
            expect.stringMatching(/^known\.yaml:20:32: error: apps\[0\]\.secrets\[0\]\.expiresAt: 2001-01-01T00:00:00\.000Z is in the past/),
            "known.yaml: 6 errors",
        ]);
        expect(r.err).toBe("");
    });

    test("the organizations part: every error at its line and column, references of well-shaped entries beside shape errors", async () => {
        const r = await run(["validate", file("orgs.yaml", organizationLines)]);
        expect(r.code).toBe(1);
        expect(r.out.split("\n")).toEqual([
            "orgs.yaml:9:7: error: organizations.permissions[1].name: an organization permission name must not contain whitespace",
            'orgs.yaml:16:7: error: organizations.roles[1]: unknown key "permisions"',
            "orgs.yaml:22:11: error: organizations.list[1].id: give an existing organization by id or by name, not both",
            "orgs.yaml:25:20: error: organizations.list[2].description: description belongs to organizations the stack manages; an existing one is only referenced",
            "orgs.yaml:26:7: error: organizations.list[3].name: an organization needs a name (or the id of an existing one)",
            'orgs.yaml:12:21: error: organizations.roles[0].permissions[0]: unknown organization permission "read:order" (declared under organizations.permissions: read:orders)',
            'orgs.yaml:14:23: error: organizations.roles[0].resources[0].resource: unknown resource "https://shoping.api" (declared: https://shopping.api, or "management")',
            'orgs.yaml:20:18: error: organizations.list[0].apps[0].app: unknown app "billing-bott" (declared under apps: billing-bot)',
            'orgs.yaml:21:39: error: organizations.list[0].apps[1].roles[0]: unknown organization role "order-writer" (declared under organizations.roles: order-reader)',
            "orgs.yaml: 9 errors",
        ]);
        // A broken entry's name still counts as declared: no second error for a reference to it.
        const broken = await run(["validate", file("orgs-broken.yaml", "apps: [{ name: bot }]\norganizations:\n  permissions: [\"read orders\"]\n  roles:\n    - { name: reader, permissions: [\"read orders\"] }\n    - { name: writer, typo: 1 }\n  list:\n    - { name: Acme, apps: [{ app: bot, roles: [writer] }] }\n")]);
        expect(broken.out.split("\n")).toEqual([
            "orgs-broken.yaml:3:17: error: organizations.permissions[0].name: an organization permission name must not contain whitespace",
            'orgs-broken.yaml:6:23: error: organizations.roles[1]: unknown key "typo"',
            "orgs-broken.yaml: 2 errors",
        ]);
    });

    test("--format github prints workflow annotations on those lines, the file relative to the checkout", async () => {
        const r = await run(["validate", "--format", "github", path.join(dir, "known.yaml")], { GITHUB_WORKSPACE: path.dirname(dir) });
        expect(r.code).toBe(1);
        const lines = r.out.split("\n");
        expect(lines[0]).toBe(`::error file=${path.basename(dir)}/known.yaml,line=5,col=21,title=logto-m2m validate::resources[0].accessTokenTtl: accessTokenTtl must be a number of seconds`);
        expect(lines.filter((l) => l.startsWith("::error ")).map((l) => /line=(\d+),col=(\d+)/.exec(l)!.slice(1).join(":"))).toEqual(["5:21", "8:9", "11:5", "14:19", "18:21", "20:32"]);
    });

    test("--format json gives each file's errors with path, message, line and column", async () => {
        const r = await run(["validate", "--format", "json", "known.yaml", path.relative(dir, path.join(repoRoot, "examples", "platform-repo", "m2m.yaml"))]);
        expect(r.code).toBe(1);
        const report = JSON.parse(r.out) as { files: Array<{ file: string; valid: boolean; errors: Array<{ path: string; line: number; column: number }>; counts?: unknown }> };
        expect(report.files.map((f) => f.valid)).toEqual([false, true]);
        expect(report.files[0]!.errors[2]).toEqual({ path: "roles[0]", message: 'unknown key "permisions"', line: 11, column: 5 });
        expect(report.files[1]!.counts).toEqual({ resources: 1, roles: 2, apps: 3 });
    });

    test("a valid spec exits 0; an undeclared role other than Logto's built-in one is a warning at its line", async () => {
        const example = await run(["validate", path.join(repoRoot, "examples", "platform-repo", "m2m.yaml")]);
        expect(example).toMatchObject({ code: 0, err: "" });
        expect(example.out).toMatch(/m2m\.yaml: valid \(1 resource, 2 roles, 3 apps\)$/);
        const typo = await run(["validate", file("typo.yaml", "apps:\n  - name: bot\n    roles: [Logto Management API access, shoping-reader]\n")]);
        expect(typo.code).toBe(0);
        expect(typo.out.split("\n")).toEqual([
            'typo.yaml:3:42: warning: apps[0].roles[1]: role "shoping-reader" is not declared under roles: it must exist in Logto as a machine-to-machine role (pulumi preview checks it)',
            "typo.yaml: valid (0 resources, 0 roles, 1 app)",
        ]);
    });

    test("a YAML syntax error is placed where the parser stopped; an unreadable file exits 2", async () => {
        const syntax = await run(["validate", file("syntax.yaml", "resources:\n  - name: [unclosed\n")]);
        expect(syntax.code).toBe(1);
        expect(syntax.out).toMatch(/^syntax\.yaml:\d+:\d+: error: line \d+, column \d+: /);
        const missing = await run(["validate", "known.yaml", "nope.yaml"]);
        expect(missing.code).toBe(2);
        expect(missing.err).toMatch(/cannot read nope\.yaml: ENOENT/);
        expect(missing.out).toContain("known.yaml: 6 errors");
    });

    test("the Management API of a Logto Cloud tenant: --tenant-id, or LOGTO_TENANT_ID", async () => {
        const spec = file("cloud.yaml", "roles:\n  - name: admin\n    permissions: [{ resource: https://abc123.logto.app/api, permissions: [all] }]\n");
        expect((await run(["validate", spec])).code).toBe(1);
        expect((await run(["validate", spec, "--tenant-id", "abc123"])).code).toBe(0);
        expect((await run(["validate", spec], { LOGTO_TENANT_ID: "abc123" })).code).toBe(0);
    });

    test("no spec is a usage error", async () => {
        expect(await run(["validate"])).toMatchObject({ code: 2, err: expect.stringContaining("missing arguments") });
    });
});

describe("the bad-spec matrix through validate: every error with its line", () => {
    for (const [what, mistakes] of [["shape", specShapeMistakes], ["references", specReferenceMistakes]] as const) {
        test(`spec (${what}): each kind is reported, every error at the node its path names`, () => {
            const text = stringify(mistakes.spec, { lineWidth: 0 });
            const report = validateSpecFile(file(`${what}.yaml`, text), dir);
            const lines = report.errors.map((e) => `${e.path}: ${e.message}`);
            const missing = Object.entries(mistakes.paths).filter(([, p]) => !lines.some((l) => l.includes(p))).map(([kind]) => kind);
            expect(missing).toEqual([]);
            const loaded = parseSpecYaml(text, what);
            const wrong = report.errors.map((e) => {
                const key = /^unknown keys? "([^"]+)"/.exec(e.message)?.[1];
                // The report's position is the one locate gives; the text there must be the node of the path.
                expect(loaded.locate?.(e.path, key)).toEqual({ line: e.line, column: e.column });
                return misplaced(text, mistakes.spec, e.path, key, e.line === undefined ? undefined : { line: e.line, column: e.column! });
            }).filter((m) => m !== undefined);
            expect(wrong).toEqual([]);
            expect(report.errors.length).toBeGreaterThanOrEqual(Object.keys(mistakes.paths).length);
        });
    }
});
