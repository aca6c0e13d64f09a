import { Document } from "yaml";
import type { ManagementClient } from "../client";
import { exportSpec, type ExportedSpec } from "./exportSpec";
import { readTenant, type TenantSnapshot } from "./reader";

export interface ExportTenantOptions {
    /**
     * Export only the API resources, M2M roles and M2M apps whose name (or indicator) contains this text, e.g. one
     * team's prefix. Roles of a chosen app that are not chosen are referenced by name, not declared.
     */
    match?: string;
    onProgress?: (line: string) => void;
    concurrency?: number;
    now?: number;
}

export interface TenantExport extends ExportedSpec {
    /** The spec as YAML, warnings in its header comment. */
    yaml: string;
}

/** The snapshot less what `match` leaves out (the Management API stays: roles may grant its `all`). */
function matching(snapshot: TenantSnapshot, match: string): TenantSnapshot {
    return {
        ...snapshot,
        resources: snapshot.resources.filter((r) => r.indicator === snapshot.managementIndicator || r.name.includes(match) || r.indicator.includes(match)),
        ...(snapshot.organizations === undefined ? {} : { organizations: { ...snapshot.organizations, scopes: snapshot.organizations.scopes.filter((s) => s.name.includes(match)) } }),
    };
}

/** Reads the tenant through `client` and writes the spec of its M2M topology (see `exportSpec`). */
export async function exportTenant(client: ManagementClient, options: ExportTenantOptions = {}): Promise<TenantExport> {
    const { match } = options;
    const snapshot = await readTenant(client, {
        ...(options.onProgress !== undefined ? { onProgress: options.onProgress } : {}),
        ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
        ...(match !== undefined ? {
            selectApp: (a) => a.name.includes(match),
            selectRole: (r) => r.name.includes(match),
            selectOrganization: (o) => o.name.includes(match),
            selectOrganizationRole: (r) => r.name.includes(match),
        } : {}),
    });
    const exported = exportSpec(match === undefined ? snapshot : matching(snapshot, match), options.now !== undefined ? { now: options.now } : {});
    return { ...exported, yaml: exportYaml(exported, snapshot.endpoint, new Date(options.now ?? Date.now())) };
}

/** The spec as YAML, with a header that says where it comes from, how to apply it, and every warning. */
export function exportYaml(exported: ExportedSpec, endpoint: string, at: Date): string {
    const doc = new Document(exported.spec);
    const { counts } = exported;
    const header = [
        ` M2M topology of ${endpoint}, exported by logto-m2m export at ${at.toISOString()}.`,
        ` ${counts.resources} API resources (${counts.permissions} permissions), ${counts.roles} roles, ${counts.apps} apps (${counts.secrets} named secrets; no secret values).`,
        " adopt: true and adoptId make the first `pulumi up` take each object over as it is, writing nothing;",
        " they are read at create only, and may stay.",
    ];
    if (counts.organizations !== undefined) {
        header.push(` Organizations: ${counts.organizationPermissions} permissions and ${counts.organizationRoles} roles to adopt by name, ${counts.organizations} ` +
            `organizations by id (referenced, never created or deleted) with ${counts.memberships} memberships (re-added once at the first up: idempotent).`);
    }
    if (exported.warnings.length > 0) {
        header.push("", ` ${exported.warnings.length} thing(s) the spec cannot express:`, ...exported.warnings.map((w) => ` - ${w}`));
    }
    doc.commentBefore = header.join("\n");
    return doc.toString({ lineWidth: 0 });
}
