import { LogtoApiError } from "../../client";
import type { LocalLogto } from "../../local-logto";
import { clientFor, closeAll, startLogto } from "./support";

/**
 * Logto Cloud's plan quotas: 403 `subscription.limit_exceeded` with only `code` and `message` in the body. The
 * client never retries it, and its error names the quota the request ran into and what to do.
 */
describe("403 subscription.limit_exceeded", () => {
    let logto: LocalLogto;

    beforeAll(async () => {
        logto = await startLogto();
    });

    afterAll(async () => {
        await closeAll(logto);
    });

    beforeEach(() => {
        logto.setQuotas({});
        logto.counters.reset();
    });

    const refusal = async (call: Promise<unknown>): Promise<LogtoApiError> => {
        const error = await call.then(() => undefined, (e: unknown) => e);
        expect(error).toBeInstanceOf(LogtoApiError);
        return error as LogtoApiError;
    };

    test("M2M apps: sent once, nothing created, the message names the quota and what to do", async () => {
        const client = clientFor(logto);
        const before = (await client.listApplications()).length;
        logto.setQuotas({ machineToMachineLimit: before });
        logto.counters.reset();
        const error = await refusal(client.createApplication({ name: "over-quota" }));
        expect(error).toMatchObject({ status: 403, code: "subscription.limit_exceeded", attempts: 1, isQuotaExceeded: true });
        expect(error.message).toMatch(/POST \/api\/applications failed with 403 subscription.limit_exceeded: You have reached the limit of your subscription plan\./);
        expect(error.message).toMatch(/quota of machine-to-machine applications \(machineToMachineLimit\) is used up; nothing was created/);
        expect(error.message).toMatch(/delete unused machine-to-machine applications in the tenant or upgrade the plan/);
        expect(logto.counters.snapshot().byRoute["POST /api/applications"]).toBe(1);
        expect((await client.listApplications()).filter((a) => a.name === "over-quota")).toEqual([]);
    });

    test.each([
        ["API resources", "resourcesLimit"],
        ["machine-to-machine roles", "machineToMachineRolesLimit"],
        ["permissions per API resource", "scopesPerResourceLimit"],
        ["permissions per role", "scopesPerRoleLimit"],
    ] as const)("%s: the error names %s", async (what, key) => {
        const client = clientFor(logto);
        const resource = await client.createResource({ name: `q-${key}`, indicator: `https://q-${key}.example` });
        const scope = await client.createScope(resource.id, { name: "read" });
        const role = await client.createRole({ name: `q-${key}`, description: "d", type: "MachineToMachine" });
        logto.setQuotas({ [key]: 0 });
        const call = key === "resourcesLimit" ? client.createResource({ name: "more", indicator: `https://more-${key}.example` })
            : key === "machineToMachineRolesLimit" ? client.createRole({ name: `more-${key}`, description: "d", type: "MachineToMachine" })
                : key === "scopesPerResourceLimit" ? client.createScope(resource.id, { name: "write" })
                    : client.addRoleScopes(role.id, [scope.id]);
        const error = await refusal(call);
        expect(error.message).toContain(`quota of ${what} (${key}) is used up`);
        expect(error.attempts).toBe(1);
    });
});
