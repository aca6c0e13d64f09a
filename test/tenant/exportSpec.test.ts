import { exportSpec, expiryText } from "../../tenant/exportSpec";
import type { TenantSnapshot } from "../../tenant/reader";
import { validateSpec } from "../../spec/validate";

// What the spec cannot express: each case is a warning naming the object, and the export stays a valid spec
// that an `up` applies without changing anything in Logto.
const now = Date.parse("2026-06-01T00:00:00Z");
const mgmt = "https://default.logto.app/api";
const scope = (id: string, resourceId: string, name: string) => ({ id, resourceId, name, description: null });
const resource = (id: string, indicator: string, scopes: ReturnType<typeof scope>[], extra: Record<string, unknown> = {}) =>
    ({ id, name: `${id} API`, indicator, accessTokenTtl: 3600, scopes, ...extra });
const role = (id: string, name: string, scopes: Array<{ id: string; name: string; indicator: string }>) => ({
    role: { id, name, description: name, type: "MachineToMachine" as const },
    scopes: scopes.map((s) => ({ ...scope(s.id, `r-${s.indicator}`, s.name), resource: { id: `r-${s.indicator}`, name: s.indicator, indicator: s.indicator } })),
});
const app = (id: string, name: string, roles: string[], secrets: Array<{ name: string; expiresAt: number | null }>, customData: Record<string, unknown> = {}) => ({
    app: { id, name, description: null, type: "MachineToMachine", customData },
    roles: roles.map((r) => ({ id: `id-${r}`, name: r, description: r, type: "MachineToMachine" as const })),
    secrets: [{ name: "Default secret", expiresAt: null }, ...secrets],
});

function snapshot(): TenantSnapshot {
    return {
        endpoint: "http://127.0.0.1:1",
        managementIndicator: mgmt,
        resources: [
            resource("mgmt", mgmt, [scope("all", "mgmt", "all")]),
            resource("shop", "https://shop.api", [scope("s1", "shop", "read:products")], { isDefault: true }),
            resource("long", "https://long-lived.api", [scope("l1", "long", "read")], { accessTokenTtl: 90 * 86400 }),
            resource("twin", "https://twin.api", [], { name: "shop API" }),
        ],
        roles: [
            role("r1", "reader", [{ id: "s1", name: "read:products", indicator: "https://shop.api" }]),
            role("r2", "long-reader", [{ id: "l1", name: "read", indicator: "https://long-lived.api" }]),
            role("r3", "Logto Management API access", [{ id: "all", name: "all", indicator: mgmt }]),
        ],
        apps: [
            app("a1", "storefront", ["reader"], [{ name: "old", expiresAt: now - 1000 }, { name: "ci", expiresAt: Date.parse("2027-01-01T12:30:00Z") }]),
            app("a2", "storefront", ["reader"], []),
            app("a3", "reporting", ["long-reader", "Logto Management API access"], []),
        ],
    };
}

describe("export of what the spec cannot express", () => {
    const exported = exportSpec(snapshot(), { now });

    test("every case is one warning naming the object and its id", () => {
        expect(exported.warnings).toEqual([
            expect.stringMatching(/^API resource https:\/\/long-lived\.api \(long\) cannot be written as a spec entry \(accessTokenTtl: accessTokenTtl must be at most 2592000 seconds/),
            expect.stringMatching(/^API resource https:\/\/shop\.api is the tenant's default API/),
            expect.stringMatching(/^API resource https:\/\/twin\.api \(twin\) has the name of API resource https:\/\/shop\.api, and a spec names each resource once: left out/),
            expect.stringMatching(/^role "long-reader" \(r2\) holds permissions the spec does not declare \(read on https:\/\/long-lived\.api\): not declared; apps that hold it refer to it by name/),
            expect.stringMatching(/^secret "old" of app "storefront" \(a1\) cannot be written in the spec: expired at 2026-05-31T23:59:59\.000Z .*unmanagedSecrets: keep/),
            expect.stringMatching(/^app "storefront" \(a2\) has the name of app a1, and a spec names each app once: left out/),
        ]);
    });

    test("what remains is a valid spec that keeps what it cannot list", () => {
        expect(exported.spec.resources!.map((r) => r.indicator)).toEqual(["https://shop.api"]);
        expect(exported.spec.roles!.map((r) => r.name)).toEqual(["reader"]);
        expect(exported.spec.apps).toEqual([
            { name: "reporting", roles: ["Logto Management API access", "long-reader"], adoptId: "a3" },
            { name: "storefront", roles: ["reader"], secrets: [{ name: "ci", expiresAt: "2027-01-01T12:30:00Z" }], unmanagedSecrets: "keep", adoptId: "a1" },
        ]);
        const valid = validateSpec(exported.spec, { now });
        expect(valid.externalRoles.map((r) => r.name)).toEqual(["Logto Management API access", "long-reader"]);
        expect(exported.counts).toEqual({ resources: 1, permissions: 1, roles: 1, referencedRoles: 2, apps: 2, secrets: 1 });
    });

    test("an expiry is written so that it reads back to the same millisecond", () => {
        expect(expiryText(Date.parse("2030-01-01T00:00:00Z"))).toBe("2030-01-01");
        expect(expiryText(Date.parse("2030-01-01T08:00:01Z"))).toBe("2030-01-01T08:00:01Z");
        expect(expiryText(1_900_000_000_287)).toBe(1_900_000_000_287);
    });
});
