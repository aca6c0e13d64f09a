import { LogtoErrors } from "./errors";
import type { HttpResponse } from "./http";
import type { RequestContext } from "./router";

/** How a Logto list endpoint paginates: always (default 20 per page), only when asked, or never. */
export type PaginationMode = "always" | "optional";

interface Page {
    page: number;
    pageSize: number;
}

const defaultPageSize = 20;
const maxPageSize = 100;

function parsePositiveInteger(value: string | null): number | undefined | "invalid" {
    if (value === null) return undefined;
    if (!/^\d+$/.test(value)) return "invalid";
    return Number(value);
}

/** koa-pagination: `page` >= 1, 1 <= `page_size` <= 100, anything else 400 guard.invalid_pagination. */
function parsePage(query: URLSearchParams, mode: PaginationMode): Page | undefined {
    const page = parsePositiveInteger(query.get("page"));
    const pageSize = parsePositiveInteger(query.get("page_size"));
    if (mode === "optional" && page === undefined && pageSize === undefined) return undefined;
    if (page === "invalid" || pageSize === "invalid") throw LogtoErrors.invalidPagination();
    const result = { page: page ?? 1, pageSize: pageSize ?? defaultPageSize };
    if (result.page < 1 || result.pageSize < 1 || result.pageSize > maxPageSize) throw LogtoErrors.invalidPagination();
    return result;
}

/**
 * A list answered as Logto does: paginated -> the page with `Total-Number` and one `Link` header per rel;
 * otherwise the whole list, without those headers. The Link URLs reproduce Logto's bug of dropping the `/api`
 * prefix (the management router is mounted under /api and builds links from its own path).
 */
export function paginate<T>(ctx: RequestContext, items: readonly T[], mode: PaginationMode): HttpResponse {
    const page = parsePage(ctx.query, mode);
    if (!page) return { status: 200, body: items };
    const total = items.length;
    const body = items.slice((page.page - 1) * page.pageSize, page.page * page.pageSize);
    const lastPage = Math.max(1, Math.ceil(total / page.pageSize));
    const link = (n: number, rel: string) => {
        const url = new URL(ctx.endpoint + ctx.url.pathname.replace(/^\/api(?=\/)/, "") + ctx.url.search);
        url.searchParams.delete("page");
        url.searchParams.delete("page_size");
        url.searchParams.append("page", String(n));
        url.searchParams.append("page_size", String(page.pageSize));
        return `<${url.href}>; rel="${rel}"`;
    };
    const links = [link(1, "first")];
    if (page.page > 1) links.push(link(page.page - 1, "prev"));
    links.push(link(lastPage, "last"));
    if (page.page < lastPage) links.push(link(page.page + 1, "next"));
    return { status: 200, body, headers: { "Total-Number": String(total), Link: links } };
}
