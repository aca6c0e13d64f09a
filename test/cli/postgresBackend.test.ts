import { postgresBinDir, startPostgres } from "../support/postgres";
import { describePlatformRepoCycle } from "./platformRepoCycle";

// The same road on Pulumi's PostgreSQL backend (pulumi login postgres://...), as a platform team shares state.
// The shorter cycle: the file-backend test covers the previews, the edit and refresh; this one what depends on
// where state lives (create, no-op, outputs, the downstream StackReference, destroy).
const available = postgresBinDir() !== undefined || process.env.LOGTO_M2M_REQUIRE_POSTGRES === "1";
if (!available) {
    test.skip("PostgreSQL state backend: no PostgreSQL server binaries on this machine", () => {});
} else {
    describePlatformRepoCycle("PostgreSQL", { full: false, backend: startPostgres });
}
