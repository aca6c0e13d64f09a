/**
 * How closely the local Logto matches the Logto of LOGTO_ENDPOINT / LOGTO_APP_ID / LOGTO_APP_SECRET: runs the
 * contract suite (dist/test/local-logto) on the local Logto and on that Logto, and prints the assertions of
 * the behavioural tests (all but the `[local Logto only]` groups) that pass on it, over those the local run
 * counts, with each test that differs. `npm run contract:match` (with the LOGTO_* variables set).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { z } from "zod";

const jestReport = z.object({
    testResults: z.array(
        z.object({
            name: z.string(),
            assertionResults: z.array(z.object({ fullName: z.string(), status: z.string(), numPassingAsserts: z.number() })),
        }),
    ),
});
type TestResult = z.infer<typeof jestReport>["testResults"][number]["assertionResults"][number];

const root = path.resolve(__dirname, "..", "..");

function runSuite(env: NodeJS.ProcessEnv, outputFile: string): Map<string, TestResult> {
    try {
        execFileSync(process.execPath, [path.join(root, "node_modules", "jest", "bin", "jest.js"), "--runInBand", "dist/test/local-logto/", "--json", `--outputFile=${outputFile}`], {
            cwd: root,
            env,
            stdio: ["ignore", "ignore", "inherit"],
        });
    } catch {
        // Failing tests make jest exit non-zero; the report says which.
    }
    const results = new Map<string, TestResult>();
    for (const file of jestReport.parse(JSON.parse(readFileSync(outputFile, "utf8"))).testResults) {
        for (const test of file.assertionResults) results.set(`${path.basename(file.name)} :: ${test.fullName}`, test);
    }
    return results;
}

function main(): void {
    const target = process.env.LOGTO_ENDPOINT;
    if (!target || !process.env.LOGTO_APP_ID || !process.env.LOGTO_APP_SECRET) {
        console.error("set LOGTO_ENDPOINT, LOGTO_APP_ID and LOGTO_APP_SECRET to the Logto to compare with");
        process.exit(2);
    }
    const dir = mkdtempSync(path.join(tmpdir(), "contract-match-"));
    try {
        const localEnv = { ...process.env };
        for (const key of ["LOGTO_ENDPOINT", "LOGTO_APP_ID", "LOGTO_APP_SECRET", "LOGTO_TENANT_ID"]) delete localEnv[key];
        const local = runSuite(localEnv, path.join(dir, "local.json"));
        if (local.size === 0) throw new Error("the contract suite ran no test on the local Logto (see jest's output above)");
        const remote = runSuite(process.env, path.join(dir, "remote.json"));
        let all = 0;
        let passing = 0;
        let tests = 0;
        let matched = 0;
        const differences: string[] = [];
        for (const [name, test] of local) {
            if (test.fullName.includes("[local Logto only")) continue;
            if (test.status !== "passed") {
                differences.push(`${name}: fails on the local Logto`);
                continue;
            }
            tests++;
            all += test.numPassingAsserts;
            const there = remote.get(name);
            // A failing test stops at its first failing assertion: the ones after it count as not passing.
            const passed = there?.status === "passed" ? test.numPassingAsserts : Math.min(there?.numPassingAsserts ?? 0, test.numPassingAsserts);
            passing += passed;
            if (there?.status === "passed") matched++;
            else differences.push(`${name}: ${there?.status ?? "not run"} (${passed} of ${test.numPassingAsserts} assertions)`);
        }
        console.log(`contract suite on ${target}: ${passing} of ${all} behavioural assertions pass (${((100 * passing) / Math.max(all, 1)).toFixed(1)}%), ${matched} of ${tests} tests`);
        for (const difference of differences) console.log(`  ${difference}`);
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

main();
