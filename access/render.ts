import { hasChanges, type AccessDiff, type AppChange, type OrganizationChange } from "./diff";
import { isFullTenantControl, type AccessMatrix, type Holding, type OrganizationAccess, type OrganizationHolding } from "./model";

/**
 * The access matrix and the access diff for people (text), for a pull-request comment (markdown, mermaid) and for
 * tools (json). Names come from the spec, that is from the author of a pull request: markdown and mermaid escape
 * them, so a name cannot rewrite the comment around it.
 */
export type AccessFormat = "text" | "markdown" | "mermaid" | "json";
export const accessFormats = ["text", "markdown", "mermaid", "json"] as const;

const FULL = "full tenant control";

// ---- text ---------------------------------------------------------------------------------------------------

function resourceLabel(names: Record<string, string>, indicator: string): string {
    const name = names[indicator];
    return name === undefined || name === indicator ? indicator : `${indicator} (${name})`;
}

function holdingLine(names: Record<string, string>, mgmt: string, h: Holding, sign = ""): string {
    const flag = isFullTenantControl({ managementIndicator: mgmt }, h.resource, h.permission) ? `  [${FULL.toUpperCase()}]` : "";
    return `  ${sign}${h.permission} on ${resourceLabel(names, h.resource)} via ${h.via.join(", ")}${flag}`;
}

/** An organization permission, or an API resource's permission, held in an organization. */
function orgHoldingText(names: Record<string, string>, h: OrganizationHolding): string {
    return h.resource === undefined ? `${h.permission} (organization permission)` : `${h.permission} on ${resourceLabel(names, h.resource)}`;
}

function organizationsText(names: Record<string, string>, orgs: OrganizationAccess[]): string[] {
    return orgs.flatMap((o) => [
        `  in organization ${o.organization} (organization roles: ${o.roles.join(", ") || "none"})`,
        ...o.holdings.map((h) => `    ${orgHoldingText(names, h)} via ${h.via.join(", ")}`),
        ...(o.holdings.length === 0 ? ["    holds no permission there"] : []),
    ]);
}

function organizationChangeText(names: Record<string, string>, c: OrganizationChange): string[] {
    const roles = [...c.rolesAdded.map((r) => `+ ${r}`), ...c.rolesRemoved.map((r) => `- ${r}`)].join(", ");
    const head = c.joined === true ? `  + joins organization ${c.organization} (organization roles: ${c.rolesAdded.join(", ") || "none"})`
        : c.left === true ? `  - leaves organization ${c.organization} (organization roles: ${c.rolesRemoved.join(", ") || "none"})`
            : `  in organization ${c.organization}${roles === "" ? "" : ` (organization roles: ${roles})`}`;
    return [head, ...c.gained.map((h) => `    + ${orgHoldingText(names, h)} via ${h.via.join(", ")}`), ...c.lost.map((h) => `    - ${orgHoldingText(names, h)} via ${h.via.join(", ")}`)];
}

function matrixText(m: AccessMatrix): string {
    const lines = [`Access of ${m.source} (Management API: ${m.managementIndicator})`, ""];
    for (const a of m.apps) {
        lines.push(`${a.app}${a.id === undefined || a.app.includes(a.id) ? "" : ` [${a.id}]`}  (roles: ${a.roles.join(", ") || "none"})`);
        for (const h of a.holdings) lines.push(holdingLine(m.resourceNames, m.managementIndicator, h));
        for (const r of a.unknownRoles) lines.push(`  ? role ${r}: not declared in the spec, its permissions are in Logto`);
        if (a.holdings.length === 0 && a.unknownRoles.length === 0) lines.push("  holds no permission");
        lines.push(...organizationsText(m.resourceNames, a.organizations ?? []));
    }
    if (m.apps.length === 0) lines.push("no apps");
    if (m.unheld.length > 0) lines.push("", "Permissions no app holds:", ...m.unheld.map((p) => `  ${p.permission} on ${resourceLabel(m.resourceNames, p.resource)}`));
    return lines.join("\n");
}

