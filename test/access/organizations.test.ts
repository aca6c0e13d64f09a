import { diffAccess, hasChanges } from "../../access/diff";
import { accessFromSpec, accessFromTenant, accessMatrix, type AccessModel } from "../../access/model";
import { renderDiff, renderMatrix } from "../../access/render";
import { validateSpec, type SpecInput } from "../../spec";

// Organization-level access: per app, per organization, the organization permissions and the API permissions it
// holds there and through which organization roles.
const now = Date.parse("2026-01-01T00:00:00Z");
const shop = { name: "Shopping API", indicator: "https://shopping.api", permissions: ["read:products", "write:products"] };
const orgRole = (name: string, permissions: string[], api: string[] = []) =>
    ({ name, permissions, resources: api.length === 0 ? [] : [{ resource: "https://shopping.api", permissions: api }] });

const base: SpecInput = {
    resources: [shop],
    apps: [{ name: "billing-bot" }, { name: "sync" }],
    organizations: {
        permissions: ["read:orders", "write:orders", "read:invoices"],
        roles: [
            orgRole("order-reader", ["read:orders"], ["read:products"]),
            orgRole("order-writer", ["read:orders", "write:orders"], ["write:products"]),
            orgRole("accountant", ["read:invoices"]),
        ],
        list: [
            { name: "Acme", apps: [{ app: "billing-bot", roles: ["order-reader", "accountant"] }, { app: "sync", roles: ["order-writer"] }] },
            { name: "Globex", apps: [{ app: "billing-bot", roles: ["accountant"] }] },
            { id: "org-existing-1", apps: [{ app: "sync", roles: ["order-reader"] }] },
        ],
    },
};

function model(spec: SpecInput, source = "spec.yaml"): AccessModel {
    return accessFromSpec(validateSpec(spec, { now }), source);
}

const rows = (m: AccessModel) => accessMatrix(m).apps.map((a) => [a.app, (a.organizations ?? []).map((o) =>
    [o.organization, o.roles.join("+"), o.holdings.map((h) => `${h.permission}@${h.resource ?? "org"} via ${h.via.join("+")}`)])]);

describe("organization access of a spec", () => {
    test("per app and organization: organization permissions and API permissions, through which organization roles", () => {
        expect(rows(model(base))).toEqual([
            ["billing-bot", [
                ["Acme", "accountant+order-reader", ["read:invoices@org via accountant", "read:orders@org via order-reader", "read:products@https://shopping.api via order-reader"]],
                ["Globex", "accountant", ["read:invoices@org via accountant"]],
            ]],
            ["sync", [
                ["Acme", "order-writer", ["read:orders@org via order-writer", "write:orders@org via order-writer", "write:products@https://shopping.api via order-writer"]],
                ["org-existing-1", "order-reader", ["read:orders@org via order-reader", "read:products@https://shopping.api via order-reader"]],
            ]],
        ]);
    });

    test("every format shows it", () => {
        const m = accessMatrix(model(base));
        const text = renderMatrix(m, "text");
        expect(text).toContain("  in organization Acme (organization roles: accountant, order-reader)\n    read:invoices (organization permission) via accountant\n    read:orders (organization permission) via order-reader\n    read:products on https://shopping.api (Shopping API) via order-reader");
        const md = renderMatrix(m, "markdown");
        expect(md).toContain("| App | Organization | Permission | API resource | Through organization roles |");
        expect(md).toContain("| billing-bot | Acme | `read:orders` | (organization permission) | order-reader |");
        expect(md).toContain("| sync | org-existing-1 | `read:products` | Shopping API (`https://shopping.api`) | order-reader |");
        const mm = renderMatrix(m, "mermaid");
        expect(mm).toMatch(/org\d+\(\["order-reader in Acme"\]\)/);
        expect(mm.match(/\{\{"read:orders \(organization permission\)"\}\}/g)).toHaveLength(1);
        const json = JSON.parse(renderMatrix(m, "json")) as ReturnType<typeof accessMatrix>;
        expect(json.apps[0]!.organizations![1]).toEqual({ organization: "Globex", roles: ["accountant"], holdings: [{ permission: "read:invoices", via: ["accountant"] }] });
    });
});

