import { readFileSync } from "node:fs";
import * as path from "node:path";
import { BUILT_IN_MANAGEMENT_ROLE, SpecError, parseSpecYaml, validateSpec, type LoadedSpec, type SpecIssue, type ValidSpec } from "../spec";
import { workflowCommand } from "./annotations";
import { ExitCode, type Invocation, type Subcommand } from "./subcommand";

/** One problem of a spec file, placed in its text. */
export interface PlacedIssue {
    path: string;
    message: string;
    line?: number;
    column?: number;
}

/** The outcome of validating one file. */
export interface FileReport {
    file: string;
    /** The file could not be read: nothing was checked. */
    unreadable?: string;
    errors: PlacedIssue[];
    /** Not errors: roles that must exist in Logto, which only a preview can check. */
    warnings: PlacedIssue[];
    counts?: { resources: number; roles: number; apps: number };
    /** The validated spec, when there are no errors. */
    spec?: ValidSpec;
}

export interface ValidateFileOptions {
    tenantId?: string;
    managementIndicator?: string;
    now?: number;
}

function place(issue: SpecIssue, loaded: LoadedSpec | undefined): PlacedIssue {
    const at = issue.line !== undefined ? { line: issue.line, column: issue.column ?? 1 } : loaded?.locate?.(issue.path, issue.key);
    return { path: issue.path, message: issue.message, ...(at === undefined ? {} : { line: at.line, column: at.column }) };
}

/** Roles apps name without declaring them (the built-in one aside): a typo shows up here before it reaches Logto. */
function undeclaredRoles(spec: ValidSpec, loaded: LoadedSpec): PlacedIssue[] {
    return spec.externalRoles.filter((r) => r.name !== BUILT_IN_MANAGEMENT_ROLE).flatMap((r) => r.paths.map((p) => place({
        path: p,
        message: `role ${JSON.stringify(r.name)} is not declared under roles: it must exist in Logto as a machine-to-machine role (pulumi preview checks it)`,
    }, loaded)));
}

/**
 * The checks `pulumi preview` runs on a spec before it asks Logto anything (the same `validateSpec`), on one
 * file, every error placed at its line and column.
 */
export function validateSpecFile(file: string, cwd: string, options: ValidateFileOptions = {}): FileReport {
    let text: string;
    try {
        // `-` is stdin (e.g. `git show origin/main:m2m.yaml | logto-m2m access m2m.yaml --base -`).
        text = readFileSync(file === "-" ? 0 : path.resolve(cwd, file), "utf8");
    } catch (e) {
        return { file, unreadable: (e as Error).message, errors: [], warnings: [] };
    }
    let loaded: LoadedSpec | undefined;
    try {
        loaded = parseSpecYaml(text, file);
        const spec = validateSpec(loaded.raw, { ...options, source: file });
        return {
            file,
            errors: [],
            warnings: undeclaredRoles(spec, loaded),
            counts: { resources: spec.resources.length, roles: spec.roles.length, apps: spec.apps.length },
            spec,
        };
    } catch (e) {
        if (!(e instanceof SpecError)) throw e;
        return { file, errors: e.issues.map((i) => place(i, loaded)), warnings: [] };
    }
}

export function where(file: string, issue: PlacedIssue): string {
    return issue.line === undefined ? file : `${file}:${issue.line}:${issue.column}`;
}

export function pathed(issue: PlacedIssue): string {
    return issue.path ? `${issue.path}: ${issue.message}` : issue.message;
}

/** A file name as the workflow's annotations need it: relative to the checkout (GITHUB_WORKSPACE), else as given. */
function annotationFile(file: string, cwd: string, env: NodeJS.ProcessEnv): string {
    const workspace = env.GITHUB_WORKSPACE;
    const full = path.resolve(cwd, file);
    return workspace ? path.relative(workspace, full) : file;
}

function plural(n: number, word: string): string {
    return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export const validate: Subcommand = {
    name: "validate",
    summary: "check spec files offline, as pulumi preview does, every error with its line",
    usage: "validate SPEC... [--tenant-id ID] [--format text|json|github]",
    help: `Checks each SPEC (YAML or JSON) with the checks pulumi preview runs before it calls Logto: the shape,
every cross-reference, Logto's limits and secret expiries. Every error is reported, each with its path in the
spec and its line and column. Roles that apps name without declaring them must exist in Logto; they are listed
as warnings (only a preview can look them up).

  --tenant-id ID    the Logto Cloud tenant, for its Management API indicator (default env LOGTO_TENANT_ID;
                    none: self-hosted, https://default.logto.app/api)

Formats: text (file:line:column: path: message), json, github (workflow annotations on the pull request's
lines: ::error file=...,line=...,col=...::message).`,
    options: { "tenant-id": { type: "string" } },
    formats: ["text", "json", "github"],
    positionals: { min: 1 },
    async run(inv: Invocation): Promise<ExitCode> {
        const tenantId = typeof inv.values["tenant-id"] === "string" ? inv.values["tenant-id"] : inv.env.LOGTO_TENANT_ID?.trim() || undefined;
        const managementIndicator = inv.env.LOGTO_MANAGEMENT_INDICATOR?.trim() || undefined;
        const reports = inv.positionals.map((file) => validateSpecFile(file, inv.cwd, {
            ...(tenantId === undefined ? {} : { tenantId }),
            ...(managementIndicator === undefined ? {} : { managementIndicator }),
        }));
        for (const r of reports) if (r.unreadable !== undefined) inv.streams.progress(`logto-m2m validate: cannot read ${r.file}: ${r.unreadable}`);
        if (inv.format === "json") {
            inv.streams.out(JSON.stringify({ files: reports.map(({ spec: _spec, ...r }) => ({ ...r, valid: r.unreadable === undefined && r.errors.length === 0 })) }, null, 2));
        } else {
            for (const r of reports) {
                if (r.unreadable !== undefined) continue;
                for (const issue of r.errors) {
                    inv.streams.out(inv.format === "github"
                        ? workflowCommand({ level: "error", file: annotationFile(r.file, inv.cwd, inv.env), line: issue.line, column: issue.column, title: "logto-m2m validate", message: pathed(issue) })
                        : `${where(r.file, issue)}: error: ${pathed(issue)}`);
                }
                for (const issue of r.warnings) {
                    inv.streams.out(inv.format === "github"
                        ? workflowCommand({ level: "warning", file: annotationFile(r.file, inv.cwd, inv.env), line: issue.line, column: issue.column, title: "logto-m2m validate", message: pathed(issue) })
                        : `${where(r.file, issue)}: warning: ${pathed(issue)}`);
                }
                inv.streams.out(r.errors.length > 0 ? `${r.file}: ${plural(r.errors.length, "error")}`
                    : `${r.file}: valid (${plural(r.counts!.resources, "resource")}, ${plural(r.counts!.roles, "role")}, ${plural(r.counts!.apps, "app")})`);
            }
        }
        if (reports.some((r) => r.unreadable !== undefined)) return ExitCode.failure;
        return reports.some((r) => r.errors.length > 0) ? ExitCode.findings : ExitCode.ok;
    },
};