function changeText(d: AccessDiff, c: AppChange, what: string): string[] {
    const lines = [`${c.app}${what}`];
    for (const h of c.gained) lines.push(holdingLine(d.resourceNames, d.managementIndicator, h, "+ "));
    for (const h of c.lost) lines.push(holdingLine(d.resourceNames, d.managementIndicator, h, "- "));
    if (what === "" && (c.rolesAdded.length > 0 || c.rolesRemoved.length > 0)) {
        lines.push(`  roles: ${[...c.rolesAdded.map((r) => `+ ${r}`), ...c.rolesRemoved.map((r) => `- ${r}`)].join(", ")}`);
    }
    for (const r of c.unknownRoles) lines.push(`  ? role ${r}: not declared in the spec, its permissions are in Logto`);
    for (const o of c.organizations ?? []) lines.push(...organizationChangeText(d.resourceNames, o));
    return lines;
}

function diffText(d: AccessDiff): string {
    const lines = [`Access changes: ${d.base} -> ${d.head}`, ""];
    if (!hasChanges(d)) lines.push("No access changes.");
    for (const c of d.appsAdded) lines.push(...changeText(d, c, ` (new app; roles: ${c.rolesAdded.join(", ") || "none"})`));
    for (const c of d.appsRemoved) lines.push(...changeText(d, c, " (app removed)"));
    for (const c of d.appsChanged) lines.push(...changeText(d, c, ""));
    if (d.rolesAdded.length > 0) lines.push(`Roles added: ${d.rolesAdded.join(", ")}`);
    if (d.rolesRemoved.length > 0) lines.push(`Roles removed: ${d.rolesRemoved.join(", ")}`);
    for (const r of d.rolesChanged) {
        lines.push(`Role ${r.role}: ${[...r.gained.map((p) => `+ ${p.permission} on ${p.resource}`), ...r.lost.map((p) => `- ${p.permission} on ${p.resource}`)].join("; ")}`);
    }
    if (d.noLongerHeld.length > 0) lines.push("No app holds any more:", ...d.noLongerHeld.map((p) => `  ${p.permission} on ${resourceLabel(d.resourceNames, p.resource)}`));
    if (d.organizationsAdded.length > 0) lines.push(`Organizations added: ${d.organizationsAdded.join(", ")}`);
    if (d.organizationsRemoved.length > 0) lines.push(`Organizations removed: ${d.organizationsRemoved.join(", ")}`);
    if (d.organizationRolesAdded.length > 0) lines.push(`Organization roles added: ${d.organizationRolesAdded.join(", ")}`);
    if (d.organizationRolesRemoved.length > 0) lines.push(`Organization roles removed: ${d.organizationRolesRemoved.join(", ")}`);
    if (d.untouched.apps.length + d.untouched.roles.length + d.untouched.organizations.length > 0) {
        lines.push("", `Not in the spec, left as they are: ${untouchedCounts(d)}`);
    }
    return lines.join("\n");
}

function untouchedCounts(d: AccessDiff): string {
    const orgs = d.untouched.organizations.length > 0 ? `, ${d.untouched.organizations.length} organizations` : "";
    return `${d.untouched.apps.length} apps, ${d.untouched.roles.length} roles${orgs}`;
}

// ---- markdown -----------------------------------------------------------------------------------------------

/** Text in a table cell: markdown and HTML characters escaped, so a name stays a name. */
export function mdText(text: string): string {
    return text.replace(/[\\`*_[\]<>|~&]/g, (c) => `\\${c}`).replace(/\r?\n/g, " ");
}

/** Inline code, unless the text holds a backtick (then escaped text). */
function mdCode(text: string): string {
    return /[`\r\n|]/.test(text) ? mdText(text) : `\`${text}\``;
}

function mdResource(names: Record<string, string>, indicator: string): string {
    const name = names[indicator];
    return name === undefined || name === indicator ? mdCode(indicator) : `${mdText(name)} (${mdCode(indicator)})`;
}

function mdPermission(mgmt: string, resource: string, permission: string): string {
    return isFullTenantControl({ managementIndicator: mgmt }, resource, permission) ? `${mdCode(permission)} ⚠️ **${FULL}**` : mdCode(permission);
}

function table(head: string[], rows: string[][]): string[] {
    return [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)];
}

