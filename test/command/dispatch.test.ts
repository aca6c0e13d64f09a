import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { dispatch } from "../../command/dispatch";
import { ExitCode, UsageError, type Invocation, type Subcommand } from "../../command/subcommand";
import { ConnectionSettingsError } from "../../client/settings";
import { repoRoot } from "../support/engine";

// The conventions every subcommand shares, on a subcommand made for the test: help, formats, exit codes, streams.

function recorder() {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, streams: { out: (t: string) => void out.push(t), progress: (t: string) => void err.push(t) } };
}

function echo(run?: (inv: Invocation) => Promise<ExitCode>): Subcommand {
    return {
        name: "echo",
        summary: "prints its arguments",
        usage: "echo WORD... [--loud]",
        help: "Prints each WORD.\n\n  --loud   in capitals",
        options: { loud: { type: "boolean" } },
        formats: ["text", "json"],
        positionals: { min: 1, max: 3 },
        run: run ?? (async (inv) => {
            const words = inv.positionals.map((w) => (inv.values.loud === true ? w.toUpperCase() : w));
            inv.streams.out(inv.format === "json" ? JSON.stringify(words) : words.join(" "));
            inv.streams.progress("echoed");
            return ExitCode.ok;
        }),
    };
}

async function run(args: string[], sub = echo()) {
    const r = recorder();
    const code = await dispatch(args, [sub], { streams: r.streams, env: {}, cwd: "/" });
    return { code, out: r.out.join("\n"), err: r.err.join("\n") };
}

describe("the logto-m2m dispatcher", () => {
    test("runs a subcommand with its options and format: results on stdout, progress on stderr", async () => {
        expect(await run(["echo", "a", "b", "--loud"])).toEqual({ code: 0, out: "A B", err: "echoed" });
        expect(await run(["echo", "a", "--format", "json"])).toEqual({ code: 0, out: '["a"]', err: "echoed" });
        expect(await run(["echo", "--format=json", "a"])).toEqual({ code: 0, out: '["a"]', err: "echoed" });
    });

    test("--help lists the subcommands; <command> --help and help <command> show its usage, options and formats", async () => {
        const top = await run(["--help"]);
        expect(top.code).toBe(0);
        expect(top.out).toMatch(/echo\s+prints its arguments/);
        for (const args of [["echo", "--help"], ["echo", "-h"], ["help", "echo"], ["echo", "x", "--help"]]) {
            const help = await run(args);
            expect(help.code).toBe(0);
            expect(help.out).toContain("Usage: logto-m2m echo WORD... [--loud]");
            expect(help.out).toContain("--loud");
            expect(help.out).toContain("text, json (default text)");
            expect(help.err).toBe("");
        }
    });

    test("usage errors are exit code 2 with a pointer to the help, on stderr only", async () => {
        const cases: Array<[string[], RegExp]> = [
            [[], /Usage: logto-m2m <command>/],
            [["nope"], /unknown command "nope" \(commands: echo\)/],
            [["echo"], /missing arguments: echo WORD\.\.\./],
            [["echo", "a", "b", "c", "d"], /too many arguments/],
            [["echo", "a", "--nope"], /Unknown option '--nope'.*see logto-m2m echo --help/],
            [["echo", "a", "--format", "xml"], /--format xml: one of text, json/],
            [["echo", "a", "--format"], /--format/],
        ];
        for (const [args, message] of cases) {
            const r = await run(args);
            expect({ args, code: r.code }).toEqual({ args, code: 2 });
            expect(`${r.err}${args.length === 0 ? r.out : ""}`).toMatch(message);
            if (args.length > 0) expect(r.out).toBe("");
        }
    });

    test("a subcommand's findings are exit code 1; a failure it throws is exit code 2 with its message", async () => {
        expect((await run(["echo", "a"], echo(async () => ExitCode.findings))).code).toBe(1);
        const usage = await run(["echo", "a"], echo(async () => { throw new UsageError("--base needs a file"); }));
        expect(usage).toEqual({ code: 2, out: "", err: "logto-m2m echo: --base needs a file; see logto-m2m echo --help" });
        const settings = await run(["echo", "a"], echo(async () => { throw new ConnectionSettingsError([{ field: "LOGTO_APP_ID (appId)", message: "required" }]); }));
        expect(settings.code).toBe(2);
        expect(settings.err).toContain("LOGTO_APP_ID (appId): required");
    });
});

describe("the logto-m2m bin", () => {
    const bin = path.join(repoRoot, "dist", "command", "main.js");

    test("prints its help and exits 0; a missing command exits 2", () => {
        expect(execFileSync(process.execPath, [bin, "--help"], { encoding: "utf8" })).toContain("Usage: logto-m2m <command>");
        expect(spawnSync(process.execPath, [bin], { encoding: "utf8" }).status).toBe(2);
    });

    test("a reader that closes the pipe early (| head -1) is no failure: exit 0, no crash on stderr", () => {
        const dir = mkdtempSync(path.join(tmpdir(), "logto-m2m-pipe-"));
        try {
            // More than a pipe's buffer of output.
            writeFileSync(path.join(dir, "big.json"), JSON.stringify({ apps: Array.from({ length: 3000 }, (_, i) => ({ name: `app${i}` })) }));
            const run = spawnSync("bash", ["-c", `"${process.execPath}" "${bin}" access big.json | head -1; echo "exit \${PIPESTATUS[0]}" >&2`], { cwd: dir, encoding: "utf8" });
            expect(run.stdout).toBe("Access of big.json (Management API: https://default.logto.app/api)\n");
            expect(run.stderr).toBe("exit 0\n");
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});
