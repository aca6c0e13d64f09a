import * as path from "node:path";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { stringify } from "yaml";
import {
    SpecError, loadSpec, managementIndicatorFor, parseSpecYaml, resolveExternalRoles, validateSpec,
    type FoundRole, type SpecIssue,
} from "../../spec";
import { misplaced } from "../support/specText";

const now = Date.parse("2026-01-01T00:00:00Z");
const shoppingApi = { name: "Shopping API", indicator: "https://shopping.api", permissions: ["read:products", "write:products"] };
const inventoryApi = { name: "Inventory API", indicator: "https://inventory.api", permissions: ["read:stock"] };
const reader = { name: "shopping-reader", permissions: [{ resource: "https://shopping.api", permissions: ["read:products"] }] };
const storefront = { name: "storefront", roles: ["shopping-reader"] };

/** A valid spec with one part replaced. */
function specWith(part: Record<string, unknown>): Record<string, unknown> {
    return { resources: [shoppingApi, inventoryApi], roles: [reader], apps: [storefront], ...part };
}

function issuesOf(input: unknown, options: Parameters<typeof validateSpec>[1] = {}): SpecIssue[] {
    try {
        validateSpec(input, { now, ...options });
    } catch (e) {
        if (e instanceof SpecError) return e.issues;
        throw e;
    }
    throw new Error("the spec was accepted");
}

describe("a valid spec", () => {
    test("covers both scenarios of Logto's M2M guide in a few lines", () => {
        const spec = validateSpec({
            resources: [shoppingApi],
            roles: [reader, { name: "admin", permissions: [{ resource: "management", permissions: ["all"] }] }],
            apps: [
                { name: "provisioning-bot", roles: ["Logto Management API access"] },
                { name: "own-admin", roles: ["admin"] },
                { name: "storefront", roles: ["shopping-reader"], secrets: [{ name: "ci", expiresAt: "2027-01-01" }, "spare"] },
            ],
        }, { now });
        expect(spec.managementIndicator).toBe("https://default.logto.app/api");
        expect(spec.resources[0]!.permissions).toEqual([{ name: "read:products" }, { name: "write:products" }]);
        expect(spec.roles[0]!.description).toBe("shopping-reader");
        expect(spec.roles[1]!.permissions).toEqual([{ resource: "https://default.logto.app/api", permissions: ["all"] }]);
        expect(spec.usesManagementApi).toBe(true);
        expect(spec.externalRoles).toEqual([{ name: "Logto Management API access", paths: ["apps[0].roles[0]"] }]);
        expect(spec.apps[2]!.secrets).toEqual([{ name: "ci", expiresAt: Date.parse("2027-01-01T00:00:00Z") }, { name: "spare" }]);
    });

    test("refers to the Management API of a Logto Cloud tenant by its own indicator", () => {
        const spec = validateSpec({
            roles: [{ name: "admin", permissions: [{ resource: "https://abc123.logto.app/api", permissions: ["all"] }] }],
        }, { tenantId: "abc123", now });
        expect(spec.roles[0]!.permissions[0]!.resource).toBe(managementIndicatorFor("abc123"));
    });

    test("says which existing objects to take over: adopt on resources and roles, adoptId on apps", () => {
        const spec = validateSpec(specWith({
            resources: [{ ...shoppingApi, adopt: true }, inventoryApi],
            roles: [{ ...reader, adopt: true }],
            apps: [{ ...storefront, adoptId: "qekodi803vvncprm733o7" }],
        }), { now });
        expect(spec.resources.map((r) => r.adopt)).toEqual([true, undefined]);
        expect(spec.roles[0]!.adopt).toBe(true);
        expect(spec.apps[0]!.adoptId).toBe("qekodi803vvncprm733o7");
    });

    test("may be empty", () => {
        expect(validateSpec({}, { now })).toMatchObject({ resources: [], roles: [], apps: [], externalRoles: [] });
    });

    test("the example spec of the repo is valid", () => {
        const file = path.join(__dirname, "..", "..", "..", "examples", "spec.yaml");
        const spec = validateSpec(parseSpecYaml(readFileSync(file, "utf8"), "examples/spec.yaml").raw, { now });
        expect(spec.apps.map((a) => a.name)).toEqual(["provisioning-bot", "storefront", "catalogue-sync"]);
    });
});