function matrixMarkdown(m: AccessMatrix): string {
    const rows: string[][] = [];
    for (const a of m.apps) {
        const app = mdText(a.app);
        for (const h of a.holdings) rows.push([app, mdPermission(m.managementIndicator, h.resource, h.permission), mdResource(m.resourceNames, h.resource), h.via.map(mdText).join(", ")]);
        for (const r of a.unknownRoles) rows.push([app, "?", "(in Logto)", `${mdText(r)} (not declared in the spec)`]);
        if (a.holdings.length === 0 && a.unknownRoles.length === 0) rows.push([app, "(none)", "", ""]);
    }
    const lines = [`### Access of ${mdCode(m.source)}`, "", ...table(["App", "Permission", "API resource", "Through roles"], rows)];
    if (m.unheld.length > 0) lines.push("", `**Permissions no app holds:** ${m.unheld.map((p) => `${mdCode(p.permission)} on ${mdResource(m.resourceNames, p.resource)}`).join(", ")}`);
    const orgRows = m.apps.flatMap((a) => (a.organizations ?? []).flatMap((o) => (o.holdings.length === 0
        ? [[mdText(a.app), mdText(o.organization), "(none)", "", o.roles.map(mdText).join(", ")]]
        : o.holdings.map((h) => [mdText(a.app), mdText(o.organization), mdCode(h.permission), mdOrgTarget(m.resourceNames, h), h.via.map(mdText).join(", ")]))));
    if (orgRows.length > 0) lines.push("", "#### In organizations (organization tokens)", "", ...table(["App", "Organization", "Permission", "API resource", "Through organization roles"], orgRows));
    return lines.join("\n");
}

/** The API resource of an organization holding, or that it is an organization permission. */
function mdOrgTarget(names: Record<string, string>, h: OrganizationHolding): string {
    return h.resource === undefined ? "(organization permission)" : mdResource(names, h.resource);
}

function diffMarkdown(d: AccessDiff): string {
    const lines = [`### Access changes`, "", `${mdCode(d.base)} → ${mdCode(d.head)}`, ""];
    if (!hasChanges(d)) {
        lines.push("No access changes.");
        return lines.join("\n");
    }
    const full = [...d.appsAdded, ...d.appsChanged].filter((c) => c.gained.some((h) => isFullTenantControl(d, h.resource, h.permission)));
    for (const c of full) lines.push(`> ⚠️ **${mdText(c.app)} gains ${FULL}** (${mdCode("all")} on the Management API)`, "");
    const rows: string[][] = [];
    const add = (c: AppChange, label: string): void => {
        for (const h of c.gained) rows.push([`${mdText(c.app)}${label}`, "➕ gains", mdPermission(d.managementIndicator, h.resource, h.permission), mdResource(d.resourceNames, h.resource), h.via.map(mdText).join(", ")]);
        for (const h of c.lost) rows.push([`${mdText(c.app)}${label}`, "➖ loses", mdPermission(d.managementIndicator, h.resource, h.permission), mdResource(d.resourceNames, h.resource), h.via.map(mdText).join(", ")]);
        if (label === "" && c.rolesAdded.length + c.rolesRemoved.length > 0) {
            const same = c.gained.length + c.lost.length === 0 ? "(same permissions)" : "";
            rows.push([mdText(c.app), "roles", [...c.rolesAdded.map((r) => `+ ${mdText(r)}`), ...c.rolesRemoved.map((r) => `− ${mdText(r)}`)].join(", "), "", same]);
        }
        if (label !== "" && c.gained.length + c.lost.length === 0) rows.push([`${mdText(c.app)}${label}`, "", "(no permission)", "", ""]);
    };
    for (const c of d.appsAdded) add(c, " (new app)");
    for (const c of d.appsRemoved) add(c, " (app removed)");
    for (const c of d.appsChanged) add(c, "");
    if (rows.length > 0) lines.push(...table(["App", "Change", "Permission", "API resource", "Through roles"], rows), "");
    const orgRows: string[][] = [];
    for (const c of [...d.appsAdded, ...d.appsRemoved, ...d.appsChanged]) {
        for (const o of c.organizations ?? []) {
            const app = mdText(c.app);
            const org = mdText(o.organization);
            if (o.joined === true) orgRows.push([app, org, "➕ joins", "", "", o.rolesAdded.map(mdText).join(", ")]);
            if (o.left === true) orgRows.push([app, org, "➖ leaves", "", "", o.rolesRemoved.map(mdText).join(", ")]);
            if (o.joined !== true && o.left !== true && o.rolesAdded.length + o.rolesRemoved.length > 0) {
                orgRows.push([app, org, "roles", "", "", [...o.rolesAdded.map((r) => `+ ${mdText(r)}`), ...o.rolesRemoved.map((r) => `− ${mdText(r)}`)].join(", ")]);
            }
            for (const h of o.gained) orgRows.push([app, org, "➕ gains", mdCode(h.permission), mdOrgTarget(d.resourceNames, h), h.via.map(mdText).join(", ")]);
            for (const h of o.lost) orgRows.push([app, org, "➖ loses", mdCode(h.permission), mdOrgTarget(d.resourceNames, h), h.via.map(mdText).join(", ")]);
        }
    }
    if (orgRows.length > 0) lines.push("#### In organizations", "", ...table(["App", "Organization", "Change", "Permission", "API resource", "Through organization roles"], orgRows), "");
    if (d.rolesAdded.length > 0) lines.push(`**Roles added:** ${d.rolesAdded.map(mdText).join(", ")}  `);
    if (d.rolesRemoved.length > 0) lines.push(`**Roles removed:** ${d.rolesRemoved.map(mdText).join(", ")}  `);
    for (const r of d.rolesChanged) {
        const parts = [...r.gained.map((p) => `➕ ${mdCode(p.permission)} on ${mdCode(p.resource)}`), ...r.lost.map((p) => `➖ ${mdCode(p.permission)} on ${mdCode(p.resource)}`)];
        lines.push(`**Role ${mdText(r.role)}:** ${parts.join(", ")}  `);
    }
    if (d.noLongerHeld.length > 0) lines.push(`**No app holds any more:** ${d.noLongerHeld.map((p) => `${mdCode(p.permission)} on ${mdResource(d.resourceNames, p.resource)}`).join(", ")}  `);
    if (d.organizationsAdded.length > 0) lines.push(`**Organizations added:** ${d.organizationsAdded.map(mdText).join(", ")}  `);
    if (d.organizationsRemoved.length > 0) lines.push(`**Organizations removed:** ${d.organizationsRemoved.map(mdText).join(", ")}  `);
    if (d.organizationRolesAdded.length > 0) lines.push(`**Organization roles added:** ${d.organizationRolesAdded.map(mdText).join(", ")}  `);
    if (d.organizationRolesRemoved.length > 0) lines.push(`**Organization roles removed:** ${d.organizationRolesRemoved.map(mdText).join(", ")}  `);
    if (d.untouched.apps.length + d.untouched.roles.length + d.untouched.organizations.length > 0) lines.push("", `_Not in the spec, left as they are: ${untouchedCounts(d)}._`);
    return lines.join("\n").trimEnd();
}

