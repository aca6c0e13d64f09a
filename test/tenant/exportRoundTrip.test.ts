import type { Stack } from "@pulumi/pulumi/automation";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { verifyStackOutputs } from "../../component/verify";
import { logtoM2MProgram } from "../../program";
import { M2MApplication } from "../../providers/m2mApplication";
import { parseSpecYaml } from "../../spec/load";
import { exportTenant, type TenantExport } from "../../tenant/exportTenant";
import { repoRoot } from "../support/engine";
import { useProviderFixture } from "../support/logtoEngine";
import { callsByMethod } from "../support/logtoTarget";
import { writes } from "../program/support";
import { buildHandMadeTopology, type HandMadeTopology } from "./support";

/** `logto-m2m ARGS` as a user runs it, with the bootstrap app in LOGTO_*; its exit code, stdout and stderr. */
async function logtoM2M(args: string[], env: Record<string, string>, cwd: string): Promise<{ code: number; out: string; err: string }> {
    // Not spawnSync: the local Logto answers from this very process.
    try {
        const { stdout, stderr } = await promisify(execFile)(process.execPath, [path.join(repoRoot, "dist", "command", "main.js"), ...args], { env: { ...process.env, ...env }, cwd, maxBuffer: 64 << 20 });
        return { code: 0, out: stdout, err: stderr };
    } catch (error) {
        const e = error as { code?: number; stdout?: string; stderr?: string };
        if (typeof e.code !== "number") throw error;
        return { code: e.code, out: e.stdout ?? "", err: e.stderr ?? "" };
    }
}

