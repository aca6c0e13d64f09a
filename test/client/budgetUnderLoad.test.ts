import { defaultBudgetSpec, RequestBudget } from "../../client";
import type { LocalLogto } from "../../local-logto";
import { clientFor, closeAll, startLogto } from "./support";

/** Logto Cloud allows about 200 Management API requests per 10 s per tenant. */
const cloudLimitPer10s = 200;

describe("the request budget under load", () => {
    let logto: LocalLogto;

    beforeAll(async () => {
        logto = await startLogto();
    });

    afterAll(async () => {
        await closeAll(logto);
    });

    test("500 concurrent calls never exceed the default budget in any 10-second window at the server", async () => {
        const client = clientFor(logto, { budget: new RequestBudget(defaultBudgetSpec) });
        await client.listResources();
        logto.counters.reset();
        // The server's counts, sampled; any two samples at most 10 s apart bound the requests between them.
        const samples: Array<{ at: number; count: number }> = [];
        const sample = (): void => {
            const counts = logto.counters.snapshot();
            samples.push({ at: performance.now(), count: counts.api + counts.token });
        };
        sample();
        const sampler = setInterval(sample, 25);
        try {
            const results = await Promise.all(Array.from({ length: 500 }, (_, i) => client.getRole(`r${i}`)));
            expect(results.every((r) => r === undefined)).toBe(true);
        } finally {
            clearInterval(sampler);
        }
        sample();

        let worst = 0;
        for (let i = 0; i < samples.length; i++) {
            for (let j = i + 1; j < samples.length && samples[j]!.at - samples[i]!.at <= defaultBudgetSpec.perMs; j++) {
                worst = Math.max(worst, samples[j]!.count - samples[i]!.count);
            }
        }
        expect(samples[samples.length - 1]!.count).toBe(500);
        expect(worst).toBeLessThanOrEqual(defaultBudgetSpec.burst + defaultBudgetSpec.requests);
        expect(worst).toBeLessThan(cloudLimitPer10s);
        expect(client.stats().requests).toBe(501);
    });
});
