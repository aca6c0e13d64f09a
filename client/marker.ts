// Apart from the client so that a provider's check and diff can name the key without loading the HTTP stack.
/** The customData key under which `createApplication` stores its per-create marker. */
export const applicationMarkerKey = "__pulumiLogtoM2M";
