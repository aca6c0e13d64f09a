import { startLocalLogto, type FaultRule, type LocalLogto } from "../../local-logto";
import { closeHttpAgent, ManagementClient, RequestBudget, type ManagementClientOptions } from "../../client";

/** A local Logto and a client of its own for it (own token source and an unlimited budget unless told). */
export interface ClientFixture {
    logto: LocalLogto;
    client: ManagementClient;
}

export async function startLogto(options: { faults?: FaultRule[]; tokenTtlOverrideSeconds?: number } = {}): Promise<LocalLogto> {
    return startLocalLogto({ port: 0, ...options });
}

/** Fast retries: tests exercise the paths, not the production timings. */
export const fastRetry = { baseDelayMs: 20, maxDelayMs: 200, maxElapsedMs: 20_000 };

export function clientFor(logto: LocalLogto, options: ManagementClientOptions = {}): ManagementClient {
    return new ManagementClient({
        endpoint: logto.endpoint,
        appId: logto.bootstrap.appId,
        appSecret: logto.bootstrap.appSecret,
        managementIndicator: logto.managementIndicator,
    }, { budget: RequestBudget.unlimited(), retry: fastRetry, now: () => Date.now(), ...options });
}

export async function closeAll(...servers: Array<LocalLogto | undefined>): Promise<void> {
    await closeHttpAgent();
    await Promise.all(servers.map((s) => s?.close()));
}
