import { diffAccess, hasChanges } from "../access/diff";
import { accessFromSpec, accessFromTenant, accessMatrix, withRolesFrom, type AccessModel } from "../access/model";
import { accessFormats, renderDiff, renderMatrix, type AccessFormat } from "../access/render";
import { pathed, validateSpecFile, where } from "./validate";
import { ExitCode, UsageError, type Invocation, type Streams, type Subcommand } from "./subcommand";

/** Thrown when a spec has errors: access is computed from valid specs only. */
class InvalidSpec extends Error {}

function specModel(file: string, inv: Invocation, managementIndicator: string | undefined, tenantId: string | undefined): AccessModel {
    const report = validateSpecFile(file, inv.cwd, {
        ...(managementIndicator === undefined ? {} : { managementIndicator }),
        ...(tenantId === undefined ? {} : { tenantId }),
    });
    if (report.unreadable !== undefined) throw new UsageError(`cannot read ${file}: ${report.unreadable}`);
    if (report.spec === undefined) {
        for (const issue of report.errors) inv.streams.progress(`${where(file, issue)}: error: ${pathed(issue)}`);
        throw new InvalidSpec(`${file} has ${report.errors.length} error(s): access is computed from a valid spec (logto-m2m validate ${file})`);
    }
    return accessFromSpec(report.spec, file === "-" ? "(stdin)" : file);
}

/**
 * The tenant's access through the Management API, with the providers' connection settings (LOGTO_* here, as
 * the providers read them when the stack config has none). A failure names the setting to fix, never a value.
 */
async function liveModel(env: NodeJS.ProcessEnv, streams: Streams): Promise<{ model: AccessModel; managementIndicator: string }> {
    // Loaded here: validate and spec-only access need no HTTP stack.
    const { connectionFromConfig, withSettingHint } = await import("../providers/connection");
    const { ManagementClient } = await import("../client");
    const { closeHttpAgent } = await import("../client/http");
    const { readTenant } = await import("../tenant/reader");
    const settings = connectionFromConfig(() => undefined, env);
    const client = new ManagementClient(settings);
    const started = Date.now();
    streams.progress(`reading the tenant at ${client.connection.endpoint} ...`);
    try {
        const tenant = await readTenant(client, { onProgress: streams.progress, secrets: false });
        const objects = tenant.resources.length + tenant.resources.reduce((n, r) => n + r.scopes.length, 0) + tenant.roles.length + tenant.apps.length;
        streams.progress(`read ${objects} objects in ${client.stats().requests} calls, ${((Date.now() - started) / 1000).toFixed(1)} s`);
        return { model: accessFromTenant(tenant, `live ${client.connection.endpoint}`), managementIndicator: client.connection.managementIndicator };
    } catch (error) {
        throw withSettingHint(error);
    } finally {
        await closeHttpAgent();
    }
}

export const access: Subcommand = {
    name: "access",
    summary: "who may call what: the access matrix of a spec or a tenant, or what a change does to it",
    usage: "access SPEC [--base BASE_SPEC|-|live] | access --live [--format text|markdown|mermaid|json]",
    help: `Prints the access matrix of SPEC: for each app, the permissions it holds on each API resource and through
which roles; the Management API's "all" is marked as full tenant control. Logto's built-in role "Logto
Management API access" is taken as Logto creates it (all on the Management API); another role the spec names
without declaring it is shown as unknown (its permissions are in Logto). Organizations: per app and
organization, the organization permissions and API permissions it holds there and through which organization
roles.

  --base BASE     print only what changes from BASE to SPEC: permissions gained and lost per app, apps and
                  roles added and removed, permissions no app holds any more. BASE is a spec file (e.g. from
                  git show origin/main:m2m.yaml), - for stdin, or live: the tenant, to see what an up of SPEC
                  changes in access (drift made in the Console shows as access). Apps and roles of the tenant
                  that SPEC does not name are left out: an up leaves them as they are (so are its
                  other organizations). Memberships joined and left, organization grants gained and lost.
                  Exit code 1 when access changes.
  --live          the matrix of the tenant itself (no SPEC)
  --tenant-id ID  the Logto Cloud tenant of an offline spec (default env LOGTO_TENANT_ID)

The tenant is read through the Management API with the providers' settings: LOGTO_ENDPOINT, LOGTO_APP_ID,
LOGTO_APP_SECRET (LOGTO_TENANT_ID for Logto Cloud, LOGTO_MANAGEMENT_INDICATOR), the bootstrap app that
pulumi up uses. No secret is printed.

Formats: text, markdown (tables for a pull-request comment), mermaid (apps -> roles -> permissions ->
resources, a fenced block GitHub renders), json.`,
    options: {
        base: { type: "string" },
        live: { type: "boolean" },
        "tenant-id": { type: "string" },
    },
    formats: accessFormats,
    positionals: { min: 0, max: 1 },
    async run(inv: Invocation): Promise<ExitCode> {
        const format = inv.format as AccessFormat;
        const base = typeof inv.values.base === "string" ? inv.values.base : undefined;
        const live = inv.values.live === true;
        const [spec] = inv.positionals;
        if (live && (spec !== undefined || base !== undefined)) throw new UsageError("--live prints the tenant's matrix alone; to compare a spec with the tenant: access SPEC --base live");
        if (!live && spec === undefined) throw new UsageError("name a SPEC, or --live for the tenant");
        const tenantId = typeof inv.values["tenant-id"] === "string" ? inv.values["tenant-id"] : inv.env.LOGTO_TENANT_ID?.trim() || undefined;
        try {
            if (live) {
                const { model } = await liveModel(inv.env, inv.streams);
                inv.streams.out(renderMatrix(accessMatrix(model), format));
                return ExitCode.ok;
            }
            if (base === "live") {
                const tenant = await liveModel(inv.env, inv.streams);
                // The spec is judged against the tenant's own Management API indicator.
                const head = withRolesFrom(specModel(spec!, inv, tenant.managementIndicator, undefined), tenant.model);
                const diff = diffAccess(tenant.model, head, { headNamesWhatChanges: true });
                inv.streams.out(renderDiff(diff, format));
                return hasChanges(diff) ? ExitCode.findings : ExitCode.ok;
            }
            const managementIndicator = inv.env.LOGTO_MANAGEMENT_INDICATOR?.trim() || undefined;
            const head = specModel(spec!, inv, managementIndicator, tenantId);
            if (base === undefined) {
                inv.streams.out(renderMatrix(accessMatrix(head), format));
                return ExitCode.ok;
            }
            const diff = diffAccess(specModel(base, inv, managementIndicator, tenantId), head);
            inv.streams.out(renderDiff(diff, format));
            return hasChanges(diff) ? ExitCode.findings : ExitCode.ok;
        } catch (error) {
            if (error instanceof InvalidSpec) {
                inv.streams.progress(`logto-m2m access: ${error.message}`);
                return ExitCode.failure;
            }
            throw error;
        }
    },
};
