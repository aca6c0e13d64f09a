import { z } from "zod";
import type { ProgramInfo } from "@pulumi/pulumi/proto/language_pb";

/**
 * `runtime.options` of Pulumi.yaml (or PulumiPlugin.yaml / PulumiPolicy.yaml) as the CLI forwards them in
 * ProgramInfo. The same keys as Pulumi's own Node host; unknown keys are ignored as it ignores them.
 */
const runtimeOptionsSchema = z.object({
    typescript: z.boolean().optional(),
    tsconfig: z.string().optional(),
    nodeargs: z.string().optional(),
    packagemanager: z.enum(["auto", "npm", "yarn", "pnpm", "bun"]).optional(),
}).loose();

export type RuntimeOptions = z.infer<typeof runtimeOptionsSchema>;

export class RuntimeOptionsError extends Error {}

export function runtimeOptions(info: ProgramInfo | undefined): RuntimeOptions {
    const raw = info?.getOptions()?.toJavaScript() ?? {};
    const parsed = runtimeOptionsSchema.safeParse(raw);
    if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new RuntimeOptionsError(`Pulumi.yaml runtime.options.${issue.path.join(".")}: ${issue.message}`);
    }
    return parsed.data;
}

/** The words of `nodeargs` (split on whitespace, as Pulumi's host splits them). */
export function nodeArgs(options: RuntimeOptions): string[] {
    return (options.nodeargs ?? "").split(/\s+/).filter((word) => word !== "");
}

/** The environment the SDK's runners read for TypeScript: on unless `typescript: false`. */
export function typeScriptEnv(options: RuntimeOptions): Record<string, string> {
    const env: Record<string, string> = { PULUMI_NODEJS_TYPESCRIPT: options.typescript === false ? "false" : "true" };
    if (options.tsconfig !== undefined) env.PULUMI_NODEJS_TSCONFIG_PATH = options.tsconfig;
    return env;
}
