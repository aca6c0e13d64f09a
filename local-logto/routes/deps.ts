import type { ListOrder } from "../listOrder";
import type { Store } from "../store";

/** What every Management API route needs: the store and which resource is the (protected) Management API. */
export interface RouteDeps {
    store: Store;
    managementApiResourceId: string;
    now(): number;
    /** The order of the lists Logto reads with no ORDER BY. */
    listOrder: ListOrder;
}
