// A service's stack downstream of the platform's M2M stack: it reads its app's credentials through a
// StackReference and hands them to the service. Here they are stack outputs; in a real stack they become the
// environment of a container or a secret in a vault. The app secret stays a Pulumi secret all the way.
import * as pulumi from "@pulumi/pulumi";

interface M2MApp {
    appId: string;
    appSecret: string;
    tokenEndpoint: string;
    /** Indicator -> the permissions the app holds there: the `resource` and `scope` of its token request. */
    resources: Record<string, string[]>;
}

const config = new pulumi.Config();
const m2mStack = config.require("m2mStack");
const appName = config.get("app") ?? "storefront";
const resource = config.get("resource") ?? "https://shopping.api";

const m2m = new pulumi.StackReference("m2m", { name: m2mStack });
const app = m2m.requireOutput("apps").apply((apps: Record<string, M2MApp>) => {
    const found = apps[appName];
    if (found === undefined) throw new Error(`stack ${m2mStack} has no app ${appName} (it has: ${Object.keys(apps).join(", ")})`);
    if (found.resources[resource] === undefined) throw new Error(`app ${appName} holds no permission on ${resource}`);
    return found;
});

// The service requests its token with HTTP Basic (App ID : App Secret) and
// grant_type=client_credentials&resource=<API_RESOURCE>&scope=<API_SCOPE> at LOGTO_TOKEN_ENDPOINT.
// `apps` comes back as one secret (it holds secrets); only the app secret needs to stay one.
export const serviceEnv = {
    LOGTO_TOKEN_ENDPOINT: pulumi.unsecret(app.apply((a) => a.tokenEndpoint)),
    LOGTO_APP_ID: pulumi.unsecret(app.apply((a) => a.appId)),
    LOGTO_APP_SECRET: app.apply((a) => a.appSecret),
    API_RESOURCE: resource,
    API_SCOPE: pulumi.unsecret(app.apply((a) => a.resources[resource]!.join(" "))),
};
