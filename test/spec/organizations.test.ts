import { SpecError, validateSpec, type SpecIssue } from "../../spec";

const shoppingApi = { name: "Shopping API", indicator: "https://shopping.api", permissions: ["read:products", "read:orders"] };
const organizations = {
    permissions: [{ name: "read:invoices", description: "Reads invoices" }, "write:invoices"],
    roles: [
        { name: "billing", permissions: ["read:invoices", "write:invoices"], resources: [{ resource: "https://shopping.api", permissions: ["read:orders"] }] },
        { name: "tenant-admin", resources: [{ resource: "management", permissions: ["all"] }] },
    ],
    list: [
        { name: "Acme", description: "A customer", customData: { plan: "gold" }, apps: [{ app: "bot", roles: ["billing"] }] },
        { name: "Globex", existing: true, apps: [{ app: "bot", roles: ["billing", "tenant-admin"] }, { app: "sync" }] },
        { id: "abc123", apps: [{ app: "sync", roles: [] }] },
    ],
};
const base = { resources: [shoppingApi], apps: [{ name: "bot" }, { name: "sync" }] };

function issuesOf(input: unknown): SpecIssue[] {
    try {
        validateSpec(input);
    } catch (e) {
        if (e instanceof SpecError) return e.issues;
        throw e;
    }
    throw new Error("the spec was accepted");
}

describe("the organizations part of a spec", () => {
    test("declares organization permissions, roles mixing them with API permissions, managed and existing organizations and their member apps", () => {
        const spec = validateSpec({ ...base, organizations });
        expect(spec.organizations.permissions).toEqual([{ name: "read:invoices", description: "Reads invoices" }, { name: "write:invoices" }]);
        expect(spec.organizations.roles[0]).toEqual({ name: "billing", permissions: ["read:invoices", "write:invoices"], resources: [{ resource: "https://shopping.api", permissions: ["read:orders"] }] });
        // `management` is the real indicator, and the program then looks the Management API up.
        expect(spec.organizations.roles[1]!.resources).toEqual([{ resource: "https://default.logto.app/api", permissions: ["all"] }]);
        expect(spec.usesManagementApi).toBe(true);
        expect(spec.organizations.list.map((o) => [o.key, o.existing])).toEqual([["Acme", false], ["Globex", true], ["abc123", true]]);
        expect(spec.organizations.list[0]).toMatchObject({ name: "Acme", description: "A customer", customData: { plan: "gold" }, apps: [{ app: "bot", roles: ["billing"] }] });
        expect(spec.organizations.list[1]!.apps[1]).toEqual({ app: "sync", roles: [] });
    });

    test("is optional: a spec without it has empty lists", () => {
        expect(validateSpec(base).organizations).toEqual({ permissions: [], roles: [], list: [] });
    });

    test.each<[string, Record<string, unknown>, SpecIssue]>([
        ["an unknown organization permission in a role", { permissions: ["read:invoices", "write:invoices"], roles: [{ name: "r", permissions: ["read:invoice"] }] },
            { path: "organizations.roles[0].permissions[0]", message: 'unknown organization permission "read:invoice" (declared under organizations.permissions: read:invoices, write:invoices)' }],
        ["an API permission the resource does not have", { roles: [{ name: "r", resources: [{ resource: "https://shopping.api", permissions: ["write:orders"] }] }] },
            { path: "organizations.roles[0].resources[0].permissions[0]", message: 'unknown permission "write:orders" on https://shopping.api (declared: read:products, read:orders)' }],
        ["an unknown resource", { roles: [{ name: "r", resources: [{ resource: "https://nope.api", permissions: ["x"] }] }] },
            { path: "organizations.roles[0].resources[0].resource", message: 'unknown resource "https://nope.api" (declared: https://shopping.api, or "management")' }],
        ["a duplicate organization role", { roles: [{ name: "r" }, { name: "r" }] },
            { path: "organizations.roles[1].name", message: 'duplicate organization role name "r" (first at organizations.roles[0].name)' }],
        ["a duplicate organization permission", { permissions: ["read:invoices", "read:invoices"] },
            { path: "organizations.permissions[1].name", message: 'duplicate organization permission "read:invoices" (first at organizations.permissions[0].name)' }],
        ["whitespace in an organization permission", { permissions: ["read invoices"] },
            { path: "organizations.permissions[0].name", message: "an organization permission name must not contain whitespace" }],
        ["an unknown app as member", { list: [{ name: "Acme", apps: [{ app: "bott" }] }] },
            { path: "organizations.list[0].apps[0].app", message: 'unknown app "bott" (declared under apps: bot, sync)' }],
        ["an unknown organization role of a member", { list: [{ name: "Acme", apps: [{ app: "bot", roles: ["billing"] }] }] },
            { path: "organizations.list[0].apps[0].roles[0]", message: 'unknown organization role "billing" (declared under organizations.roles: none)' }],
        ["an app listed twice in one organization", { list: [{ name: "Acme", apps: [{ app: "bot" }, { app: "bot" }] }] },
            { path: "organizations.list[0].apps[1].app", message: 'duplicate app "bot" (first at organizations.list[0].apps[0].app)' }],
        ["the same organization twice", { list: [{ name: "Acme" }, { name: "Acme", existing: true }] },
            { path: "organizations.list[1].name", message: 'duplicate organization "Acme" (first at organizations.list[0].name)' }],
        ["an organization without name or id", { list: [{ apps: [] }] },
            { path: "organizations.list[0].name", message: "an organization needs a name (or the id of an existing one)" }],
        ["both id and name", { list: [{ id: "abc", name: "Acme" }] },
            { path: "organizations.list[0].id", message: "give an existing organization by id or by name, not both" }],
        ["a description for an existing organization", { list: [{ name: "Acme", existing: true, description: "x" }] },
            { path: "organizations.list[0].description", message: "description belongs to organizations the stack manages; an existing one is only referenced" }],
        ["an organization name over Logto's 128", { list: [{ name: "x".repeat(129) }] },
            { path: "organizations.list[0].name", message: "an organization name has at most 128 characters (Logto's limit, counted in UTF-16 code units: most emoji count 2; this one has 129)" }],
        ["an unknown key", { list: [{ name: "Acme", members: [] }] },
            { path: "organizations.list[0]", message: 'unknown key "members"' }],
    ])("%s is refused with its path", (_what, part, issue) => {
        expect(issuesOf({ ...base, organizations: { ...part } })).toContainEqual(expect.objectContaining(issue));
    });

    test("a shape error in the organizations part does not hide the errors of the rest of the spec", () => {
        const issues = issuesOf({ ...base, roles: [{ name: "r", permissions: [{ resource: "https://nope.api", permissions: ["x"] }] }], organizations: { list: [{}] } });
        expect(issues.map((i) => i.path)).toEqual(expect.arrayContaining(["organizations.list[0].name", "roles[0].permissions[0].resource"]));
    });
});
