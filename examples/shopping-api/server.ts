import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createTokenVerifier } from "./auth";

/**
 * The guide's own API, `https://shopping.api`: GET /products needs `read:products`, POST /products needs
 * `write:products`. 401 without a valid token for this API, 403 without the permission. GET
 * /organizations/:id/orders is per customer: it needs an organization token for organization :id (with this API
 * as resource) holding `read:orders`, which an app gets through its organization roles there.
 */

export interface Product {
    id: number;
    name: string;
}

export interface ShoppingApiOptions {
    /** The Logto endpoint whose tokens are accepted. */
    endpoint: string;
    /** This API's indicator: the audience its tokens must carry. */
    indicator?: string;
    products?: Product[];
}

/** Which permission each route needs. */
export const routePermissions: Record<string, string> = {
    "GET /products": "read:products",
    "POST /products": "write:products",
    "GET /organizations/:id/orders": "read:orders",
};

/** `GET /organizations/abc/orders` -> the route `GET /organizations/:id/orders` and the organization `abc`. */
function routeOf(method: string | undefined, path: string): { route: string; organizationId?: string } {
    const match = /^\/organizations\/([^/]+)\/orders$/.exec(path);
    if (match) return { route: `${method} /organizations/:id/orders`, organizationId: decodeURIComponent(match[1]!) };
    return { route: `${method} ${path}` };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
        size += (chunk as Buffer).length;
        if (size > 64 * 1024) throw new Error("body too large");
        chunks.push(chunk as Buffer);
    }
    return chunks.length === 0 ? {} : JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

/** Each organization's orders (made up, the same on every call): the route's point is who may read them. */
function ordersOf(organizationId: string): { id: string; total: number }[] {
    return [{ id: `${organizationId}-1`, total: 42 }];
}

export function createShoppingApi(options: ShoppingApiOptions): Server {
    const verify = createTokenVerifier({ endpoint: options.endpoint, audience: options.indicator ?? "https://shopping.api" });
    const products: Product[] = [...(options.products ?? [{ id: 1, name: "Teapot" }, { id: 2, name: "Kettle" }])];

    return createServer((req, res) => {
        const { route, organizationId } = routeOf(req.method, (req.url ?? "/").split("?")[0]!);
        const permission = routePermissions[route];
        if (permission === undefined) return send(res, 404, { error: "not_found" });
        verify(req.headers.authorization, permission, organizationId).then(async (auth) => {
            if (!auth.ok) return send(res, auth.status, { error: auth.status === 401 ? "unauthorized" : "forbidden", reason: auth.reason }, { "www-authenticate": auth.wwwAuthenticate });
            if (route === "GET /products") return send(res, 200, { products, client: auth.payload.sub });
            if (organizationId !== undefined) return send(res, 200, { organizationId, orders: ordersOf(organizationId), client: auth.payload.sub });
            const body = await readJson(req).catch(() => undefined) as { name?: unknown } | undefined;
            if (typeof body?.name !== "string" || body.name === "") return send(res, 400, { error: "a product needs a name" });
            const product = { id: products.length + 1, name: body.name };
            products.push(product);
            return send(res, 201, product);
        }).catch((error: unknown) => send(res, 500, { error: "internal", reason: (error as Error).message }));
    });
}
