import { diffAccess, hasChanges } from "../../access/diff";
import { accessFromSpec, accessMatrix, type AccessModel } from "../../access/model";
import { renderDiff, renderMatrix } from "../../access/render";
import { validateSpec, type SpecInput } from "../../spec";

const now = Date.parse("2026-01-01T00:00:00Z");
const shop = { name: "Shopping API", indicator: "https://shopping.api", permissions: ["read:products", "write:products", "delete:products"] };
const grant = (...permissions: string[]) => [{ resource: "https://shopping.api", permissions }];

function model(spec: SpecInput, source = "spec.yaml"): AccessModel {
    return accessFromSpec(validateSpec(spec, { now }), source);
}

describe("the access matrix of a spec", () => {
    const spec: SpecInput = {
        resources: [shop],
        roles: [
            { name: "reader", permissions: grant("read:products") },
            { name: "editor", permissions: grant("read:products", "write:products") },
            { name: "admin", permissions: [{ resource: "management", permissions: ["all"] }] },
        ],
        apps: [
            { name: "storefront", roles: ["reader"] },
            { name: "sync", roles: ["reader", "editor"] },
            { name: "bot", roles: ["Logto Management API access"] },
            { name: "ops", roles: ["admin", "team-role"] },
            { name: "idle" },
        ],
    };

    test("each app's permissions on each resource, through which roles; all on the Management API is full tenant control", () => {
        const m = accessMatrix(model(spec));
        const rows = m.apps.map((a) => [a.app, a.holdings.map((h) => `${h.permission}@${h.resource} via ${h.via.join("+")}${h.fullTenantControl ? " FULL" : ""}`), a.unknownRoles]);
        expect(rows).toEqual([
            ["bot", ["all@https://default.logto.app/api via Logto Management API access FULL"], []],
            ["idle", [], []],
            ["ops", ["all@https://default.logto.app/api via admin FULL"], ["team-role"]],
            ["storefront", ["read:products@https://shopping.api via reader"], []],
            ["sync", ["read:products@https://shopping.api via editor+reader", "write:products@https://shopping.api via editor"], []],
        ]);
        expect(m.unheld).toEqual([{ resource: "https://shopping.api", permission: "delete:products" }]);
    });

    test("text and markdown say it in words; the markdown table escapes names", () => {
        const text = renderMatrix(accessMatrix(model(spec)), "text");
        expect(text).toContain("  all on https://default.logto.app/api (Logto Management API) via Logto Management API access  [FULL TENANT CONTROL]");
        expect(text).toContain("  read:products on https://shopping.api (Shopping API) via editor, reader");
        expect(text).toContain("  ? role team-role: not declared in the spec, its permissions are in Logto");
        const md = renderMatrix(accessMatrix(model({ ...spec, apps: [{ name: "evil | <img src=x> **bold**", roles: ["reader"] }] })), "markdown");
        expect(md).toContain("| evil \\| \\<img src=x\\> \\*\\*bold\\*\\* | `read:products` | Shopping API (`https://shopping.api`) | reader |");
        expect(md.split("\n").filter((l) => l.startsWith("| evil")).map((l) => l.split(/(?<!\\)\|/).length)).toEqual([6]);
    });

    test("mermaid draws apps -> roles -> permissions -> resources, each thing once", () => {
        const mm = renderMatrix(accessMatrix(model(spec)), "mermaid");
        expect(mm.split("\n")[0]).toBe("```mermaid");
        expect(mm).toContain("flowchart LR");
        expect(mm.match(/\{\{"read:products"\}\}/g)).toHaveLength(1);
        expect(mm).toMatch(/perm\d+\{\{"all: full tenant control"\}\}/);
        expect(mm).toMatch(/class perm\d+ full/);
    });
});

