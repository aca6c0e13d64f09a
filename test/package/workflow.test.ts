import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { repoRoot } from "../support/engine";
import { linkSharedInstall } from "../support/packedPackage";

// The platform repo's workflow, its logto-m2m steps run as GitHub runs them (bash -e) in a git checkout of the
// example with the packed package installed: validate's annotations, the access diff against the target branch,
// and the one comment beside the preview (gh stubbed: it keeps the body it would post).

const example = path.join(repoRoot, "examples", "platform-repo");
const workflow = parse(readFileSync(path.join(example, ".github", "workflows", "m2m.yaml"), "utf8")) as {
    jobs: Record<string, { needs?: string; steps: Array<{ name?: string; run?: string }> }>;
};

function step(job: string, name: RegExp): string {
    const found = workflow.jobs[job]!.steps.find((s) => s.name !== undefined && name.test(s.name));
    if (found?.run === undefined) throw new Error(`no step ${name} in job ${job}`);
    return found.run;
}

describe("the platform repo's workflow", () => {
    let dir: string;
    let bin: string;
    const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=ci", "-c", "user.email=ci@example.com", ...args], { cwd: dir, encoding: "utf8" });
    const runStep = (script: string, env: Record<string, string> = {}) =>
        spawnSync("bash", ["-e", "-c", script], { cwd: dir, encoding: "utf8", env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, ...env } });

    beforeAll(() => {
        dir = mkdtempSync(path.join(tmpdir(), "logto-m2m-workflow-"));
        for (const f of ["m2m.yaml", "package.json", "index.ts", "Pulumi.yaml", "Pulumi.prod.yaml"]) copyFileSync(path.join(example, f), path.join(dir, f));
        linkSharedInstall(dir);
        writeFileSync(path.join(dir, ".gitignore"), "node_modules\n");
        git("init", "-q", "-b", "main");
        git("add", ".");
        git("commit", "-q", "-m", "platform");
        // As actions/checkout with fetch-depth 0 leaves it: the target branch as origin/main.
        git("update-ref", "refs/remotes/origin/main", "HEAD");
        git("checkout", "-q", "-b", "pr");
        // gh: keeps the comment it is asked to post.
        bin = path.join(dir, ".stub-bin");
        mkdirSync(bin);
        writeFileSync(path.join(bin, "gh"), '#!/bin/sh\nwhile [ $# -gt 0 ]; do [ "$1" = --body-file ] && cp "$2" posted-comment.md; shift; done\n');
        chmodSync(path.join(bin, "gh"), 0o755);
    });
    afterAll(() => {
        if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test("validate runs first and gates preview and up", () => {
        expect(workflow.jobs.preview!.needs).toBe("validate");
        expect(workflow.jobs.up!.needs).toBe("validate");
    });

    test("validate passes the example's spec, and annotates a broken one on its lines", () => {
        const script = step("validate", /logto-m2m validate/);
        const ok = runStep(script);
        expect(ok.stdout.trim()).toBe("m2m.yaml: valid (1 resource, 2 roles, 3 apps)");
        expect(ok.status).toBe(0);
        const spec = readFileSync(path.join(dir, "m2m.yaml"), "utf8");
        writeFileSync(path.join(dir, "m2m.yaml"), spec.replace("permissions: [read:products]", "permissions: [read:produts]"));
        const bad = runStep(script);
        expect(bad.status).toBe(1);
        expect(bad.stdout).toMatch(/^::error file=m2m\.yaml,line=16,col=\d+,title=logto-m2m validate::roles\[0\]\.permissions\[0\]\.permissions\[0\]: unknown permission "read:produts"/m);
        writeFileSync(path.join(dir, "m2m.yaml"), spec);
    });

    test("a pull request's comment: the access changes against the target branch, then the preview", () => {
        const spec = readFileSync(path.join(dir, "m2m.yaml"), "utf8");
        // The pull request: the storefront becomes an editor.
        writeFileSync(path.join(dir, "m2m.yaml"), spec.replace("roles: [shopping-reader]", "roles: [shopping-editor]"));
        git("commit", "-q", "-am", "storefront edits the catalogue");
        const access = runStep(step("preview", /What changes in access/), { GITHUB_BASE_REF: "main" });
        expect(access.stderr).toBe("");
        expect(access.status).toBe(0);
        writeFileSync(path.join(dir, "preview.txt"), "Previewing update (prod):\n  ~ m2m-app-storefront update [diff: ~roleIds]\n");
        const comment = runStep(step("preview", /one comment/), { PR: "7", GITHUB_SHA: "0123456789abcdef", STACK: "prod" });
        expect(comment.status).toBe(0);
        const posted = readFileSync(path.join(dir, "posted-comment.md"), "utf8");
        expect(posted).toContain("### Access changes\n\n`m2m.main.yaml` → `m2m.yaml`");
        // read:products stays (now through shopping-editor): no loss.
        expect(posted).toContain("| storefront | ➕ gains | `write:products` | Shopping API (`https://shopping.api`) | shopping-editor |\n" +
            "| storefront | roles | + shopping-editor, − shopping-reader |  |  |\n");
        expect(posted).not.toContain("loses");
        expect(posted.indexOf("### Access changes")).toBeLessThan(posted.indexOf("### `pulumi preview --diff` of stack `prod` at 0123456"));
        expect(posted).toContain("~ m2m-app-storefront update");
    });

    test("a spec new on the branch is compared with the empty spec", () => {
        git("update-ref", "refs/remotes/origin/empty", execFileSync("git", ["commit-tree", "-m", "empty", "4b825dc642cb6eb9a060e54bf8d69288fbee4904"], { cwd: dir, encoding: "utf8" }).trim());
        const access = runStep(step("preview", /What changes in access/), { GITHUB_BASE_REF: "empty" });
        expect(access.status).toBe(0);
        expect(readFileSync(path.join(dir, "access.md"), "utf8")).toContain("`m2m.empty.yaml` → `m2m.yaml`");
        expect(readFileSync(path.join(dir, "access.md"), "utf8")).toContain("| provisioning-bot (new app) | ➕ gains | `all` ⚠️ **full tenant control** |");
    });
});
