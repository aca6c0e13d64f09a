import type { Stack } from "@pulumi/pulumi/automation";
import { ManagementClient } from "../../client";
import { startLocalLogto, type LocalLogto } from "../../local-logto";
import { M2MApplication } from "../../providers/m2mApplication";
import { engineSandbox, inlineStack, type EngineSandbox } from "../support/engine";
import { logtoStackConfig } from "../support/topology";

/**
 * A Logto Cloud plan quota used up mid-`up`: the app over the quota fails with a message naming the quota and
 * what to do, it is sent once (no retry), nothing is duplicated, and once the quota allows it the next `up`
 * creates just the missing app. Local Logto only: it emulates the quota.
 */
describe("an up that runs into a Logto Cloud quota", () => {
    let logto: LocalLogto;
    let sandbox: EngineSandbox;
    let stack: Stack;
    let client: ManagementClient;
    const names = ["quota-a", "quota-b", "quota-c"];

    beforeAll(async () => {
        logto = await startLocalLogto({ port: 0 });
        sandbox = engineSandbox();
        client = new ManagementClient({ endpoint: logto.endpoint, appId: logto.bootstrap.appId, appSecret: logto.bootstrap.appSecret }, { budget: "off" });
        stack = await inlineStack(sandbox, "quotas", "dev", async () => {
            for (const name of names) new M2MApplication(name, { name, roleIds: [] });
        }, logtoStackConfig(logto));
    });
    afterAll(async () => {
        sandbox?.cleanup();
        await logto?.close();
    });

    const appsNamed = async (): Promise<string[]> =>
        (await client.listApplications()).map((a) => a.name).filter((n) => names.includes(n)).sort();

    test("the apps within the quota are made; the one over it fails clearly, once", async () => {
        const existing = (await client.listApplications()).filter((a) => a.type === "MachineToMachine").length;
        logto.setQuotas({ machineToMachineLimit: existing + 2 });
        logto.counters.reset();
        const error = String(await stack.up().then(() => "up succeeded", (e: unknown) => e));
        expect(error).toMatch(/POST \/api\/applications failed with 403 subscription\.limit_exceeded/);
        expect(error).toMatch(/quota of machine-to-machine applications \(machineToMachineLimit\) is used up; nothing was created/);
        expect(error).toMatch(/upgrade the plan in the Logto Console/);
        expect(logto.counters.snapshot().byRoute["POST /api/applications"]).toBe(3);
        expect(await appsNamed()).toHaveLength(2);
    });

    test("with room in the quota, the next up creates only the missing app", async () => {
        logto.setQuotas({});
        logto.counters.reset();
        await stack.up();
        expect(logto.counters.snapshot().byRoute["POST /api/applications"]).toBe(1);
        expect(await appsNamed()).toEqual(names);
    });
});
