import { z } from "zod";
import { checkWith, unknownValue } from "../../providers/checkFailures";
import { connectionFromConfig } from "../../providers/connection";
import { diffProperties, idSetEqual, optionalTextEqual } from "../../providers/propertyDiff";
import { orderLike, setDelta } from "../../providers/setDelta";
import { provider as secretProvider } from "../../providers/applicationSecret";
import { provider as roleProvider } from "../../providers/m2mRole";

describe("setDelta", () => {
    test("lists what to add and what to remove, ignoring order and repetition", () => {
        expect(setDelta(["a", "b", "b", "c"], ["c", "d", "a"])).toEqual({ add: ["d"], remove: ["b"] });
        expect(setDelta([], [])).toEqual({ add: [], remove: [] });
    });

    test("orderLike keeps the user's order and puts newcomers last", () => {
        expect(orderLike(["c", "a", "b"], ["b", "x", "a"])).toEqual(["a", "b", "x"]);
    });
});

describe("checkWith", () => {
    const schema = z.object({ name: z.string().min(1, "name must not be empty"), ids: z.array(z.string().min(1, "empty id")), ttl: z.number() });

    test("maps each zod issue onto a failure naming the top-level property (whose value the engine shows), a deeper path in the reason", () => {
        expect(checkWith(schema, { name: "", ids: ["a", ""], ttl: 1 })).toEqual([
            { property: "name", reason: "name must not be empty" },
            { property: "ids", reason: "ids[1]: empty id" },
        ]);
    });

    test("skips values that are unknown during preview, whole or inside a list", () => {
        expect(checkWith(schema, { name: "x", ids: unknownValue, ttl: unknownValue })).toEqual([]);
        expect(checkWith(schema, { name: "x", ids: ["a", unknownValue], ttl: 3 })).toEqual([]);
    });
});

describe("diffProperties", () => {
    const rules = { compared: { name: null, description: optionalTextEqual, ids: idSetEqual }, replaceOn: ["name"] };

    test("reports no change for equal values, a missing vs empty description, or reordered ids", () => {
        expect(diffProperties({ name: "a", ids: ["1", "2"] }, { name: "a", description: "", ids: ["2", "1"] }, rules))
            .toMatchObject({ changes: false, replaces: [] });
    });

    test("replaces on a replace-on property, also when it is unknown", () => {
        expect(diffProperties({ name: "a", ids: [] }, { name: "b", ids: [] }, rules)).toMatchObject({ changes: true, replaces: ["name"] });
        expect(diffProperties({ name: "a", ids: [] }, { name: unknownValue, ids: [] }, rules)).toMatchObject({ changes: true, replaces: ["name"] });
        expect(diffProperties({ name: "a", ids: ["1"] }, { name: "a", ids: [unknownValue] }, rules)).toMatchObject({ changes: true, replaces: [] });
    });
});

describe("connection from stack config", () => {
    const config = (values: Record<string, string>) => (key: string) => values[key];

    test("falls back to the environment per key", () => {
        const settings = connectionFromConfig(config({ "logto:endpoint": "https://logto.example" }), { LOGTO_APP_ID: "app", LOGTO_APP_SECRET: "s3cret-value" });
        expect(settings).toEqual({ endpoint: "https://logto.example", appId: "app", appSecret: "s3cret-value" });
    });

    test("names the config key and variable of what is missing or wrong, never a value", () => {
        const attempt = () => connectionFromConfig(config({ "logto:endpoint": "not a url", "logto:appId": "app" }), {});
        expect(attempt).toThrow(/logto:endpoint \(or env LOGTO_ENDPOINT\)/);
        expect(attempt).toThrow(/logto:appSecret \(or env LOGTO_APP_SECRET\): required/);
        const withSecret = () => connectionFromConfig(config({ "logto:endpoint": "ftp://x", "logto:appId": "a", "logto:appSecret": "very-secret-value" }), {});
        expect(withSecret).toThrow(/logto:endpoint/);
        expect(() => withSecret()).not.toThrow(/very-secret-value/);
    });
});

describe("check and diff stay offline and normalize", () => {
    test("a secret's ISO expiry becomes epoch milliseconds, so a date and its number are the same input", async () => {
        const checked = await secretProvider.check!({}, { applicationId: "app", name: "ci", expiresAt: "2099-01-01" });
        expect(checked.failures).toEqual([]);
        expect(checked.inputs.expiresAt).toBe(Date.parse("2099-01-01"));
        const diff = await secretProvider.diff!("app/ci.abc", { applicationId: "app", name: "ci", expiresAt: Date.parse("2099-01-01") }, checked.inputs);
        expect(diff.changes).toBe(false);
    });

    test("a secret's past expiry fails only when it is new, not once it has passed", async () => {
        const old = { applicationId: "app", name: "ci", expiresAt: Date.UTC(2020, 0, 1) };
        expect((await secretProvider.check!(old, { ...old })).failures).toEqual([]);
        expect((await secretProvider.check!({}, { ...old })).failures).toEqual([{ property: "expiresAt", reason: expect.stringMatching(/future/) }]);
    });

    test("a role's permission change is an update, never a replace", async () => {
        const diff = await roleProvider.diff!("r1", { name: "r", description: "d", scopeIds: ["a"] }, { name: "r", description: "d", scopeIds: ["a", "b"] });
        expect(diff).toMatchObject({ changes: true, replaces: [] });
    });
});
