import type { LogtoApi, LogtoScope, LogtoSecret } from "./logtoApi";

/**
 * A listing of a parent's children (a resource's permissions, an app's secrets), fetched once per process,
 * client and parent and shared by every read of them: a refresh of 300 permissions of one resource lists them
 * once instead of 300 times (each permission has no GET of its own in Logto). Only reads use it; every write of
 * this process to a parent's children forgets that parent's listing, so a read never sees a listing older than
 * the process's own changes. A failed listing is not kept: the next read lists again.
 */
export class SharedListing<T> {
    /** Keyed by the client's connection: each provider module holds its own wrapper of the one shared client. */
    private readonly byClient = new WeakMap<object, Map<string, Promise<T>>>();

    constructor(private readonly list: (api: LogtoApi, parentId: string) => Promise<T>) {}

    get(api: LogtoApi, parentId: string): Promise<T> {
        let listings = this.byClient.get(api.connection);
        if (listings === undefined) {
            listings = new Map();
            this.byClient.set(api.connection, listings);
        }
        let listing = listings.get(parentId);
        if (listing === undefined) {
            listing = this.list(api, parentId);
            const kept = listing;
            listings.set(parentId, kept);
            kept.catch(() => {
                if (listings.get(parentId) === kept) listings.delete(parentId);
            });
        }
        return listing;
    }

    /** Runs a write to the parent's children; the listing is forgotten before and after it. */
    async changing<R>(api: LogtoApi, parentId: string, write: () => Promise<R>): Promise<R> {
        this.forget(api, parentId);
        try {
            return await write();
        } finally {
            this.forget(api, parentId);
        }
    }

    forget(api: LogtoApi, parentId: string): void {
        this.byClient.get(api.connection)?.delete(parentId);
    }
}

/** The permissions of an API resource, by resource id. */
export const resourceScopes = new SharedListing<LogtoScope[]>((api, resourceId) => api.listScopes(resourceId));

/** The secrets of an app (values included: kept in memory only, like any answer), by App ID. */
export const applicationSecrets = new SharedListing<LogtoSecret[]>((api, appId) => api.listApplicationSecrets(appId));
