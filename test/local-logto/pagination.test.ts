import { startLocalLogto } from "../../local-logto";
import { managementApi } from "./support";
import { describeLocalOnly, useContractTarget } from "./target";

/** Link headers as fetch joins them ("a, b"): one entry per rel. */
function links(headers: Headers): Record<string, string> {
    const value = headers.get("link");
    if (!value) return {};
    return Object.fromEntries(
        value.split(/,\s*(?=<)/).map((part) => {
            const match = /^<([^>]+)>; rel="([a-z]+)"$/.exec(part.trim());
            if (!match) throw new Error(`unexpected Link part: ${part}`);
            return [match[2]!, match[1]!];
        }),
    );
}

describe("pagination", () => {
    const target = useContractTarget();
    const api = () => target().api;
    let resourceId: string;

    beforeAll(async () => {
        resourceId = (await api().post("/api/resources", { name: "paged", indicator: target().indicator("paged") })).body.id;
        for (let i = 0; i < 25; i++) await api().post(`/api/resources/${resourceId}/scopes`, { name: `scope-${String(i).padStart(2, "0")}` });
    });

    it("always-paginated lists default to 20 per page with Total-Number", async () => {
        const result = await api().get(`/api/resources/${resourceId}/scopes`);
        expect(result.body).toHaveLength(20);
        expect(result.headers.get("total-number")).toBe("25");
    });

    it("pages with page and page_size, and answers an empty page past the end", async () => {
        // Which rows land on page 2 is not defined: Logto 1.42 pages scopes with no ORDER BY.
        const all = new Set(Array.from({ length: 25 }, (_, i) => `scope-${String(i).padStart(2, "0")}`));
        const second = await api().get(`/api/resources/${resourceId}/scopes?page=2&page_size=10`);
        expect(second.body).toHaveLength(10);
        expect(second.body.every((s: { name: string }) => all.has(s.name))).toBe(true);
        expect((await api().get(`/api/resources/${resourceId}/scopes?page=3&page_size=10`)).body).toHaveLength(5);
        expect((await api().get(`/api/resources/${resourceId}/scopes?page=9&page_size=10`)).body).toEqual([]);
    });

    it("sends one Link per rel (first, prev, next, last) whose URLs drop the /api prefix, as Logto does", async () => {
        const result = await api().get(`/api/resources/${resourceId}/scopes?page=2&page_size=10`);
        const base = `${target().endpoint}/resources/${resourceId}/scopes`;
        expect(links(result.headers)).toEqual({
            first: `${base}?page=1&page_size=10`,
            prev: `${base}?page=1&page_size=10`,
            next: `${base}?page=3&page_size=10`,
            last: `${base}?page=3&page_size=10`,
        });
    });

    it("has no prev on the first page and no next on the last", async () => {
        expect(Object.keys(links((await api().get(`/api/resources/${resourceId}/scopes?page=1&page_size=10`)).headers)).sort()).toEqual(["first", "last", "next"]);
        expect(Object.keys(links((await api().get(`/api/resources/${resourceId}/scopes?page=3&page_size=10`)).headers)).sort()).toEqual(["first", "last", "prev"]);
    });

    it.each(["page=0", "page_size=0", "page_size=101", "page=abc", "page_size=-1"])("refuses %s with 400 guard.invalid_pagination", async (query) => {
        const result = await api().get(`/api/resources/${resourceId}/scopes?${query}`);
        expect(result.status).toBe(400);
        expect(result.body.code).toBe("guard.invalid_pagination");
    });

    it("accepts page_size=100", async () => {
        expect((await api().get(`/api/resources/${resourceId}/scopes?page_size=100`)).body).toHaveLength(25);
    });

    it.each(["/api/resources", "/api/applications"])("optional pagination: %s answers the full list without headers unless page params are sent", async (path) => {
        const full = await api().get(path);
        expect(full.headers.get("total-number")).toBeNull();
        expect(full.headers.get("link")).toBeNull();
        const paged = await api().get(`${path}?page_size=1`);
        expect(paged.body).toHaveLength(1);
        expect(paged.headers.get("total-number")).toBe(String(full.body.length));
    });

    it("always-paginated: /api/roles has headers even without page params", async () => {
        const result = await api().get("/api/roles");
        expect(result.headers.get("total-number")).not.toBeNull();
    });

    it("GET /api/resources ignores search", async () => {
        const all = (await api().get("/api/resources")).body;
        expect((await api().get("/api/resources?search=nothing-matches")).body).toHaveLength(all.length);
    });
});

describeLocalOnly("the order of lists Logto reads without ORDER BY is the local Logto's seeded PRNG", "unordered lists", () => {
    const names = (body: Array<{ name: string }>) => body.map((s) => s.name);
    async function readTwice(seed: number): Promise<[string[], string[]]> {
        const logto = await startLocalLogto({ port: 0, listOrderSeed: seed });
        try {
            const api = await managementApi(logto);
            const resource = (await api.post("/api/resources", { name: "order", indicator: "https://order.test" })).body;
            for (let i = 0; i < 30; i++) await api.post(`/api/resources/${resource.id}/scopes`, { name: `s${i}` });
            const path = `/api/resources/${resource.id}/scopes?page_size=100`;
            return [names((await api.get(path)).body), names((await api.get(path)).body)];
        } finally {
            await logto.close();
        }
    }

    it("answers each read in a new order, the same orders for the same seed", async () => {
        const [first, second] = await readTwice(7);
        expect([...first].sort()).toEqual([...second].sort());
        expect(first).not.toEqual(second);
        expect(await readTwice(7)).toEqual([first, second]);
        expect((await readTwice(8))[0]).not.toEqual(first);
    });
});