describe("organization access changes", () => {
    const changed: SpecInput = {
        ...base,
        organizations: {
            ...base.organizations,
            // order-reader's read:orders moves to a new role that billing-bot holds beside it: no net change there.
            roles: [
                orgRole("order-reader", [], ["read:products"]),
                orgRole("order-writer", ["read:orders", "write:orders"], ["write:products"]),
                orgRole("accountant", ["read:invoices"]),
                orgRole("order-viewer", ["read:orders"]),
            ],
            list: [
                { name: "Acme", apps: [{ app: "billing-bot", roles: ["order-reader", "order-viewer", "accountant"] }, { app: "sync", roles: ["order-writer"] }] },
                { name: "Initech", apps: [{ app: "billing-bot", roles: ["accountant"] }] },
                { id: "org-existing-1", apps: [{ app: "sync", roles: ["order-reader"] }] },
            ],
        },
    };

    test("memberships added and removed, grants gained and lost per organization; a permission moved between held roles is no change", () => {
        const d = diffAccess(model(base, "main.yaml"), model(changed, "pr.yaml"));
        expect(hasChanges(d)).toBe(true);
        expect(d.appsChanged.map((c) => [c.app, c.organizations!.map((o) => [o.organization, o.joined ? "joins" : o.left ? "leaves" : "in",
            o.gained.map((h) => `+${h.permission}@${h.resource ?? "org"}`), o.lost.map((h) => `-${h.permission}@${h.resource ?? "org"}`), o.rolesAdded, o.rolesRemoved])])).toEqual([
            ["billing-bot", [
                ["Acme", "in", [], [], ["order-viewer"], []],
                ["Globex", "leaves", [], ["-read:invoices@org"], [], ["accountant"]],
                ["Initech", "joins", ["+read:invoices@org"], [], ["accountant"], []],
            ]],
            // sync lost read:orders in org-existing-1: order-reader no longer grants it.
            ["sync", [["org-existing-1", "in", [], ["-read:orders@org"], [], []]]],
        ]);
        expect(d).toMatchObject({ organizationsAdded: ["Initech"], organizationsRemoved: ["Globex"], organizationRolesAdded: ["order-viewer"], organizationRolesRemoved: [] });
        const text = renderDiff(d, "text");
        expect(text).toContain("  + joins organization Initech (organization roles: accountant)\n    + read:invoices (organization permission) via accountant");
        expect(text).toContain("  - leaves organization Globex (organization roles: accountant)\n    - read:invoices (organization permission) via accountant");
        expect(text).toContain("  in organization org-existing-1\n    - read:orders (organization permission) via order-reader");
        expect(text).toContain("Organizations added: Initech");
        const md = renderDiff(d, "markdown");
        expect(md).toContain("| billing-bot | Initech | ➕ joins |  |  | accountant |");
        expect(md).toContain("| billing-bot | Globex | ➖ leaves |  |  | accountant |");
        expect(md).toContain("| sync | org-existing-1 | ➖ loses | `read:orders` | (organization permission) | order-reader |");
        const mm = renderDiff(d, "mermaid");
        expect(mm).toMatch(/org\d+\(\["accountant in Initech"\]\)/);
        expect(mm).toContain("-. loses .->");
        expect(JSON.parse(renderDiff(d, "json"))).toMatchObject({ changes: true, organizationsRemoved: ["Globex"] });
    });

    test("the same spec twice, and an app's organization roles reordered, change nothing", () => {
        const reordered: SpecInput = { ...base, organizations: { ...base.organizations, list: [{ name: "Acme", apps: [{ app: "sync", roles: ["order-writer"] }, { app: "billing-bot", roles: ["accountant", "order-reader"] }] }, ...base.organizations!.list!.slice(1)] } };
        expect(hasChanges(diffAccess(model(base), model(reordered)))).toBe(false);
    });
});

describe("organization access of a tenant, and a spec against it", () => {
    const tenant = accessFromTenant({
        managementIndicator: "https://default.logto.app/api",
        resources: [{ name: "Shopping API", indicator: "https://shopping.api", scopes: [{ name: "read:products" }, { name: "write:products" }] }],
        roles: [],
        apps: [{ app: { id: "app1", name: "billing-bot" }, roles: [] }, { app: { id: "app2", name: "sync" }, roles: [] }],
        organizations: {
            scopes: [{ name: "read:orders" }, { name: "write:orders" }, { name: "read:invoices" }],
            roles: [
                { role: { name: "order-reader" }, scopes: [{ name: "read:orders" }], resourceScopes: [{ name: "read:products", resource: { indicator: "https://shopping.api" } }] },
                { role: { name: "order-writer" }, scopes: [{ name: "read:orders" }, { name: "write:orders" }], resourceScopes: [{ name: "write:products", resource: { indicator: "https://shopping.api" } }] },
                { role: { name: "accountant" }, scopes: [{ name: "read:invoices" }], resourceScopes: [] },
                { role: { name: "someone-elses" }, scopes: [{ name: "write:orders" }], resourceScopes: [] },
            ],
            organizations: [
                { organization: { id: "o1", name: "Acme" }, apps: [{ id: "app1", roles: [{ name: "order-reader" }, { name: "accountant" }] }, { id: "app2", roles: [{ name: "order-writer" }] }] },
                { organization: { id: "o2", name: "Globex" }, apps: [{ id: "app1", roles: [{ name: "accountant" }] }] },
                { organization: { id: "org-existing-1", name: "Existing Co" }, apps: [{ id: "app2", roles: [{ name: "order-reader" }] }] },
                // Not in the spec: an up leaves it, and sync's membership there, as they are.
                { organization: { id: "o4", name: "Other" }, apps: [{ id: "app2", roles: [{ name: "someone-elses" }] }] },
            ],
        },
    }, "live");

    test("a tenant's memberships are keyed like the spec's (by name; by id where the spec gives one): the spec of it changes nothing", () => {
        const d = diffAccess(tenant, model(base), { headNamesWhatChanges: true });
        expect(hasChanges(d)).toBe(false);
        expect(d.untouched.organizations).toEqual(["Other"]);
        expect(renderDiff(d, "text")).toContain("Not in the spec, left as they are: 0 apps, 0 roles, 1 organizations");
    });

    test("drift in the tenant shows as the access an up gives back", () => {
        const drifted = { ...tenant, apps: tenant.apps.map((a) => (a.id === "app1" ? { ...a, memberships: a.memberships!.filter((m) => m.organization !== "Globex") } : a)) };
        const d = diffAccess(drifted, model(base), { headNamesWhatChanges: true });
        expect(d.appsChanged.map((c) => [c.app, c.organizations!.map((o) => `${o.organization} ${o.joined ? "joins" : "?"} ${o.gained.map((h) => h.permission).join(",")}`)])).toEqual([["billing-bot", ["Globex joins read:invoices"]]]);
        expect(d.organizationsAdded).toEqual([]);
    });
});
