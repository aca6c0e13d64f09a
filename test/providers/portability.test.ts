import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, appendFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ApiResource } from "../../providers/apiResource";
import { ApiScope } from "../../providers/apiScope";
import { M2MRole } from "../../providers/m2mRole";
import { cliStackExport, engineSandbox, inlineStack, repoRoot, type EngineSandbox } from "../support/engine";
import { startLogtoTarget, type LogtoTarget } from "../support/logtoTarget";

/**
 * A second installation of the package: a folder whose node_modules holds a copy of the compiled package (not
 * a link to this checkout) beside links to the same dependencies. Its apiResource module writes its own path
 * to `probeFile` when loaded, to show which installation the provider host ran.
 */
function otherCheckout(probeFile: string): string {
    const root = mkdtempSync(path.join(tmpdir(), "logto-m2m-checkout-"));
    const modules = path.join(root, "node_modules");
    mkdirSync(modules);
    for (const entry of readdirSync(path.join(repoRoot, "node_modules"))) {
        if (entry === "pulumi-logto-m2m" || entry === ".bin") continue;
        symlinkSync(path.join(repoRoot, "node_modules", entry), path.join(modules, entry));
    }
    const pkg = path.join(modules, "pulumi-logto-m2m");
    mkdirSync(path.join(pkg, "dist"), { recursive: true });
    cpSync(path.join(repoRoot, "package.json"), path.join(pkg, "package.json"));
    for (const part of ["providers", "client", "library.js"]) cpSync(path.join(repoRoot, "dist", part), path.join(pkg, "dist", part), { recursive: true });
    appendFileSync(path.join(pkg, "dist", "providers", "apiResource.js"),
        `\nrequire("node:fs").writeFileSync(${JSON.stringify(probeFile)}, __filename);\n`);
    return root;
}

describe("a stack moved to another checkout", () => {
    let target: LogtoTarget;
    let first: EngineSandbox;
    let second: EngineSandbox;
    let checkout: string;
    let probeFile: string;
    let resourceName = "portable";

    const program = async () => {
        const api = new ApiResource("api", { name: resourceName, indicator: `https://${target.runId}.portable.example` });
        const scope = new ApiScope("read", { resourceId: api.id, name: "read:portable" });
        const role = new M2MRole("role", { name: `${target.runId}-portable`, description: "moves", scopeIds: [scope.id] });
        return { resourceId: api.id, roleId: role.id };
    };

    beforeAll(async () => {
        target = await startLogtoTarget();
        probeFile = path.join(mkdtempSync(path.join(tmpdir(), "logto-m2m-probe-")), "loaded-from");
        checkout = otherCheckout(probeFile);
        first = engineSandbox();
        // Same state backend, another program folder resolving the package from the other installation.
        second = engineSandbox(checkout, first.backendUrl);
    });
    afterAll(async () => {
        second?.cleanup();
        first?.cleanup();
        rmSync(checkout, { recursive: true, force: true });
        rmSync(path.dirname(probeFile), { recursive: true, force: true });
        await target?.close();
    });

    test("is updated and destroyed from the other checkout, whose installed provider runs", async () => {
        const created = await (await inlineStack(first, "logto-portable", "dev", program, target.stackConfig())).up();
        expect(created.summary.resourceChanges).toEqual({ create: 4 });
        // What the resources keep (the serialized provider included) names no folder of this machine. (The engine's
        // own sourcePosition metadata records program paths relative to the project; it plays no part in running.)
        const exported = JSON.parse(await cliStackExport(first, "dev"));
        for (const resource of exported.deployment.resources.filter((r: { type: string }) => r.type.includes("logto:"))) {
            const kept = JSON.stringify({ inputs: resource.inputs, outputs: resource.outputs });
            expect(kept).not.toContain(repoRoot);
            expect(kept).not.toContain(first.workDir);
            expect(kept).not.toContain(tmpdir());
        }

        const moved = await inlineStack(second, "logto-portable", "dev", program, target.stackConfig());
        resourceName = "portable, moved";
        const updated = await moved.up();
        expect(updated.summary.resourceChanges).toEqual({ update: 1, same: 3 });
        expect(readFileSync(probeFile, "utf8")).toBe(path.join(checkout, "node_modules", "pulumi-logto-m2m", "dist", "providers", "apiResource.js"));
        expect((await target.client.getResource(updated.outputs.resourceId!.value))?.name).toBe("portable, moved");

        rmSync(probeFile);
        const destroyed = await moved.destroy();
        expect(destroyed.summary.resourceChanges).toEqual({ delete: 4 });
        expect(existsSync(probeFile)).toBe(true);
        expect(await target.client.getResource(updated.outputs.resourceId!.value)).toBeUndefined();
        expect(await target.client.getRole(updated.outputs.roleId!.value)).toBeUndefined();
    });
});
