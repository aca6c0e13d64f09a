import * as pulumi from "@pulumi/pulumi";
import type { Stack } from "@pulumi/pulumi/automation";
import { EngineProbe } from "../fixtures/engineProbe";
import { cliStackExport, inlineStack, storedState, type EngineSandbox } from "../support/engine";

/**
 * The ground under every other test: the real Pulumi engine runs a dynamic resource of the project's own
 * through its whole life with a passphrase-encrypted secret, on the state backend the sandbox names.
 */
export function describeEngineCycle(backendName: string, makeSandbox: () => Promise<EngineSandbox>, teardown: () => void = () => {}): void {
    describe(`a dynamic resource through the Pulumi engine (${backendName} backend)`, () => {
        const secretValue = `probe-secret-${Math.random().toString(36).slice(2)}`;
        let sandbox: EngineSandbox;
        let stack: Stack;
        let value = "first";

        const program = async () => {
            const probe = new EngineProbe("probe", { value, secret: pulumi.secret(new pulumi.Config("logto").require("probeSecret")) });
            return { value: probe.value, revision: probe.revision, configured: probe.configured, secret: probe.secret };
        };

        beforeAll(async () => {
            sandbox = await makeSandbox();
            stack = await inlineStack(sandbox, "engine-probe", "dev", program, {
                "logto:probe": { value: "on" },
                "logto:probeSecret": { value: secretValue, secret: true },
            });
        });
        afterAll(() => {
            sandbox?.cleanup();
            teardown();
        });

        test("up creates the resource", async () => {
            const result = await stack.up();
            expect(result.summary.resourceChanges).toMatchObject({ create: 2 });
            expect(result.outputs.value.value).toBe("first");
            expect(result.outputs.revision.value).toBe(1);
            expect(result.outputs.secret.secret).toBe(true);
        });

        test("the provider's configure receives the stack config", async () => {
            const outputs = await stack.outputs();
            expect(outputs.configured.value).toBe(true);
        });

        test("preview after up shows no changes", async () => {
            const result = await stack.preview();
            expect(result.changeSummary).toEqual({ same: 2 });
        });

        test("an input change updates in place", async () => {
            value = "second";
            const result = await stack.up();
            expect(result.summary.resourceChanges).toMatchObject({ update: 1, same: 1 });
            expect(result.outputs.value.value).toBe("second");
            expect(result.outputs.revision.value).toBe(2);
        });

        test("refresh reads the resource back without drift", async () => {
            const result = await stack.refresh();
            expect(result.summary.result).toBe("succeeded");
            expect(result.summary.resourceChanges).toMatchObject({ same: 2 });
        });

        test("the secret config value is encrypted in pulumi stack export (and the stored file)", async () => {
            const texts = [await cliStackExport(sandbox, "dev")];
            if (sandbox.backendUrl.startsWith("file://")) texts.push(storedState(sandbox, "engine-probe", "dev"));
            for (const text of texts) {
                expect(text).toContain("4dabf18193072939515e22adb298388d"); // Pulumi's secret signature
                expect(text).toContain("ciphertext");
                expect(text).not.toContain(secretValue);
            }
        });

        test("the serialized provider is small and holds no absolute path", async () => {
            const exported = JSON.parse(await cliStackExport(sandbox, "dev"));
            const probe = exported.deployment.resources.find((r: { type: string }) => r.type.endsWith("logto:EngineProbe"));
            const serialized: string = probe.inputs.__provider;
            expect(serialized.length).toBeLessThan(400);
            expect(serialized).not.toContain(sandbox.workDir);
            expect(serialized).not.toContain(__dirname.split("/dist/")[0]);
        });

        test("destroy removes it", async () => {
            const result = await stack.destroy();
            expect(result.summary.resourceChanges).toMatchObject({ delete: 2 });
            const exported = JSON.parse(await cliStackExport(sandbox, "dev"));
            expect(exported.deployment.resources ?? []).toHaveLength(0);
        });
    });
}
