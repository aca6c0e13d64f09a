import { readFileSync } from "node:fs";
import * as path from "node:path";
import { LineCounter, parseDocument } from "yaml";
import { positionInDocument, type SourcePosition } from "./positions";
import { SpecError } from "./validate";

/** The config namespace of the program: `logto-m2m:spec`, `logto-m2m:specFile`, `logto-m2m:verify`. */
export const CONFIG_NAMESPACE = "logto-m2m";

/** The spec as read, not yet validated, and where it came from (for messages). */
export interface LoadedSpec {
    raw: unknown;
    source: string;
    /**
     * Where a path of the spec (`roles[1].name`, an unknown `key` of the object there) is in the text it was
     * parsed from, for messages with a line and column.
     */
    locate?: (path: string, key?: string) => SourcePosition | undefined;
}

/** Parses a YAML (or JSON) spec; syntax errors become a `SpecError` with the line and column. */
export function parseSpecYaml(text: string, source: string): LoadedSpec {
    // The core schema reads 2027-01-01 as a string; validation turns it into a date, so no YAML 1.1 timestamps.
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter });
    if (doc.errors.length > 0) {
        throw new SpecError(doc.errors.map((e) => ({
            path: e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : "",
            message: (e.message.split("\n")[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, ""),
            ...(e.linePos ? { line: e.linePos[0].line, column: e.linePos[0].col } : {}),
        })), source);
    }
    return { raw: doc.toJS() ?? {}, source, locate: (path, key) => positionInDocument(doc, lineCounter, path, key) };
}

/** Reads a spec file; a relative name is taken from `baseDir` (the program's folder). */
export function readSpecFile(file: string, baseDir = process.cwd()): LoadedSpec {
    const full = path.resolve(baseDir, file);
    let text: string;
    try {
        text = readFileSync(full, "utf8");
    } catch (e) {
        throw new SpecError([{ path: "", message: `cannot read the spec file ${full}: ${(e as Error).message}` }], `${CONFIG_NAMESPACE}:specFile`);
    }
    return parseSpecYaml(text, file);
}

/** What `loadSpec` needs of a `pulumi.Config` (kept narrow so tests can pass a plain object). */
export interface ConfigReader {
    get(key: string): string | undefined;
}

/**
 * The spec from stack config: an object under `logto-m2m:spec`, or a YAML file named by `logto-m2m:specFile`.
 * The object wins when both are set (Pulumi.yaml gives `specFile` a default, so "both" is the common case of a
 * stack that carries its spec in its own config).
 */
export function loadSpec(config: ConfigReader, baseDir = process.cwd()): LoadedSpec {
    const inline = config.get("spec");
    const file = config.get("specFile");
    if (inline === undefined) {
        if (file !== undefined) return readSpecFile(file, baseDir);
        throw new SpecError([{ path: "", message: `no spec: set ${CONFIG_NAMESPACE}:specFile to a YAML file, or ${CONFIG_NAMESPACE}:spec to an object in the stack config` }]);
    }
    // Pulumi hands object config values over as JSON text; a plain string value is taken as YAML.
    return parseSpecYaml(inline, `${CONFIG_NAMESPACE}:spec`);
}