// ---- mermaid ------------------------------------------------------------------------------------------------

/** A node label: quotes and markup as Mermaid's entity codes. */
function mmLabel(text: string): string {
    return `"${text.replace(/[#"<>&]/g, (c) => `#${c.charCodeAt(0)};`).replace(/\r?\n/g, " ")}"`;
}

/** Node ids for apps, roles, permissions and resources; each thing gets one node. */
class MermaidGraph {
    private readonly ids = new Map<string, string>();
    private readonly nodes: string[] = [];
    private readonly edges = new Set<string>();
    readonly classes = new Map<string, Set<string>>();

    node(kind: "app" | "role" | "perm" | "res" | "org", key: string, label: string): string {
        const k = `${kind}\n${key}`;
        let id = this.ids.get(k);
        if (id === undefined) {
            id = `${kind}${this.ids.size}`;
            this.ids.set(k, id);
            const shape = kind === "app" ? [`[${mmLabel(label)}]`] : kind === "role" || kind === "org" ? [`([${mmLabel(label)}])`] : kind === "perm" ? [`{{${mmLabel(label)}}}`] : [`[(${mmLabel(label)})]`];
            this.nodes.push(`    ${id}${shape[0]}`);
        }
        return id;
    }

    edge(from: string, to: string, style: "plain" | "gains" | "loses" = "plain"): void {
        this.edges.add(style === "plain" ? `    ${from} --> ${to}` : style === "gains" ? `    ${from} == gains ==> ${to}` : `    ${from} -. loses .-> ${to}`);
    }

    mark(id: string, cls: string): void {
        const set = this.classes.get(cls) ?? new Set();
        set.add(id);
        this.classes.set(cls, set);
    }

