import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { z } from "zod";
import { resourceTypes, typeToken } from "../../plugin/registry";
import { packageSchema } from "../../plugin/schema";
import { repoRoot } from "../support/engine";

/**
 * The package schema is held to the implementation: the committed file is what the plugin serves, its inputs are
 * the args schemas' keys with the same optionality, and replace-on-change is what each provider's diff replaces on.
 */
describe("the plugin's package schema", () => {
    const { version } = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string };
    const schema = packageSchema(version) as { resources: Record<string, { inputProperties: Record<string, { replaceOnChanges?: boolean; secret?: boolean }>; requiredInputs: string[]; properties: Record<string, { secret?: boolean }> }> };

    it("plugin/schema.json is what the plugin serves (node dist/scripts/write-plugin-schema.js rewrites it)", () => {
        const committed = JSON.parse(readFileSync(path.join(repoRoot, "plugin", "schema.json"), "utf8")) as unknown;
        expect(committed).toEqual(JSON.parse(JSON.stringify(schema)));
    });

    it("has every type, with the args schemas' keys as inputs and their optionality", () => {
        expect(Object.keys(schema.resources).sort()).toEqual(resourceTypes.map((t) => typeToken(t.name)).sort());
        for (const t of resourceTypes) {
            const entry = schema.resources[typeToken(t.name)]!;
            const shape = (t.args?.shape ?? {}) as Record<string, z.ZodType>;
            const keys = Object.keys(shape).filter((k) => !t.derivedInputs?.includes(k));
            expect({ type: t.name, inputs: Object.keys(entry.inputProperties).sort() }).toEqual({ type: t.name, inputs: keys.sort() });
            // Required by the schema: what the args schema requires and `check` does not fill in.
            for (const key of entry.requiredInputs) expect({ key, optional: shape[key]!.isOptional() }).toEqual({ key, optional: false });
        }
    });

    it("marks the app secrets, and only them, secret", () => {
        const secrets = Object.entries(schema.resources).flatMap(([token, r]) =>
            Object.entries(r.properties).filter(([, p]) => p.secret === true).map(([k]) => `${token}.${k}`));
        expect(secrets.sort()).toEqual(["logto:index:ApplicationSecret.value", "logto:index:M2MApplication.appSecret"]);
    });

    /** A valid input of each type, and another valid value of every property. */
    const samples: Record<string, { olds: Record<string, unknown>; other: Record<string, unknown> }> = {
        ApiResource: { olds: { name: "A", indicator: "https://a.api", accessTokenTtl: 3600, adopt: false }, other: { name: "B", indicator: "https://b.api", accessTokenTtl: 60, adopt: true } },
        ApiScope: { olds: { resourceId: "r1", name: "read", description: "d", adopt: false }, other: { resourceId: "r2", name: "write", description: "e", adopt: true } },
        M2MRole: { olds: { name: "role", description: "d", scopeIds: ["s1"], adopt: false }, other: { name: "role2", description: "e", scopeIds: ["s2"], adopt: true } },
        M2MApplication: {
            olds: { appSecret: "x", name: "app", description: "d", roleIds: ["r1"], customData: {}, adopt: false, adoptAppId: "a1", managedSecrets: ["ci"], unmanagedSecrets: "remove", stackNonce: "n1" },
            other: { name: "app2", description: "e", roleIds: ["r2"], customData: { team: "x" }, adopt: true, adoptAppId: "a2", managedSecrets: ["cd"], unmanagedSecrets: "keep", stackNonce: "n2" },
        },
        ExistingRole: { olds: { name: "Logto Management API access", usedAt: ["apps[0].roles[0]"] }, other: { name: "another role", usedAt: ["apps[1].roles[0]"] } },
        ApplicationSecret: { olds: { applicationId: "a1", name: "ci", expiresAt: 4102444800000, adopt: false }, other: { applicationId: "a2", name: "cd", expiresAt: 4102531200000, adopt: true } },
        OrganizationScope: { olds: { name: "read:orders", description: "d", adopt: false }, other: { name: "write:orders", description: "e", adopt: true } },
        OrganizationRole: {
            olds: { name: "role", description: "d", organizationScopeIds: ["s1"], resourceScopeIds: ["r1"], adopt: false },
            other: { name: "role2", description: "e", organizationScopeIds: ["s2"], resourceScopeIds: ["r2"], adopt: true },
        },
        Organization: {
            olds: { name: "org", description: "d", customData: {}, adopt: false, adoptOrganizationId: "o1", marker: "m", stackNonce: "n1" },
            other: { name: "org2", description: "e", customData: { team: "x" }, adopt: true, adoptOrganizationId: "o2", stackNonce: "n2" },
        },
        OrganizationApplication: { olds: { organizationId: "o1", applicationId: "a1", organizationRoleIds: ["r1"] }, other: { organizationId: "o2", applicationId: "a2", organizationRoleIds: ["r2"] } },
        ExistingOrganization: { olds: { organizationId: "o1", usedAt: [] }, other: { organizationId: "o2", name: "acme", usedAt: ["organizations.acme"] } },
    };

    it("replaces on change exactly where the provider's diff replaces", async () => {
        for (const t of resourceTypes) {
            const sample = samples[t.name];
            if (sample === undefined) continue;
            const entry = schema.resources[typeToken(t.name)]!;
            for (const key of Object.keys(entry.inputProperties)) {
                expect(sample.other).toHaveProperty(key);
                const news = { ...sample.olds, [key]: sample.other[key] };
                const diff = await t.provider.diff!("id", sample.olds, news);
                const replaces = (diff.replaces ?? []).includes(key);
                expect({ property: `${t.name}.${key}`, replaces }).toEqual({ property: `${t.name}.${key}`, replaces: entry.inputProperties[key]!.replaceOnChanges === true });
            }
        }
    });
});
