import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { ExitCode, type Subcommand } from "./subcommand";

export const exportCommand: Subcommand = {
    name: "export",
    summary: "the spec of a live tenant's M2M topology, to bring a tenant made by hand under a stack",
    usage: "export [--out FILE] [--match TEXT] [--format yaml|json]",
    help: `Reads the tenant with the bootstrap app (LOGTO_ENDPOINT, LOGTO_APP_ID, LOGTO_APP_SECRET, LOGTO_TENANT_ID
for Logto Cloud: the providers' settings) and writes the spec of its M2M topology: API resources with their
permissions and token lifetimes, M2M roles with their permissions, M2M apps with their roles and the names and
expiries of their named secrets (never a secret value), organization permissions and M2M organization roles
(adopt: true) and organizations by id with their member apps and organization roles. The Management API and the role "Logto Management API
access" come out as references. Each resource and role says adopt: true and each app its adoptId, so the first
pulumi up of the spec takes every object over as it is, writing nothing. What the spec cannot express is listed
on stderr and in the spec's header comment, never dropped silently. Progress goes to stderr.

  --out FILE      write the spec to FILE instead of stdout
  --match TEXT    only the resources, roles and apps whose name (or indicator) contains TEXT; roles of such an
                  app that do not match are referenced by name, not declared

Exit codes: 0 written without warnings, 1 written with warnings, 2 usage or connection error.`,
    options: { out: { type: "string" }, match: { type: "string" } },
    formats: ["yaml", "json"],
    positionals: { min: 0, max: 0 },
    async run(inv) {
        // Loaded here: the other subcommands need no HTTP stack.
        const { connectionFromConfig, withSettingHint } = await import("../providers/connection");
        const { ManagementClient } = await import("../client");
        const { closeHttpAgent } = await import("../client/http");
        const { exportTenant } = await import("../tenant/exportTenant");
        const settings = connectionFromConfig(() => undefined, inv.env);
        const client = new ManagementClient(settings);
        const started = Date.now();
        inv.streams.progress(`reading the tenant at ${client.connection.endpoint} ...`);
        const match = typeof inv.values.match === "string" ? inv.values.match : undefined;
        let exported;
        try {
            exported = await exportTenant(client, { onProgress: inv.streams.progress, ...(match !== undefined ? { match } : {}) });
        } catch (error) {
            throw withSettingHint(error);
        } finally {
            await closeHttpAgent();
        }
        const { counts, warnings } = exported;
        inv.streams.progress(`read in ${client.stats().requests} calls, ${((Date.now() - started) / 1000).toFixed(1)} s: ${counts.resources} resources ` +
            `(${counts.permissions} permissions), ${counts.roles} roles, ${counts.apps} apps (${counts.secrets} named secrets)`);
        for (const warning of warnings) inv.streams.progress(`warning: ${warning}`);
        const text = inv.format === "json" ? `${JSON.stringify({ spec: exported.spec, warnings }, null, 2)}\n` : exported.yaml;
        const out = typeof inv.values.out === "string" ? inv.values.out : undefined;
        if (out === undefined) inv.streams.out(text);
        else {
            writeFileSync(path.resolve(inv.cwd, out), text);
            inv.streams.progress(`wrote ${out}`);
        }
        return warnings.length > 0 ? ExitCode.findings : ExitCode.ok;
    },
};
