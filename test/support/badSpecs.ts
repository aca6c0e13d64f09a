// The bad-spec matrix shared by the suites that check a spec's errors.

const long = (n: number): string => "x".repeat(n);

/**
 * Spec mistakes, two specs holding many each (the spec reports every issue at once, errors of shape and of
 * reference together; test/program/specChecks.test.ts mixes both): each case is the path the message must name. test/chaos/badInput.test.ts runs them
 * through the engine (nothing is written), test/command/validate.test.ts through `logto-m2m validate` (each error
 * at its line).
 */
export const specShapeMistakes = {
    spec: {
        resources: [{ name: "Shop", indicator: "not a uri", accessTokenTtl: "3600", permissions: ["read products", { name: long(257) }] }],
        roles: [{ name: long(129), description: "", permissions: "read:products" }],
        apps: [{ name: "", roles: "reader" }],
        extra: true,
    },
    paths: {
        "indicator that is not a URI": "resources[0].indicator",
        "accessTokenTtl as a string": "resources[0].accessTokenTtl",
        "permission name with a space": "resources[0].permissions[0].name",
        "permission name over 256 characters": "resources[0].permissions[1].name",
        "role name over 128 characters": "roles[0].name",
        "empty role description": "roles[0].description",
        "role permissions not a list": "roles[0].permissions",
        "empty app name": "apps[0].name",
        "app roles not a list": "apps[0].roles",
        "unknown top-level key": "unknown key \"extra\"",
    },
};
export const specReferenceMistakes = {
    spec: {
        resources: [
            { name: "Shop", indicator: "https://shop.api", permissions: ["read:p", "read:p"] },
            { name: "Shop 2", indicator: "https://shop.api", permissions: ["write:p"] },
        ],
        roles: [
            { name: "reader", description: "d", permissions: [{ resource: "https://nowhere.api", permissions: ["read:p"] }] },
            { name: "reader", description: "d", permissions: [{ resource: "https://shop.api", permissions: ["nope:p"] }] },
            { name: "mgmt", description: "d", permissions: [{ resource: "management", permissions: ["read:p"] }] },
        ],
        apps: [
            { name: "a", roles: ["reader", "reader"], secrets: [{ name: "Default secret" }, { name: "old", expiresAt: "2001-01-01" }, { name: "dup" }, { name: "dup" }] },
            { name: "a", roles: [] },
        ],
    },
    paths: {
        "duplicate indicator": "resources[1].indicator",
        "duplicate permission in a resource": "resources[0].permissions[1]",
        "duplicate role name": "roles[1].name",
        "role on an unknown resource": "roles[0].permissions[0].resource",
        "role with an unknown permission": "roles[1].permissions[0].permissions[0]",
        "permission on the wrong resource (Management API)": "roles[2].permissions[0].permissions[0]",
        "duplicate app name": "apps[1].name",
        "role listed twice for an app": "apps[0].roles[1]",
        "duplicate secret name": "apps[0].secrets[3].name",
        "secret named like the Default secret": "apps[0].secrets[0].name",
        "secret expiring in the past": "apps[0].secrets[1].expiresAt",
    },
};
