import type { ConfigMap, EngineEvent, PulumiFn, Stack } from "@pulumi/pulumi/automation";
import { storedState, type EngineSandbox } from "../support/engine";
export { useProviderFixture, type ProviderFixture } from "../support/logtoEngine";

/** Completed steps in order, as `op name` (e.g. `create-replacement secret`), from the engine's events. */
export class StepLog {
    readonly steps: string[] = [];
    readonly onEvent = (event: EngineEvent): void => {
        const meta = event.resOutputsEvent?.metadata;
        if (meta !== undefined && !meta.type.startsWith("pulumi:pulumi:Stack")) {
            this.steps.push(`${meta.op} ${meta.urn.split("::").pop()}`);
        }
    };

    indexOf(step: string): number {
        return this.steps.indexOf(step);
    }
}

/**
 * Bytes of each resource's entry in the stored state, by resource: `total` (the whole entry, with the engine's
 * own URNs, timestamps and source positions) and `properties` (its inputs and outputs, what the provider keeps).
 */
export function stateBytesByResource(sandbox: EngineSandbox, project: string, stack: string): Record<string, { total: number; properties: number }> {
    const state = JSON.parse(storedState(sandbox, project, stack)) as {
        checkpoint: { latest: { resources?: Array<{ urn: string; type: string; inputs?: unknown; outputs?: unknown }> } };
    };
    const sizes: Record<string, { total: number; properties: number }> = {};
    for (const resource of state.checkpoint.latest.resources ?? []) {
        if (!resource.type.startsWith("pulumi-nodejs:dynamic/logto:")) continue;
        sizes[`${resource.type.split(":").pop()} ${resource.urn.split("::").pop()}`] = {
            total: Buffer.byteLength(JSON.stringify(resource)),
            properties: Buffer.byteLength(JSON.stringify({ inputs: resource.inputs, outputs: resource.outputs })),
        };
    }
    return sizes;
}
