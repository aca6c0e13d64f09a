import type { RequestCounts } from "./options";

/** Requests received, by kind and route, for tests that assert how many calls a client made. */
export class RequestCounters {
    private token = 0;
    private api = 0;
    private byRoute = new Map<string, number>();

    countToken(): void {
        this.token++;
    }

    countApi(routeKey: string): void {
        this.api++;
        this.byRoute.set(routeKey, (this.byRoute.get(routeKey) ?? 0) + 1);
    }

    snapshot(): RequestCounts {
        return { token: this.token, api: this.api, byRoute: Object.fromEntries(this.byRoute) };
    }

    reset(): void {
        this.token = 0;
        this.api = 0;
        this.byRoute.clear();
    }
}
