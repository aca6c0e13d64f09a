/**
 * A Logto-compatible local server: the token endpoint, JWKS and the Management API routes that the providers
 * use, behaving like Logto OSS 1.42 (see ../shared/logto/FACTS.md). The embedded default of the demo and the
 * target of the integration tests.
 */
import type { LocalLogtoOptions } from "./options";
import { launchLocalLogto, type LocalLogto } from "./server";

export type { FaultRule, LocalLogtoOptions, RequestCounts } from "./options";
export type { LocalLogto } from "./server";
export type { QuotaKey, Quotas } from "./quotas";

/** Starts a local Logto in this process; `port: 0` (the default) picks a free port. Call `close()` when done. */
export async function startLocalLogto(options: LocalLogtoOptions = {}): Promise<LocalLogto> {
    return (await launchLocalLogto(options)).logto;
}
