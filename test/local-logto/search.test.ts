import { useContractTarget } from "./target";

describe("list search (search, search.<field>, mode, joint, isCaseSensitive)", () => {
    const target = useContractTarget();
    const api = () => target().api;
    const n = (base: string) => target().name(base);
    let alphaId: string;
    let resourceId: string;
    const names = async (query: string) => {
        const result = await api().get(`/api/roles?${query}&page_size=100`);
        if (result.status !== 200) throw new Error(`${query}: ${result.status} ${result.text}`);
        return (result.body as Array<{ name: string }>).map((r) => r.name).sort();
    };
    const q = (value: string) => encodeURIComponent(value);

    beforeAll(async () => {
        alphaId = (await api().post("/api/roles", { name: n("alpha"), description: "first", type: "MachineToMachine" })).body.id;
        await api().post("/api/roles", { name: n("beta"), description: "second", type: "MachineToMachine" });
        resourceId = (await api().post("/api/resources", { name: "search", indicator: target().indicator("search") })).body.id;
        await api().post(`/api/resources/${resourceId}/scopes`, { name: "read:things", description: "Read" });
        await api().post(`/api/resources/${resourceId}/scopes`, { name: "write:things", description: "Write" });
    });

    it("joins conditions with OR by default", async () => {
        expect(await names(`search.name=${q(n("alpha"))}&search.description=second`)).toEqual([n("alpha"), n("beta")]);
        expect(await names(`search=${q(n("alpha"))}&search.name=${q(n("beta"))}`)).toEqual([n("alpha"), n("beta")]);
    });

    it("joins them with AND on joint=and or jointMode=and", async () => {
        expect(await names(`search.name=${q(n("alpha"))}&search.description=second&joint=and`)).toEqual([]);
        expect(await names(`search.name=${q(n("alpha"))}&search.description=first&joint=and`)).toEqual([n("alpha")]);
        expect(await names(`search.name=${q(n("alpha"))}&search.description=first&jointMode=and`)).toEqual([n("alpha")]);
    });

    it("matches any of several values in exact mode, case-insensitively unless asked", async () => {
        expect(await names(`search.name=${q(n("alpha"))}&search.name=${q(n("beta"))}&mode.name=exact`)).toEqual([n("alpha"), n("beta")]);
        expect(await names(`search.name=${q(n("ALPHA"))}&mode.name=exact`)).toEqual([n("alpha")]);
        expect(await names(`search=${q(n("ALPHA"))}&mode=exact`)).toEqual([n("alpha")]);
        expect(await names(`search.name=${q(n("ALPHA"))}&mode.name=exact&isCaseSensitive=true`)).toEqual([]);
    });

    it("reads isCaseSensitive as 1, yes or true, and takes a camel-case field as its column", async () => {
        expect(await names(`search.name=${q(n("ALPHA"))}&isCaseSensitive=1`)).toEqual([]);
        expect(await names(`search.name=${q(n("ALPHA"))}&isCaseSensitive=yes`)).toEqual([]);
        expect(await names(`search.name=${q(n("ALPHA"))}&isCaseSensitive=false`)).toEqual([n("alpha")]);
        expect(await names(`search.Name=${q(n("alpha"))}`)).toEqual([n("alpha")]);
    });

    it("knows similar_to (case-sensitive only) and posix", async () => {
        expect(await names(`search.name=${q(n("(alpha|beta)"))}&mode.name=similar_to&isCaseSensitive=true`)).toEqual([n("alpha"), n("beta")]);
        expect(await names(`search.name=${q(`^${n("b")}`)}&mode.name=posix`)).toEqual([n("beta")]);
        expect(await names(`search.name=${q(`^${n("B")}`.toUpperCase())}&mode.name=posix`)).toEqual([n("beta")]);
        expect(await names(`search.name=${q(`^${n("b")}`.toUpperCase())}&mode.name=posix&isCaseSensitive=true`)).toEqual([]);
    });

    it("lets the last mode of a field win", async () => {
        expect(await names(`search.name=${q(n("alpha"))}&mode.name=exact&mode.name=like`)).toEqual([n("alpha")]);
    });

    const invalid = (message: string) => ({ code: "request.invalid_input", data: {}, message: `Input is invalid. ${message}` });
    it.each([
        ["an unknown field", "search.foo=x", "Search field `foo` is not valid, expect one of id, name, description."],
        ["an unknown camel-case field (named in snake case)", "search.createdAt=x", "Search field `created_at` is not valid, expect one of id, name, description."],
        ["a nested field", "search.name.x=a", "Unsupported nested search field path `name.x` detected. Only the first level field is supported."],
        ["a bad mode", "search.name=x&mode.name=bogus", "Search match mode `bogus` for field `name` is not valid, expect one of exact, like, similar_to, posix."],
        ["a bad joint", "search=x&joint=AND", "Search joint mode `AND` is not valid, expect one of or, and."],
        ["an empty value", "search=", "Search value cannot be empty."],
        ["two values outside exact mode", "search.name=a&search.name=b", "Only one search value is allowed when search mode is not `exact`."],
        ["case-insensitive similar_to", "search.name=x&mode.name=similar_to", "Cannot use case-insensitive match for `similar to`."],
    ])("answers %s on /api/roles with 400 request.invalid_input and data {}", async (_name, query, message) => {
        const result = await api().get(`/api/roles?${query}`);
        expect(result.status).toBe(400);
        expect(result.body).toEqual(invalid(message));
    });

    it("refuses an unknown field on a resource's scopes, a role's scopes and an app's roles too", async () => {
        const app = (await api().post("/api/applications", { name: n("search-app"), type: "MachineToMachine" })).body;
        for (const path of [`/api/resources/${resourceId}/scopes`, `/api/roles/${alphaId}/scopes`, `/api/applications/${app.id}/roles`]) {
            const result = await api().get(`${path}?search.foo=x`);
            expect([path, result.status, result.body]).toEqual([path, 400, invalid("Search field `foo` is not valid, expect one of id, name, description.")]);
        }
    });

    it("checks a role's applications' search fields only when it has applications", async () => {
        expect((await api().get(`/api/roles/${alphaId}/applications?search.foo=x`)).body).toEqual([]);
        const app = (await api().post("/api/applications", { name: n("search-held"), type: "MachineToMachine" })).body;
        await api().post(`/api/roles/${alphaId}/applications`, { applicationIds: [app.id] });
        const result = await api().get(`/api/roles/${alphaId}/applications?search.foo=x`);
        expect(result.status).toBe(400);
        expect(result.body).toEqual(invalid("Search field `foo` is not valid, expect one of id, name, description."));
    });

    it.each(["search.foo=x", "search=", "search.name=x&mode.name=bogus"])("answers a bad search of /api/applications (%s) with 500 and only a message", async (query) => {
        const result = await api().get(`/api/applications?${query}`);
        expect(result.status).toBe(500);
        expect(result.body).toEqual({ message: "Internal server error." });
    });

    it("searches a resource's scopes by id, name or description", async () => {
        const all = (await api().get(`/api/resources/${resourceId}/scopes`)).body as Array<{ id: string; name: string }>;
        const read = all.find((s) => s.name === "read:things")!;
        expect((await api().get(`/api/resources/${resourceId}/scopes?search.id=${read.id}`)).body.map((s: { name: string }) => s.name)).toEqual(["read:things"]);
        expect((await api().get(`/api/resources/${resourceId}/scopes?search=write`)).body.map((s: { name: string }) => s.name)).toEqual(["write:things"]);
    });
});
