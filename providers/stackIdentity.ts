import * as pulumi from "@pulumi/pulumi";
import { randomUUID } from "node:crypto";
import { readResult } from "./readResult";
import { LogtoDynamicResource } from "./dynamicResource";

/**
 * A value unique to one life of one stack: a random UUID drawn when the resource is created and kept in the
 * stack's state from then on. Project and stack names are not unique (two teams' `logto-m2m/prod` in different
 * backends, two people's `demo-<host>` on one tenant), so apps carry this value in their marker: a create looks
 * an app up by marker only to find the one an interrupted run of this same stack made, never another stack's.
 *
 * It is created before any app (every app's marker waits for it), and the engine records a finished create in
 * the checkpoint before it hands the outputs on, so a killed run never made an app whose marker the next run
 * could not know. It calls nothing: no Logto, no configuration.
 */
export const provider: pulumi.dynamic.ResourceProvider = {
    async create() {
        const nonce = randomUUID();
        return { id: nonce, outs: { nonce } };
    },

    async diff() {
        // Nothing changes it: a new value would orphan the markers of the apps made under the old one.
        return { changes: false };
    },

    async read(id, props) {
        // No inputs: what the engine compares a program's declaration with (e.g. after `pulumi import` by nonce).
        return readResult(id, { ...props, nonce: String(props?.nonce ?? id) }, []);
    },

    async delete() {
        // Nothing outside the state to remove.
    },
};

/** The stack's identity; see `stackIdentity()`, which declares it once per stack. */
export class StackIdentity extends LogtoDynamicResource {
    declare public readonly nonce: pulumi.Output<string>;

    constructor(name: string, opts?: pulumi.CustomResourceOptions) {
        super("StackIdentity", "pulumi-logto-m2m/providers/stackIdentity", name, { nonce: undefined }, opts);
    }
}

/** Its Pulumi name: one per stack, at the stack's root whoever declares it first. */
export const stackIdentityName = "logto-m2m-stack-identity";

/** Per run of a program (inline programs run several times in one process), keyed by the run's stack resource. */
const identities = new WeakMap<object, StackIdentity>();
const outsideAStack = {};

/**
 * The stack's `StackIdentity`, declared on first use in this run of the program (unparented, so its URN does not
 * depend on which component asked first).
 */
export function stackIdentity(): StackIdentity {
    const key = pulumi.runtime.getStackResource() ?? outsideAStack;
    let identity = identities.get(key);
    if (identity === undefined) {
        identity = new StackIdentity(stackIdentityName);
        identities.set(key, identity);
    }
    return identity;
}
