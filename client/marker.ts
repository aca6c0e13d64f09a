// Apart from the client so that a provider's check and diff can name the key without loading the HTTP stack.
/** The customData key under which `createApplication` stores its per-create marker. */
export const applicationMarkerKey = "__pulumiLogtoM2M";

/**
 * The stack (`<project>/<stack>/<resource name>`) whose app marker this is, or undefined for a marker no stack
 * wrote (a bare UUID of a client's create).
 */
export function stackOfMarker(marker: string): string | undefined {
    if (!marker.startsWith("pulumi:")) return undefined;
    return marker.slice("pulumi:".length).replace(/#[^#]*$/, "");
}
