import * as pulumi from "@pulumi/pulumi";

/**
 * A downstream stack: it reads the M2M stack's outputs through a StackReference and hands one app's credentials
 * to a service (here as stack outputs; in a real stack, as the env of a container or a secret in a vault). The
 * service then requests its token exactly as Logto's guide does (see `service.ts`).
 *
 * Config (namespace `consumer`): `producerStack` (e.g. `organization/logto-m2m/demo`), `app` (an app name of the
 * spec), `resource` (an indicator the app holds permissions on).
 */

export interface ConsumerOptions {
    producerStack?: string;
    app?: string;
    resource?: string;
}

/** What the service gets: the names are the env variables `service.ts` reads. */
export interface ServiceEnv {
    LOGTO_TOKEN_ENDPOINT: pulumi.Output<string>;
    LOGTO_APP_ID: pulumi.Output<string>;
    LOGTO_APP_SECRET: pulumi.Output<string>;
    API_RESOURCE: string;
    API_SCOPE: pulumi.Output<string>;
}

interface ProducerApp {
    appId: string;
    appSecret: string;
    tokenEndpoint: string;
    resources: Record<string, string[]>;
}

export async function consumerProgram(options: ConsumerOptions = {}): Promise<{ serviceEnv: ServiceEnv }> {
    const config = new pulumi.Config("consumer");
    const producerStack = options.producerStack ?? config.require("producerStack");
    const appName = options.app ?? config.require("app");
    const resource = options.resource ?? config.get("resource") ?? "https://shopping.api";

    const producer = new pulumi.StackReference("m2m", { name: producerStack });
    // Only `appSecret` (and named secrets) of `apps` are secrets; the stack reference keeps them so.
    const app = producer.requireOutput("apps").apply((apps) => {
        const found = (apps as Record<string, ProducerApp>)[appName];
        if (found === undefined) throw new Error(`stack ${producerStack} has no app named ${appName} (it has: ${Object.keys(apps as object).join(", ")})`);
        if (found.resources[resource] === undefined) throw new Error(`app ${appName} holds no permission on ${resource}`);
        return found;
    });
    return {
        serviceEnv: {
            LOGTO_TOKEN_ENDPOINT: app.apply((a) => a.tokenEndpoint),
            LOGTO_APP_ID: app.apply((a) => a.appId),
            LOGTO_APP_SECRET: pulumi.secret(app.apply((a) => a.appSecret)),
            API_RESOURCE: resource,
            // The scope to request: every permission the app holds on the resource, space-separated.
            API_SCOPE: app.apply((a) => a.resources[resource]!.join(" ")),
        },
    };
}
