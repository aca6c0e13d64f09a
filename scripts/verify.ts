#!/usr/bin/env node
/**
 * The verify step for stacks run with the Pulumi CLI: every app of the stack requests its tokens and the granted
 * scopes are compared with the spec. Exits 1 on any difference.
 *
 *   pulumi stack output --json --show-secrets | node dist/scripts/verify.js
 */
import { readFileSync } from "node:fs";
import { closeHttpAgent } from "../client/http";
import { verifyStackOutputs, type StackOutputValues } from "../component/verify";

async function main(): Promise<void> {
    const text = readFileSync(process.argv[2] ?? 0, "utf8");
    const plain = JSON.parse(text) as Record<string, unknown>;
    if (typeof plain.apps !== "object" || plain.apps === null) throw new Error("no `apps` output: pipe in `pulumi stack output --json --show-secrets` of an M2M stack");
    if (JSON.stringify(plain.apps).includes("[secret]")) throw new Error("the secrets are hidden: add --show-secrets to `pulumi stack output`");
    const outputs: StackOutputValues = Object.fromEntries(Object.entries(plain).map(([k, value]) => [k, { value }]));
    const checks = await verifyStackOutputs(outputs);
    for (const c of checks) console.log(`ok  ${c.app}  ${c.organization !== undefined ? `[organization ${c.organization}] ` : ""}${c.resource}: ${c.granted.join(" ") || "(none)"}`);
    console.log(`verify: ${checks.length} token checks match the spec`);
    // The agent's keep-alive sockets would hold the process open a few seconds more.
    await closeHttpAgent();
}

main().catch((error: unknown) => {
    console.error((error as Error).message);
    process.exit(1);
});
