import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";

/** A throwaway PostgreSQL server on loopback, for the engine test of Pulumi's PostgreSQL state backend. */
export interface PostgresServer {
    url: string;
    stop(): void;
}

/** The newest Debian PostgreSQL server binaries, if installed (setup installs them where it can). */
export function postgresBinDir(): string | undefined {
    const root = "/usr/lib/postgresql";
    if (!existsSync(root)) return undefined;
    const versions = readdirSync(root).filter((v) => existsSync(path.join(root, v, "bin", "initdb"))).sort((a, b) => Number(b) - Number(a));
    return versions.length > 0 ? path.join(root, versions[0], "bin") : undefined;
}

async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = createServer();
        server.listen(0, "127.0.0.1", () => {
            const address = server.address();
            server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
        });
    });
}

export async function startPostgres(): Promise<PostgresServer> {
    const bin = postgresBinDir();
    if (!bin) throw new Error("PostgreSQL server binaries not found under /usr/lib/postgresql (setup installs Debian's postgresql when run as root)");
    const base = mkdtempSync(path.join(tmpdir(), "logto-m2m-pg-"));
    const data = path.join(base, "data");
    const port = await freePort();
    // initdb and postgres refuse to run as root; drop to the postgres user Debian's package creates.
    const asRoot = process.getuid?.() === 0;
    if (asRoot) execFileSync("chown", ["postgres", base]);
    const run = (cmd: string, args: string[]) => {
        const full = [path.join(bin, cmd), ...args];
        const result = asRoot ? spawnSync("runuser", ["-u", "postgres", "--", ...full], { encoding: "utf8" }) : spawnSync(full[0], full.slice(1), { encoding: "utf8" });
        if (result.status !== 0) throw new Error(`${cmd} failed: ${result.stderr || result.stdout}`);
    };
    run("initdb", ["-D", data, "-A", "trust", "-U", "pulumi", "--no-sync"]);
    run("pg_ctl", ["-D", data, "-w", "-l", path.join(base, "server.log"), "-o", `-p ${port} -k ${base} -h 127.0.0.1 -c fsync=off`, "start"]);
    run("createdb", ["-h", "127.0.0.1", "-p", String(port), "-U", "pulumi", "pulumi_state"]);
    return {
        url: `postgres://pulumi@127.0.0.1:${port}/pulumi_state?sslmode=disable`,
        stop: () => {
            try { run("pg_ctl", ["-D", data, "-m", "immediate", "stop"]); } finally { rmSync(base, { recursive: true, force: true }); }
        },
    };
}
