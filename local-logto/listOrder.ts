import { seededRandom } from "./faults";

/**
 * Logto 1.42 reads several lists with no ORDER BY (resources, roles, a resource's scopes, a role's scopes, an
 * application's roles, a role's applications), so Postgres may answer their rows in any order and a row can
 * move between two page reads. The local Logto answers those lists in a fresh order at every read, drawn from
 * a PRNG seeded at start (the same requests replay the same orders: tests are not flaky), so that a client
 * paging through one cannot come to rely on an order.
 */
export class ListOrder {
    private readonly random: () => number;

    constructor(seed: number) {
        this.random = seededRandom(seed);
    }

    /** The rows in a new order (Fisher-Yates). */
    unordered<T>(rows: readonly T[]): T[] {
        const out = [...rows];
        for (let i = out.length - 1; i > 0; i--) {
            const j = Math.floor(this.random() * (i + 1));
            [out[i], out[j]] = [out[j]!, out[i]!];
        }
        return out;
    }
}
