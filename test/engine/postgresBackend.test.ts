import { engineSandbox } from "../support/engine";
import { postgresBinDir, startPostgres, type PostgresServer } from "../support/postgres";
import { describeEngineCycle } from "./engineCycle";

// GitOps users keep state in a shared database: Pulumi's PostgreSQL backend (pulumi login postgres://...).
// Setup installs Debian's PostgreSQL where it can (root with apt); elsewhere this file says why it skipped.
const available = postgresBinDir() !== undefined || process.env.LOGTO_M2M_REQUIRE_POSTGRES === "1";
if (!available) {
    test.skip("PostgreSQL state backend: no PostgreSQL server binaries on this machine", () => {});
} else {
    let server: PostgresServer | undefined;
    describeEngineCycle("PostgreSQL", async () => {
        server = await startPostgres();
        return engineSandbox(undefined, server.url);
    }, () => server?.stop());
}