    render(classDefs: Record<string, string>): string {
        const lines = ["```mermaid", "flowchart LR", ...this.nodes, ...this.edges];
        for (const [cls, def] of Object.entries(classDefs)) lines.push(`    classDef ${cls} ${def}`);
        for (const [cls, ids] of this.classes) lines.push(`    class ${[...ids].join(",")} ${cls}`);
        lines.push("```");
        return lines.join("\n");
    }
}

const classDefs = { full: "fill:#fdd,stroke:#c00,stroke-width:2px", gained: "fill:#dfd,stroke:#080", lost: "fill:#eee,stroke:#999,stroke-dasharray:4" };

function path(g: MermaidGraph, names: Record<string, string>, mgmt: string, app: string, h: Holding, style: "plain" | "gains" | "loses"): void {
    const a = g.node("app", app, app);
    const p = g.node("perm", `${h.resource}\n${h.permission}`, isFullTenantControl({ managementIndicator: mgmt }, h.resource, h.permission) ? `${h.permission}: ${FULL}` : h.permission);
    const r = g.node("res", h.resource, names[h.resource] === undefined ? h.resource : `${names[h.resource]} ${h.resource}`);
    for (const via of h.via) {
        const role = g.node("role", via, via);
        g.edge(a, role, style);
        g.edge(role, p, style);
    }
    g.edge(p, r);
    if (isFullTenantControl({ managementIndicator: mgmt }, h.resource, h.permission)) g.mark(p, "full");
    if (style === "gains") g.mark(p, "gained");
    if (style === "loses") g.mark(p, "lost");
}

/** app -> "role in organization" -> permission -> resource (an organization permission ends at its node). */
function organizationPath(g: MermaidGraph, names: Record<string, string>, app: string, organization: string, h: OrganizationHolding, style: "plain" | "gains" | "loses"): void {
    const a = g.node("app", app, app);
    const p = h.resource === undefined
        ? g.node("perm", `org\n${h.permission}`, `${h.permission} (organization permission)`)
        : g.node("perm", `${h.resource}\n${h.permission}`, h.permission);
    for (const via of h.via) {
        const role = g.node("org", `${organization}\n${via}`, `${via} in ${organization}`);
        g.edge(a, role, style);
        g.edge(role, p, style);
    }
    if (h.resource !== undefined) g.edge(p, g.node("res", h.resource, names[h.resource] === undefined ? h.resource : `${names[h.resource]} ${h.resource}`));
    if (style === "gains") g.mark(p, "gained");
    if (style === "loses") g.mark(p, "lost");
}

function matrixMermaid(m: AccessMatrix): string {
    const g = new MermaidGraph();
    for (const a of m.apps) {
        g.node("app", a.app, a.app);
        for (const h of a.holdings) path(g, m.resourceNames, m.managementIndicator, a.app, h, "plain");
        for (const o of a.organizations ?? []) for (const h of o.holdings) organizationPath(g, m.resourceNames, a.app, o.organization, h, "plain");
    }
    return g.render(classDefs);
}

function diffMermaid(d: AccessDiff): string {
    const g = new MermaidGraph();
    for (const c of [...d.appsAdded, ...d.appsRemoved, ...d.appsChanged]) {
        g.node("app", c.app, c.app);
        for (const h of c.gained) path(g, d.resourceNames, d.managementIndicator, c.app, h, "gains");
        for (const h of c.lost) path(g, d.resourceNames, d.managementIndicator, c.app, h, "loses");
        for (const o of c.organizations ?? []) {
            for (const h of o.gained) organizationPath(g, d.resourceNames, c.app, o.organization, h, "gains");
            for (const h of o.lost) organizationPath(g, d.resourceNames, c.app, o.organization, h, "loses");
        }
    }
    return g.render(classDefs);
}

// ---- entry points -------------------------------------------------------------------------------------------

export function renderMatrix(m: AccessMatrix, format: AccessFormat): string {
    switch (format) {
        case "text": return matrixText(m);
        case "markdown": return matrixMarkdown(m);
        case "mermaid": return matrixMermaid(m);
        case "json": return JSON.stringify(m, null, 2);
    }
}

export function renderDiff(d: AccessDiff, format: AccessFormat): string {
    switch (format) {
        case "text": return diffText(d);
        case "markdown": return diffMarkdown(d);
        case "mermaid": return diffMermaid(d);
        case "json": return JSON.stringify({ ...d, changes: hasChanges(d) }, null, 2);
    }
}