describe("what a change of the spec does to access", () => {
    const base: SpecInput = {
        resources: [shop],
        roles: [
            { name: "reader", permissions: grant("read:products") },
            { name: "editor", permissions: grant("read:products", "write:products") },
            { name: "legacy", permissions: grant("delete:products") },
        ],
        apps: [
            { name: "both", roles: ["reader", "editor"] },
            { name: "editor-only", roles: ["editor"] },
            { name: "reader-only", roles: ["reader"] },
            { name: "cleaner", roles: ["legacy"] },
        ],
    };

    test("a permission moved between roles: no change for an app that holds both; the others gain and lose it", () => {
        // write:products moves from editor to reader.
        const head: SpecInput = { ...base, roles: [{ name: "reader", permissions: grant("read:products", "write:products") }, { name: "editor", permissions: grant("read:products") }, base.roles![2]!] };
        const d = diffAccess(model(base, "main"), model(head, "pr"));
        expect(d.appsChanged.map((c) => c.app)).toEqual(["editor-only", "reader-only"]);
        expect(d.appsChanged.map((c) => [c.app, c.gained.map((h) => `${h.permission} via ${h.via}`), c.lost.map((h) => `${h.permission} via ${h.via}`)])).toEqual([
            ["editor-only", [], ["write:products via editor"]],
            ["reader-only", ["write:products via reader"], []],
        ]);
        expect(d.rolesChanged).toEqual([
            { role: "reader", gained: [{ resource: "https://shopping.api", permission: "write:products" }], lost: [] },
            { role: "editor", gained: [], lost: [{ resource: "https://shopping.api", permission: "write:products" }] },
        ]);
        expect(d.noLongerHeld).toEqual([]);
        expect(d).toMatchObject({ appsAdded: [], appsRemoved: [], rolesAdded: [], rolesRemoved: [] });
        const text = renderDiff(d, "text");
        expect(text).not.toMatch(/^both/m);
        expect(text).toContain("editor-only\n  - write:products on https://shopping.api (Shopping API) via editor");
    });

    test("apps and roles added and removed, and permissions no app holds any more", () => {
        const head: SpecInput = {
            resources: [shop],
            roles: [base.roles![0]!, base.roles![1]!, { name: "auditor", permissions: grant("read:products") }],
            apps: [base.apps![0]!, base.apps![1]!, base.apps![2]!, { name: "audit", roles: ["auditor"] }],
        };
        const d = diffAccess(model(base, "main"), model(head, "pr"));
        expect(d.appsAdded.map((c) => [c.app, c.gained.map((h) => h.permission)])).toEqual([["audit", ["read:products"]]]);
        expect(d.appsRemoved.map((c) => [c.app, c.lost.map((h) => h.permission)])).toEqual([["cleaner", ["delete:products"]]]);
        expect(d).toMatchObject({ rolesAdded: ["auditor"], rolesRemoved: ["legacy"], appsChanged: [], rolesChanged: [] });
        expect(d.noLongerHeld).toEqual([{ resource: "https://shopping.api", permission: "delete:products" }]);
        const md = renderDiff(d, "markdown");
        expect(md).toContain("| audit (new app) | ➕ gains | `read:products` | Shopping API (`https://shopping.api`) | auditor |");
        expect(md).toContain("| cleaner (app removed) | ➖ loses | `delete:products` | Shopping API (`https://shopping.api`) | legacy |");
        expect(md).toContain("**Roles added:** auditor");
        expect(md).toContain("**Roles removed:** legacy");
        expect(md).toContain("**No app holds any more:** `delete:products` on Shopping API (`https://shopping.api`)");
    });

    test("an app that gains the Management API's all is called out first as full tenant control", () => {
        const head: SpecInput = { ...base, apps: [...base.apps!.slice(0, 3), { name: "cleaner", roles: ["legacy", "Logto Management API access"] }] };
        const d = diffAccess(model(base, "main"), model(head, "pr"));
        expect(d.appsChanged.map((c) => [c.app, c.rolesAdded, c.gained.map((h) => h.permission)])).toEqual([["cleaner", ["Logto Management API access"], ["all"]]]);
        // Logto's built-in role is referenced, never created: no role is added.
        expect(d.rolesAdded).toEqual([]);
        const md = renderDiff(d, "markdown");
        expect(md.split("\n")[4]).toBe("> ⚠️ **cleaner gains full tenant control** (`all` on the Management API)");
        expect(renderDiff(d, "text")).toContain("  + all on https://default.logto.app/api (Logto Management API) via Logto Management API access  [FULL TENANT CONTROL]");
        expect(renderDiff(d, "mermaid")).toMatch(/app\d+ == gains ==> role\d+/);
    });

    test("a role change with the same permissions is a change of roles, not of access", () => {
        const head: SpecInput = { ...base, roles: [...base.roles!, { name: "reader2", permissions: grant("read:products") }], apps: [{ name: "both", roles: ["reader2", "editor"] }, ...base.apps!.slice(1)] };
        const d = diffAccess(model(base, "main"), model(head, "pr"));
        expect(d.appsChanged).toEqual([{ app: "both", gained: [], lost: [], rolesAdded: ["reader2"], rolesRemoved: ["reader"], unknownRoles: [] }]);
        expect(renderDiff(d, "markdown")).toContain("| both | roles | + reader2, − reader |  | (same permissions) |");
    });

    test("the same spec: no change", () => {
        const d = diffAccess(model(base, "main"), model(base, "pr"));
        expect(hasChanges(d)).toBe(false);
        expect(renderDiff(d, "text")).toBe("Access changes: main -> pr\n\nNo access changes.");
        expect(JSON.parse(renderDiff(d, "json"))).toMatchObject({ changes: false, appsChanged: [] });
    });
});

describe("a spec against its tenant (--base live)", () => {
    const tenant = (apps: Array<{ name: string; id: string; roles: string[] }>): AccessModel => ({
        source: "live",
        managementIndicator: "https://default.logto.app/api",
        resources: [{ indicator: "https://shopping.api", name: "Shopping API", permissions: ["read:products", "write:products", "delete:products"] }],
        roles: [{ name: "reader", grants: grant("read:products") }, { name: "editor", grants: grant("read:products", "write:products") }],
        apps,
    });
    const spec: SpecInput = {
        resources: [shop],
        roles: [{ name: "reader", permissions: grant("read:products") }, { name: "editor", permissions: grant("read:products", "write:products") }],
        apps: [{ name: "sync", roles: ["editor"], adoptId: "id2" }],
    };

    test("the app a spec app adopts is compared with it, whatever their names; another app of the same name stays untouched", () => {
        const live = tenant([{ name: "sync", id: "id1", roles: ["editor"] }, { name: "sync", id: "id2", roles: ["reader"] }, { name: "other", id: "id3", roles: ["editor"] }]);
        const d = diffAccess(live, model(spec), { headNamesWhatChanges: true });
        expect(d.appsChanged.map((c) => [c.app, c.gained.map((h) => h.permission), c.rolesAdded, c.rolesRemoved])).toEqual([["sync", ["write:products"], ["editor"], ["reader"]]]);
        expect(d).toMatchObject({ appsAdded: [], appsRemoved: [], rolesAdded: [], rolesRemoved: [], noLongerHeld: [] });
        expect(d.untouched.apps).toEqual(["other", "sync (id1)"]);
    });

    test("without adoptId, the only tenant app of a name is the spec's app of that name", () => {
        const live = tenant([{ name: "sync", id: "id9", roles: ["editor"] }]);
        expect(hasChanges(diffAccess(live, model({ ...spec, apps: [{ name: "sync", roles: ["editor"] }] }), { headNamesWhatChanges: true }))).toBe(false);
    });
});