// A tenant built by hand, exported, and brought under a stack: the first `up` of the export takes every object
// over without a single write, the second makes no call. Against the local Logto (its counters) or the Logto
// given by LOGTO_* (through the counting proxy).
describe("export of a hand-made tenant, and the up that adopts it", () => {
    const fixture = useProviderFixture();
    let topology: HandMadeTopology;
    let exported: TenantExport;
    let stack: Stack;
    let secretsBefore: Map<string, string[]>;

    beforeAll(async () => {
        const target = fixture.target();
        topology = await buildHandMadeTopology(target);
        secretsBefore = new Map();
        for (const id of Object.values(topology.apps)) {
            secretsBefore.set(id, (await target.client.listApplicationSecrets(id)).map((s) => `${s.name}=${s.value}`).sort());
        }
    });
    afterAll(async () => {
        await stack?.destroy().catch(() => undefined);
    });

    test("writes the spec of the topology, with adoption, the Management API and the built-in role as references, and no secret", async () => {
        const target = fixture.target();
        const { runId } = target;
        const progress: string[] = [];
        target.resetCounts();
        exported = await exportTenant(target.client, { match: runId, onProgress: (line) => progress.push(line) });
        expect(writes(target.counts().byRoute)).toEqual({});
        const { apps, roles, orders, stock, rotationExpiry } = topology;
        expect(exported.spec).toEqual({
            resources: [
                {
                    name: `${runId} Orders API`, indicator: orders.indicator, accessTokenTtl: 7200, adopt: true,
                    permissions: [{ name: "read:orders", description: "Read orders" }, "write:orders"],
                },
                { name: `${runId} Stock API`, indicator: stock.indicator, accessTokenTtl: 3600, adopt: true, permissions: [{ name: "read:stock", description: "Read the stock levels" }] },
            ],
            roles: [
                { name: `${runId}-ops`, adopt: true, permissions: [{ resource: orders.indicator, permissions: ["write:orders"] }, { resource: stock.indicator, permissions: ["read:stock"] }] },
                { name: `${runId}-orders-reader`, description: "Reads orders", adopt: true, permissions: [{ resource: orders.indicator, permissions: ["read:orders"] }] },
                { name: `${runId}-tenant-admin`, description: "Full tenant control", adopt: true, permissions: [{ resource: "management", permissions: ["all"] }] },
            ],
            apps: [
                { name: `${runId} ops bot`, roles: [`${runId}-ops`, `${runId}-tenant-admin`], secrets: [{ name: "rotation", expiresAt: rotationExpiry }], adoptId: apps.opsBot },
                { name: `${runId} provisioner`, roles: ["Logto Management API access"], adoptId: apps.provisioner },
                {
                    name: `${runId} storefront`, description: "Shows the orders", roles: [`${runId}-orders-reader`],
                    secrets: [{ name: "ci", expiresAt: "2030-01-01" }, "spare"], customData: { team: "web", tier: 2 }, adoptId: apps.storefront,
                },
            ],
        });
        expect(exported.warnings).toEqual([expect.stringMatching(new RegExp(`app "${runId} other stack's app" \\(${apps.otherStacks}\\) is managed by the Pulumi stack other-project/prod/m2m/app/${runId}`))]);
        expect(progress).toEqual(expect.arrayContaining(["read the roles and secrets of apps: 4 of 4", "read the permissions of roles: 3 of 3"]));
        // Names and expiries only: no value of any secret of these apps is anywhere in the output.
        for (const values of secretsBefore.values()) {
            for (const entry of values) expect(exported.yaml).not.toContain(entry.slice(entry.indexOf("=") + 1));
        }
        expect(roles.reader).toBeDefined();
    });

    test("the first up of the export adopts every object and writes nothing; the second up makes no call", async () => {
        const target = fixture.target();
        stack = await fixture.stack("logto-m2m-export", "adopt", () => logtoM2MProgram());
        // The YAML as written, as a user's stack would take the file.
        await stack.setConfig("logto-m2m:spec", { value: exported.yaml });
        expect(parseSpecYaml(exported.yaml, "export").raw).toEqual(JSON.parse(JSON.stringify(exported.spec)));

        target.resetCounts();
        const result = await stack.up();
        const first = target.counts();
        expect(writes(first.byRoute)).toEqual({});
        expect(result.summary.resourceChanges).toEqual({ create: 19 });
        const outputs = result.outputs.apps!.value as Record<string, { appId: string }>;
        expect(Object.fromEntries(Object.entries(outputs).map(([name, a]) => [name, a.appId]))).toEqual({
            [`${target.runId} ops bot`]: topology.apps.opsBot,
            [`${target.runId} provisioner`]: topology.apps.provisioner,
            [`${target.runId} storefront`]: topology.apps.storefront,
        });
        for (const [id, before] of secretsBefore) {
            expect((await target.client.listApplicationSecrets(id)).map((s) => `${s.name}=${s.value}`).sort()).toEqual(before);
        }
        // The adopted credentials work, and grant what Logto held.
        await expect(verifyStackOutputs(result.outputs)).resolves.toHaveLength(5);

        target.resetCounts();
        const second = await stack.up();
        expect(second.summary.resourceChanges).toEqual({ same: 19 });
        const counts = target.counts();
        expect({ token: counts.token, api: counts.api, byMethod: callsByMethod(counts) }).toEqual({ token: 0, api: 0, byMethod: {} });
    });

    test("logto-m2m export writes the same spec, warns on stderr, and its access matrix is the one access --live reads", async () => {
        const target = fixture.target();
        const { connection, runId } = target;
        const env: Record<string, string> = {
            LOGTO_ENDPOINT: connection.endpoint, LOGTO_APP_ID: connection.appId, LOGTO_APP_SECRET: connection.appSecret,
            ...(connection.tenantId !== undefined ? { LOGTO_TENANT_ID: connection.tenantId } : {}),
        };
        const dir = mkdtempSync(path.join(tmpdir(), "logto-m2m-export-"));
        try {
            const run = await logtoM2M(["export", "--match", runId, "--out", "m2m.yaml"], env, dir);
            // 1: written, with a warning (the other stack's app).
            expect(run.code).toBe(1);
            expect(run.out).toBe("");
            expect(run.err).toMatch(/^reading the tenant at .*\n/);
            expect(run.err).toContain("read the roles and secrets of apps: 4 of 4");
            expect(run.err).toContain(`warning: app "${runId} other stack's app"`);
            const written = readFileSync(path.join(dir, "m2m.yaml"), "utf8");
            const withoutClock = (yaml: string) => yaml.replace(/ at \d{4}-\d\d-\d\dT[\d:.]+Z\./, " at (time).");
            expect(withoutClock(written)).toBe(withoutClock(exported.yaml));
            for (const values of secretsBefore.values()) {
                for (const entry of values) expect(`${run.err}${written}`).not.toContain(entry.slice(entry.indexOf("=") + 1));
            }

            type Matrix = { apps: Array<{ app: string; id?: string; roles: string[]; holdings: unknown[]; unknownRoles: string[] }> };
            const ofRun = (m: Matrix) => m.apps.filter((a) => a.app.includes(runId) && !a.app.includes("other stack"))
                // The roles an app holds are a set (Logto lists them in its own order).
                .map(({ id: _id, ...a }) => ({ ...a, roles: [...a.roles].sort() }));
            const fromSpec = await logtoM2M(["access", "m2m.yaml", "--format", "json"], env, dir);
            const live = await logtoM2M(["access", "--live", "--format", "json"], env, dir);
            expect([fromSpec.code, live.code]).toEqual([0, 0]);
            const specApps = ofRun(JSON.parse(fromSpec.out) as Matrix);
            expect(specApps).toHaveLength(3);
            expect(specApps).toEqual(ofRun(JSON.parse(live.out) as Matrix));
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    test("adopting an app that another stack's marker claims is refused, naming that stack, and writes nothing", async () => {
        const target = fixture.target();
        // The app alone, as the component declares it for an adoptId (a program whose outputs wait on the failed
        // app would outlive the engine).
        const claimed = await fixture.stack("logto-m2m-export", "claimed", async () => {
            new M2MApplication("m2m/app/claimed", { name: `${target.runId} other stack's app`, roleIds: [], adopt: true, adoptAppId: topology.apps.otherStacks });
        });
        target.resetCounts();
        await expect(claimed.up()).rejects.toThrow(new RegExp(`cannot adopt app ${topology.apps.otherStacks} \\(adoptAppId\\): the Pulumi stack other-project/prod/m2m/app/${target.runId} manages it`));
        expect(writes(target.counts().byRoute)).toEqual({});
        expect((await target.client.getApplication(topology.apps.otherStacks))?.name).toBe(`${target.runId} other stack's app`);
        await claimed.destroy();
    });
});