describe("a spec error is rejected with its path", () => {
    const cases: Array<[kind: string, spec: unknown, path: string, message: RegExp, options?: Parameters<typeof validateSpec>[1]]> = [
        ["unknown resource in a role",
            specWith({ roles: [reader, { name: "r", permissions: [{ resource: "https://nope.api", permissions: ["x"] }] }] }),
            "roles[1].permissions[0].resource", /unknown resource "https:\/\/nope.api"/],
        ["unknown permission",
            specWith({ roles: [{ name: "r", permissions: [{ resource: "https://shopping.api", permissions: ["delete:products"] }] }] }),
            "roles[0].permissions[0].permissions[0]", /unknown permission "delete:products" on https:\/\/shopping.api/],
        ["a permission on the wrong resource",
            specWith({ roles: [{ name: "r", permissions: [{ resource: "https://inventory.api", permissions: ["read:stock", "read:products"] }] }] }),
            "roles[0].permissions[0].permissions[1]", /read:products is a permission of https:\/\/shopping.api, not of https:\/\/inventory.api/],
        ["a Management API permission other than all",
            specWith({ roles: [{ name: "r", permissions: [{ resource: "management", permissions: ["read:users"] }] }] }),
            "roles[0].permissions[0].permissions[0]", /one permission, "all"/],
        ["another tenant's Management API",
            specWith({ roles: [{ name: "r", permissions: [{ resource: "https://default.logto.app/api", permissions: ["all"] }] }] }),
            "roles[0].permissions[0].resource", /not this Logto's Management API \(https:\/\/t1.logto.app\/api\)/, { tenantId: "t1" }],
        ["the Management API declared as a resource",
            specWith({ resources: [{ name: "Mgmt", indicator: "https://default.logto.app/api" }] }),
            "resources[0].indicator", /built-in Management API/],
        ["duplicate indicator",
            specWith({ resources: [shoppingApi, { ...inventoryApi, indicator: "https://shopping.api" }] }),
            "resources[1].indicator", /duplicate indicator "https:\/\/shopping.api" \(first at resources\[0\].indicator\)/],
        ["duplicate resource name",
            specWith({ resources: [shoppingApi, { ...inventoryApi, name: "Shopping API" }] }),
            "resources[1].name", /duplicate resource name/],
        ["duplicate permission in a resource",
            specWith({ resources: [{ ...shoppingApi, permissions: ["read:products", { name: "read:products", description: "again" }] }] }),
            "resources[0].permissions[1]", /duplicate permission "read:products"/],
        ["duplicate role name",
            specWith({ roles: [reader, { ...reader, description: "again" }] }),
            "roles[1].name", /duplicate role name "shopping-reader"/],
        ["two apps taking over one App ID",
            specWith({ apps: [{ ...storefront, adoptId: "app1" }, { name: "sync", adoptId: "app1" }] }),
            "apps[1].adoptId", /duplicate adoptId "app1" \(first at apps\[0\].adoptId\)/],
        ["an adoptId that is not an App ID",
            specWith({ apps: [{ ...storefront, adoptId: "../x" }] }),
            "apps[0].adoptId", /adoptId must be a Logto id: no whitespace, '\/'/],
        ["an adoptId that is a number",
            specWith({ apps: [{ ...storefront, adoptId: 12 }] }),
            "apps[0].adoptId", /adoptId must be a Logto id \(a string\)/],
        ["adopt that is not a boolean",
            specWith({ resources: [{ ...shoppingApi, adopt: "yes" }] }),
            "resources[0].adopt", /adopt must be true or false/],
        ["the same resource twice in a role",
            specWith({ roles: [{ name: "r", permissions: [reader.permissions[0], { resource: "https://shopping.api", permissions: ["write:products"] }] }] }),
            "roles[0].permissions[1].resource", /duplicate resource/],
        ["duplicate permission in a role",
            specWith({ roles: [{ name: "r", permissions: [{ resource: "https://shopping.api", permissions: ["read:products", "read:products"] }] }] }),
            "roles[0].permissions[0].permissions[1]", /duplicate permission/],
        ["duplicate app name",
            specWith({ apps: [storefront, { name: "storefront", roles: [] }] }),
            "apps[1].name", /duplicate app name "storefront"/],
        ["the same role twice on an app",
            specWith({ apps: [{ name: "a", roles: ["shopping-reader", "shopping-reader"] }] }),
            "apps[0].roles[1]", /duplicate role/],
        ["duplicate secret name",
            specWith({ apps: [{ name: "a", secrets: ["ci", { name: "ci" }] }] }),
            "apps[0].secrets[1].name", /duplicate secret name "ci"/],
        ["the reserved Default secret name",
            specWith({ apps: [{ name: "a", secrets: ["Default secret"] }] }),
            "apps[0].secrets[0].name", /Logto creates with every app/],
        ["a secret expiring in the past",
            specWith({ apps: [{ name: "a", secrets: [{ name: "ci", expiresAt: "2020-01-01" }] }] }),
            "apps[0].secrets[0].expiresAt", /in the past/],
        ["a secret expiry in seconds",
            specWith({ apps: [{ name: "a", secrets: [{ name: "ci", expiresAt: 1900000000 }] }] }),
            "apps[0].secrets[0].expiresAt", /epoch seconds/],
        ["a secret expiry that is not a date",
            specWith({ apps: [{ name: "a", secrets: [{ name: "ci", expiresAt: "next year" }] }] }),
            "apps[0].secrets[0].expiresAt", /not a date/],
        ["whitespace in a declared permission",
            specWith({ resources: [{ ...shoppingApi, permissions: ["read products"] }] }),
            "resources[0].permissions[0].name", /must not contain whitespace/],
        ["whitespace in a role's permission",
            specWith({ roles: [{ name: "r", permissions: [{ resource: "https://shopping.api", permissions: ["read:products write:products"] }] }] }),
            "roles[0].permissions[0].permissions[0]", /must not contain whitespace/],
        ["an indicator that is not an absolute URI",
            specWith({ resources: [{ ...shoppingApi, indicator: "shopping.api" }] }),
            "resources[0].indicator", /absolute URI/],
        ["an indicator with a fragment",
            specWith({ resources: [{ ...shoppingApi, indicator: "https://shopping.api#v1" }] }),
            "resources[0].indicator", /without a fragment/],
        ["a role name over Logto's 128 characters",
            specWith({ roles: [{ ...reader, name: "r".repeat(129) }], apps: [] }),
            "roles[0].name", /at most 128 characters/],
        ["a role description over 128 characters",
            specWith({ roles: [{ ...reader, description: "d".repeat(129) }] }),
            "roles[0].description", /at most 128 characters/],
        ["an app name over 256 characters",
            specWith({ apps: [{ name: "a".repeat(257) }] }),
            "apps[0].name", /at most 256 characters/],
        ["a permission name over 256 characters",
            specWith({ resources: [{ ...shoppingApi, permissions: ["p".repeat(257)] }] }),
            "resources[0].permissions[0].name", /at most 256 characters/],
        ["an empty role name",
            specWith({ roles: [{ ...reader, name: "" }] }),
            "roles[0].name", /must not be empty/],
        ["a reserved #internal: role name",
            specWith({ roles: [{ ...reader, name: "#internal:admin" }] }),
            "roles[0].name", /reserved by Logto/],
        ["a non-positive token lifetime",
            specWith({ resources: [{ ...shoppingApi, accessTokenTtl: 0 }] }),
            "resources[0].accessTokenTtl", /at least 1 second/],
        ["a misspelt key",
            specWith({ roles: [{ ...reader, permisions: [] }] }),
            "roles[0]", /unknown key "permisions"/],
        ["a wrong type",
            specWith({ apps: [{ name: "a", roles: "shopping-reader" }] }),
            "apps[0].roles", /expected array/],
        ["a role name of 65 rocket emoji (130 UTF-16 code units, as Logto counts)",
            specWith({ roles: [{ ...reader, name: "\u{1F680}".repeat(65) }], apps: [] }),
            "roles[0].name", /at most 128 characters \(Logto's limit, counted in UTF-16 code units/],
        ["a secret name over 249 characters (Logto's 256 less the generation suffix)",
            specWith({ apps: [{ name: "a", secrets: ["s".repeat(250)] }] }),
            "apps[0].secrets[0].name", /at most 249 characters/],
        ["a token lifetime over 30 days",
            specWith({ resources: [{ ...shoppingApi, accessTokenTtl: 2592001 }] }),
            "resources[0].accessTokenTtl", /at most 2592000 seconds/],
        ["customData over 4 KB",
            specWith({ apps: [{ name: "a", customData: { blob: "x".repeat(5000) } }] }),
            "apps[0].customData", /at most 4096 bytes/],
        ["customData with the marker's reserved key",
            specWith({ apps: [{ name: "a", customData: { __pulumiLogtoM2M: "x" } }] }),
            "apps[0].customData.__pulumiLogtoM2M", /reserved for the app's marker/],
        ["a NUL character in a role name",
            specWith({ roles: [{ ...reader, name: "a\u0000b" }], apps: [] }),
            "roles[0].name", /must not contain a NUL character/],
        ["a NUL character in a description",
            specWith({ apps: [{ name: "a", description: "x\u0000" }] }),
            "apps[0].description", /must not contain a NUL character/],
        ["a NUL character in customData",
            specWith({ apps: [{ name: "a", customData: { team: { name: "x\u0000" } } }] }),
            "apps[0].customData.team.name", /must not contain a NUL character/],
        ["a lone surrogate in an app name",
            specWith({ apps: [{ name: "a\ud800" }] }),
            "apps[0].name", /lone UTF-16 surrogate/],
        ["a lone surrogate in a permission name",
            specWith({ resources: [{ ...shoppingApi, permissions: ["read:\udc00"] }], roles: [], apps: [] }),
            "resources[0].permissions[0].name", /lone UTF-16 surrogate/],
        ["a numeric permission name",
            specWith({ resources: [{ ...shoppingApi, permissions: [123] }] }),
            "resources[0].permissions[0].name", /must be a string, not the number 123 \(in YAML, quote it: "123"\)/],
        ["a numeric permission in a role",
            specWith({ roles: [{ name: "r", permissions: [{ resource: "https://shopping.api", permissions: [7] }] }] }),
            "roles[0].permissions[0].permissions[0]", /must be a string, not the number 7/],
        ["declaring Logto's built-in role",
            specWith({ roles: [{ name: "Logto Management API access", permissions: [{ resource: "management", permissions: ["all"] }] }] }),
            "roles[0].name", /Logto's built-in role: list it under an app's roles/],
        ["a date-time without an offset",
            specWith({ apps: [{ name: "a", secrets: [{ name: "ci", expiresAt: "2030-01-01T00:00:00" }] }] }),
            "apps[0].secrets[0].expiresAt", /has no offset: add Z/],
        ["an impossible date",
            specWith({ apps: [{ name: "a", secrets: [{ name: "ci", expiresAt: "2030-02-30" }] }] }),
            "apps[0].secrets[0].expiresAt", /not a date of the calendar/],
        ["an impossible time",
            specWith({ apps: [{ name: "a", secrets: [{ name: "ci", expiresAt: "2030-01-01T24:00:00Z" }] }] }),
            "apps[0].secrets[0].expiresAt", /not a date of the calendar/],
        ["a role grant without permissions",
            specWith({ roles: [{ name: "r", permissions: [{ resource: "https://shopping.api", permissions: [] }] }] }),
            "roles[0].permissions[0].permissions", /at least one permission/],
    ];

    // Rest parameters: jest takes a callback with one parameter more than the row has for a `done` callback.
    test.each(cases)("%s", (...row) => {
        const [, spec, expectedPath, message, options] = row;
        const issues = issuesOf(spec, options);
        expect(issues).toContainEqual(expect.objectContaining({ path: expectedPath, message: expect.stringMatching(message) }));
    });

    // The same spec as a YAML file: each issue is placed at the node its path names (logto-m2m validate prints it).
    test.each(cases)("%s: at its line in the YAML file", (...row) => {
        const [, spec, expectedPath, , options] = row;
        const text = stringify(spec, { lineWidth: 0 });
        const loaded = parseSpecYaml(text, "spec.yaml");
        const issues = issuesOf(loaded.raw, options);
        expect(issues.map((i) => i.path)).toContain(expectedPath);
        expect(issues.map((i) => misplaced(text, spec, i.path, i.key, loaded.locate?.(i.path, i.key))).filter((m) => m !== undefined)).toEqual([]);
    });

    test("every problem of a spec is reported at once, each with its path", () => {
        const issues = issuesOf(specWith({
            roles: [{ name: "r", permissions: [{ resource: "https://nope.api", permissions: ["x"] }] }],
            apps: [{ name: "a", roles: ["r"] }, { name: "a" }],
        }));
        expect(issues.map((i) => i.path)).toEqual(["roles[0].permissions[0].resource", "apps[1].name"]);
    });

    test("secret names a URL parser would resolve (\"..\", \".\", %2e) are refused, naming their paths", () => {
        const issues = issuesOf(specWith({ apps: [{ ...storefront, secrets: ["..", { name: "." }, "%2E%2e", "v1..2"] }] }));
        expect(issues.map((i) => i.path)).toEqual(["apps[0].secrets[0].name", "apps[0].secrets[1].name", "apps[0].secrets[2].name"]);
        expect(issues[0]!.message).toMatch(/a secret name must not be empty, "\.", "\.\." or only dots .* would address another object/);
    });

    test("a shape error does not hide the cross-reference errors of the same spec", () => {
        const issues = issuesOf(specWith({
            resources: [{ ...shoppingApi, accessTokenTtl: "3600" }, inventoryApi],
            roles: [reader, { name: "r", permissions: [{ resource: "https://nope.api", permissions: ["x"] }] }, { name: "s", description: "d".repeat(200) }],
            apps: [{ name: "a", roles: ["shopping-reader", "s", "r"] }, { name: "a", roles: 5 }, { name: "b", roles: ["r", "r"] }],
        }));
        expect(issues.map((i) => i.path)).toEqual([
            // shape
            "resources[0].accessTokenTtl", "roles[2].description", "apps[1].roles",
            // references of the well-shaped entries; a broken entry's names still count as declared
            "roles[1].permissions[0].resource", "apps[2].roles[1]",
        ]);
    });

    test("the well-shaped entries of a broken resource are not judged against it", () => {
        const issues = issuesOf(specWith({
            resources: [{ ...shoppingApi, name: "" }, inventoryApi],
            roles: [reader, { name: "r", permissions: [{ resource: "https://inventory.api", permissions: ["nope"] }] }],
        }));
        expect(issues.map((i) => i.path)).toEqual(["resources[0].name", "roles[1].permissions[0].permissions[0]"]);
    });

    test("limits count UTF-16 code units: 64 rocket emoji make a valid role name, a 249-character secret name is valid", () => {
        const spec = validateSpec(specWith({
            roles: [{ ...reader, name: "\u{1F680}".repeat(64) }],
            apps: [{ name: "a", roles: ["\u{1F680}".repeat(64)], secrets: ["s".repeat(249)] }],
        }), { now });
        expect(spec.roles[0]!.name).toHaveLength(128);
        expect(spec.apps[0]!.secrets[0]!.name).toHaveLength(249);
    });

    test("an expiry is a date at midnight UTC, a date-time with its offset, or epoch milliseconds", () => {
        const spec = validateSpec(specWith({ apps: [{ name: "a", secrets: [
            { name: "d", expiresAt: "2030-01-01" },
            { name: "z", expiresAt: "2030-01-01T00:00:00Z" },
            { name: "o", expiresAt: "2030-01-01T00:00:00+01:00" },
            { name: "f", expiresAt: "2030-01-01T00:00:00.250-0130" },
            { name: "m", expiresAt: 1893456000000 },
            { name: "leap", expiresAt: "2028-02-29" },
        ] }] }), { now });
        expect(spec.apps[0]!.secrets.map((s) => s.expiresAt)).toEqual([
            1893456000000, 1893456000000, 1893452400000, 1893456000000 + 250 + 90 * 60_000, 1893456000000, Date.UTC(2028, 1, 29),
        ]);
    });

    test("an expiry means the same instant in every time zone (Europe/Berlin and UTC)", () => {
        const script = `const { validateSpec } = require(${JSON.stringify(path.join(__dirname, "..", "..", "spec"))});
            const spec = { apps: [{ name: "a", secrets: [{ name: "d", expiresAt: "2030-01-01" }, { name: "t", expiresAt: "2030-01-01T00:00:00Z" }] }] };
            let offsetLess;
            try { validateSpec({ apps: [{ name: "a", secrets: [{ name: "x", expiresAt: "2030-01-01T00:00:00" }] }] }); } catch (e) { offsetLess = e.issues[0].path; }
            console.log(JSON.stringify({ ms: validateSpec(spec).apps[0].secrets.map((s) => s.expiresAt), offsetLess, zoneOffset: new Date(1893456000000).getTimezoneOffset() }));`;
        const inZone = (tz: string) => JSON.parse(execFileSync(process.execPath, ["-e", script], { env: { ...process.env, TZ: tz }, encoding: "utf8" })) as { ms: number[]; offsetLess: string; zoneOffset: number };
        const berlin = inZone("Europe/Berlin");
        const utc = inZone("UTC");
        // The zones differ (so the test would see a zone-dependent reading), the instants do not.
        expect([berlin.zoneOffset, utc.zoneOffset]).toEqual([-60, 0]);
        expect(berlin.ms).toEqual([1893456000000, 1893456000000]);
        expect(utc.ms).toEqual(berlin.ms);
        expect([berlin.offsetLess, utc.offsetLess]).toEqual(["apps[0].secrets[0].expiresAt", "apps[0].secrets[0].expiresAt"]);
    });

    test("the error message lists the paths", () => {
        expect(() => validateSpec(specWith({ apps: [storefront, storefront] }), { now, source: "spec.yaml" }))
            .toThrow(/M2M spec in spec.yaml has an error:\n {2}apps\[1\]\.name: duplicate app name/);
    });
});

describe("roles the spec uses without declaring them", () => {
    const spec = validateSpec({
        apps: [
            { name: "bot", roles: ["Logto Management API access"] },
            { name: "other", roles: ["Logto Management API access", "viewers"] },
        ],
    }, { now });
    const existing: Record<string, FoundRole> = {
        "Logto Management API access": { id: "r1", name: "Logto Management API access", type: "MachineToMachine" },
        viewers: { id: "r2", name: "viewers", type: "User" },
    };

    test("are looked up by name and every unknown or User role is reported with its paths", async () => {
        const missing = { ...existing };
        delete missing["Logto Management API access"];
        const error = await resolveExternalRoles(spec, async (name) => missing[name]).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(SpecError);
        expect((error as SpecError).issues).toEqual([
            { path: "apps[0].roles[0]", message: expect.stringMatching(/unknown role "Logto Management API access": declare it under roles/) },
            { path: "apps[1].roles[0]", message: expect.stringMatching(/unknown role/) },
            { path: "apps[1].roles[1]", message: expect.stringMatching(/is a User role/) },
        ]);
    });

    test("resolve to their ids when they exist as M2M roles", async () => {
        const onlyM2M = await resolveExternalRoles(validateSpec({ apps: [{ name: "bot", roles: ["Logto Management API access"] }] }, { now }), async (name) => existing[name]);
        expect(onlyM2M.get("Logto Management API access")?.id).toBe("r1");
    });
});

describe("loading a spec", () => {
    test("from a YAML file named by logto-m2m:specFile, relative to the program's folder", () => {
        const loaded = loadSpec({ get: (k) => (k === "specFile" ? "examples/spec.yaml" : undefined) }, path.join(__dirname, "..", "..", ".."));
        expect(loaded.source).toBe("examples/spec.yaml");
        expect(validateSpec(loaded.raw, { now }).resources[0]!.indicator).toBe("https://shopping.api");
    });

    test("from an object in stack config under logto-m2m:spec", () => {
        const loaded = loadSpec({ get: (k) => (k === "spec" ? JSON.stringify(specWith({})) : undefined) });
        expect(validateSpec(loaded.raw, { now }).apps[0]!.name).toBe("storefront");
    });

    test("without any spec config fails with what to set", () => {
        expect(() => loadSpec({ get: () => undefined })).toThrow(/set logto-m2m:specFile/);
    });

    test("a YAML syntax error names the line", () => {
        expect(() => parseSpecYaml("resources:\n  - name: [unclosed\n", "bad.yaml")).toThrow(/in bad.yaml has an error:\n {2}line \d+, column \d+: /);
    });

    test("a missing file is a spec error", () => {
        expect(() => loadSpec({ get: (k) => (k === "specFile" ? "nope.yaml" : undefined) }, "/tmp")).toThrow(/cannot read the spec file \/tmp\/nope.yaml/);
    });
});
