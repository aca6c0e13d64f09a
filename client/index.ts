// The Logto Management API client: what the providers use to talk to Logto.
export * from "./settings";
export * from "./errors";
export * from "./backoff";
export * from "./budget";
export * from "./http";
export * from "./tokenSource";
export * from "./schemas";
export * from "./managementClient";
export * from "./pathSegment";
