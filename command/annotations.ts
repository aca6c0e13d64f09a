/**
 * GitHub Actions workflow commands (`::error file=...,line=...,col=...::message`): the runner shows them on the
 * pull request's lines. Data and property values are escaped as the runner's toolkit does, so a message with a
 * newline, `%`, `:` or `,` arrives whole.
 */
export type AnnotationLevel = "error" | "warning" | "notice";

export interface Annotation {
    level: AnnotationLevel;
    file?: string;
    line?: number;
    column?: number;
    title?: string;
    message: string;
}

function escapeData(text: string): string {
    return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function escapeProperty(text: string): string {
    return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

export function workflowCommand(a: Annotation): string {
    const properties = [
        a.file === undefined ? undefined : `file=${escapeProperty(a.file)}`,
        a.line === undefined ? undefined : `line=${a.line}`,
        a.column === undefined ? undefined : `col=${a.column}`,
        a.title === undefined ? undefined : `title=${escapeProperty(a.title)}`,
    ].filter((p) => p !== undefined);
    return `::${a.level}${properties.length > 0 ? ` ${properties.join(",")}` : ""}::${escapeData(a.message)}`;
}
