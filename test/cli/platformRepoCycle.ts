import { readFileSync } from "node:fs";
import * as path from "node:path";
import { requestClientCredentialsToken } from "../../component/verify";
import { startLogtoTarget, type LogtoTarget } from "../support/logtoTarget";
import { changedProperties, configureLogto, jwtClaims, platformProject, platformRepo, resourceSteps, runBin, type PlatformRepo } from "./support";

/**
 * The users' road, through the Pulumi CLI on a copy of examples/platform-repo with the packed package installed:
 * stack init, config (the app secret with --secret), preview --diff, up, a no-op preview and up without a single
 * Logto call, an edit previewed property by property, refresh after an out-of-band change, the app secret from
 * `stack output --show-secrets` getting a real token, the downstream project through its StackReference, destroy.
 *
 * `full: false` runs the shorter cycle (init, config, up, a no-op up, outputs, downstream, destroy) for a second
 * state backend: the backend changes where state lives, not what the program does.
 */
export function describePlatformRepoCycle(backendName: string, options: { full: boolean; backend?: () => Promise<{ url: string; stop(): void }> }): void {
    describe(`examples/platform-repo through the Pulumi CLI (${backendName} backend)`, () => {
        const stack = "prod";
        let target: LogtoTarget;
        let repo: PlatformRepo;
        let backend: { url: string; stop(): void } | undefined;
        const remote = () => target.local === undefined;
        // Which stacks are destroyed already (afterAll destroys the others, whatever failed).
        const done = { platform: false, downstream: false };

        beforeAll(async () => {
            target = await startLogtoTarget();
            backend = options.backend ? await options.backend() : undefined;
            repo = platformRepo(target, backend?.url);
        });
        afterAll(async () => {
            // Whatever a failed test left: the stacks' resources first, then the run's objects in Logto.
            if (repo) {
                if (!done.downstream) await repo.pulumi(["destroy", "--yes", "--stack", stack], { cwd: repo.downstream });
                if (!done.platform) await repo.pulumi(["destroy", "--yes", "--stack", stack]);
                repo.cleanup();
            }
            backend?.stop();
            await target?.close();
        });

        /** Logto's API calls (and token requests) since the last reset; undefined against another Logto. */
        const calls = () => {
            const counts = target.counts();
            return counts === undefined ? undefined : { token: counts.token, api: counts.api, byRoute: counts.byRoute };
        };
        const writes = () => Object.entries(target.counts()?.byRoute ?? {}).filter(([route]) => !route.startsWith("GET ")).map(([route]) => route);

        test("stack init and config set, the bootstrap secret with --secret", async () => {
            await repo.ok(["stack", "init", stack]);
            await configureLogto(repo, target, stack);
            const file = readFileSync(path.join(repo.dir, `Pulumi.${stack}.yaml`), "utf8");
            expect(file).toMatch(/^encryptionsalt: v1:/m);
            expect(file).toMatch(/logto:appSecret:\n\s+secure: v1:/);
            expect(file).not.toContain(target.connection.appSecret);
            const listed = await repo.ok(["config", "--stack", stack]);
            expect(listed.stdout).toMatch(/logto:appSecret\s+\[secret\]/);
            expect(listed.stdout).not.toContain(target.connection.appSecret);
        });

        if (options.full) {
            test("preview --diff shows what up would create, and writes nothing to Logto", async () => {
                target.resetCounts();
                const preview = await repo.ok(["preview", "--diff", "--stack", stack]);
                expect(preview.stdout).toMatch(/\+ 13 to create/);
                expect(preview.stdout).toContain(`+ pulumi-nodejs:dynamic/logto:M2MApplication: (create)`);
                expect(writes()).toEqual([]);
            });
        }

        test("up --yes creates the spec in Logto", async () => {
            const up = await repo.ok(["up", "--yes", "--stack", stack]);
            expect(up.stdout).toMatch(/\+ 13 created/);
            const apps = await target.client.listApplications();
            for (const name of [repo.names.storefront, repo.names.sync, repo.names.bot]) expect(apps.map((a) => a.name)).toContain(name);
            const resource = await target.client.findResourceByIndicator(repo.names.shopping);
            expect(resource?.accessTokenTtl).toBe(3600);
        });

        test(options.full ? "a no-op preview and a no-op up make no call to Logto" : "a no-op up makes no call to Logto", async () => {
            target.resetCounts();
            if (options.full) {
                const preview = await repo.ok(["preview", "--diff", "--stack", stack]);
                expect(preview.stdout).toMatch(/^\s+13 unchanged$/m);
                expect(resourceSteps(preview.stdout)).toEqual([]);
            }
            const up = await repo.ok(["up", "--yes", "--stack", stack]);
            expect(up.stdout).toMatch(/^\s+13 unchanged$/m);
            if (!remote()) expect(calls()).toEqual({ token: 0, api: 0, byRoute: {} });
        });

        if (options.full) {
            test("preview --diff of an edit shows exactly the changed properties, and up applies them", async () => {
                repo.editSpec((text) => text
                    .replace("accessTokenTtl: 3600", "accessTokenTtl: 7200")
                    .replace(/description: Reads the product catalogue$/m, "description: Reads the catalogue"));
                target.resetCounts();
                const preview = await repo.ok(["preview", "--diff", "--stack", stack]);
                expect(resourceSteps(preview.stdout)).toEqual([
                    "~ pulumi-nodejs:dynamic/logto:ApiResource: (update)",
                    "~ pulumi-nodejs:dynamic/logto:M2MRole: (update)",
                ]);
                expect(changedProperties(preview.stdout)).toEqual([
                    "~ accessTokenTtl: 3600 => 7200",
                    `~ description: "Reads the product catalogue" => "Reads the catalogue"`,
                ]);
                expect(preview.stdout).toMatch(/~ 2 to update\n\s+11 unchanged/);
                expect(writes()).toEqual([]);

                const up = await repo.ok(["up", "--yes", "--stack", stack]);
                expect(up.stdout).toMatch(/~ 2 updated\n\s+11 unchanged/);
                expect((await target.client.findResourceByIndicator(repo.names.shopping))?.accessTokenTtl).toBe(7200);
                const role = (await target.client.listRoles()).find((r) => r.name === repo.names.reader);
                expect(role?.description).toBe("Reads the catalogue");
                if (!remote()) expect(writes().sort()).toEqual(["PATCH /api/resources/:id", "PATCH /api/roles/:id"]);
            });

            test("refresh shows a change made in the Logto Console, and up puts the spec back", async () => {
                const resource = await target.client.findResourceByIndicator(repo.names.shopping);
                await target.client.updateResource(resource!.id, { accessTokenTtl: 600 });
                const refresh = await repo.ok(["refresh", "--yes", "--diff", "--stack", stack]);
                expect(refresh.stdout).toContain("~ pulumi-nodejs:dynamic/logto:ApiResource: (update)");
                expect(changedProperties(refresh.stdout)).toContain("~ accessTokenTtl: 7200 => 600");
                const up = await repo.ok(["up", "--yes", "--stack", stack]);
                expect(up.stdout).toMatch(/~ 1 updated/);
                expect((await target.client.findResourceByIndicator(repo.names.shopping))?.accessTokenTtl).toBe(7200);
            });
        }

        test("stack output --show-secrets gives an app secret that gets a token with the spec's permissions", async () => {
            const hidden = JSON.parse((await repo.ok(["stack", "output", "apps", "--json", "--stack", stack])).stdout);
            expect(hidden[repo.names.storefront].appSecret).toBe("[secret]");
            const apps = JSON.parse((await repo.ok(["stack", "output", "apps", "--json", "--show-secrets", "--stack", stack])).stdout);
            const storefront = apps[repo.names.storefront];
            expect(storefront.resources).toEqual({ [repo.names.shopping]: ["read:products"] });
            const token = await requestClientCredentialsToken({
                tokenEndpoint: storefront.tokenEndpoint, appId: storefront.appId, appSecret: storefront.appSecret,
                resource: repo.names.shopping, scopes: ["read:products", "write:products"],
            });
            expect(token.scope).toEqual(["read:products"]);
            expect(jwtClaims(token.accessToken)).toMatchObject({ aud: repo.names.shopping, client_id: storefront.appId });
            // The README's verify step, with the package's installed bin: every app's tokens against the spec.
            const all = await repo.ok(["stack", "output", "--json", "--show-secrets", "--stack", stack]);
            const verify = await runBin(path.join(repo.dir, "node_modules", ".bin", "logto-m2m-verify"), all.stdout, repo.dir);
            expect(verify).toMatchObject({ code: 0 });
            expect(verify.stdout).toMatch(/verify: \d+ token checks match the spec/);
        });

        test("the downstream project reads the app's ID and secret through a StackReference", async () => {
            const cwd = repo.downstream;
            await repo.ok(["stack", "init", stack], { cwd });
            // Pulumi.prod.yaml of the downstream project names organization/platform-m2m/prod already.
            const configured = await repo.ok(["config", "get", "m2mStack", "--stack", stack], { cwd });
            expect(configured.stdout.trim()).toBe(`organization/${platformProject}/${stack}`);
            await repo.ok(["config", "set", "app", repo.names.storefront, "--stack", stack], { cwd });
            await repo.ok(["config", "set", "resource", repo.names.shopping, "--stack", stack], { cwd });
            await repo.ok(["up", "--yes", "--stack", stack], { cwd });

            const shown = JSON.parse((await repo.ok(["stack", "output", "serviceEnv", "--json", "--stack", stack], { cwd })).stdout);
            expect(shown.LOGTO_APP_SECRET).toBe("[secret]");
            const env = JSON.parse((await repo.ok(["stack", "output", "serviceEnv", "--json", "--show-secrets", "--stack", stack], { cwd })).stdout);
            const apps = JSON.parse((await repo.ok(["stack", "output", "apps", "--json", "--show-secrets", "--stack", stack])).stdout);
            expect(env).toEqual({
                LOGTO_TOKEN_ENDPOINT: apps[repo.names.storefront].tokenEndpoint,
                LOGTO_APP_ID: shown.LOGTO_APP_ID,
                LOGTO_APP_SECRET: apps[repo.names.storefront].appSecret,
                API_RESOURCE: repo.names.shopping,
                API_SCOPE: "read:products",
            });
            expect(shown.LOGTO_APP_ID).toBe(apps[repo.names.storefront].appId);
            const token = await requestClientCredentialsToken({
                tokenEndpoint: env.LOGTO_TOKEN_ENDPOINT, appId: env.LOGTO_APP_ID, appSecret: env.LOGTO_APP_SECRET,
                resource: env.API_RESOURCE, scopes: env.API_SCOPE.split(" "),
            });
            expect(token.scope).toEqual(["read:products"]);
            await repo.ok(["destroy", "--yes", "--stack", stack], { cwd });
            done.downstream = true;
        });

        test("destroy removes what the stack created, and leaves Logto's own role", async () => {
            const destroy = await repo.ok(["destroy", "--yes", "--stack", stack]);
            expect(destroy.stdout).toMatch(/- 13 deleted/);
            done.platform = true;
            const apps = (await target.client.listApplications()).map((a) => a.name);
            for (const name of [repo.names.storefront, repo.names.sync, repo.names.bot]) expect(apps).not.toContain(name);
            expect(await target.client.findResourceByIndicator(repo.names.shopping)).toBeUndefined();
            expect((await target.client.listRoles()).map((r) => r.name)).toContain("Logto Management API access");
            const exported = JSON.parse((await repo.ok(["stack", "export", "--stack", stack])).stdout);
            expect(exported.deployment.resources ?? []).toHaveLength(0);
        });
    });
}
