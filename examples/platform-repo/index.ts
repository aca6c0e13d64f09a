// The platform's machine-to-machine access in Logto, as declared in m2m.yaml. Pulumi runs this file directly
// (TypeScript, type-checked at every preview and up). The outputs are what downstream stacks read through a
// StackReference: apps.<name>.appId, .appSecret (a secret), .tokenEndpoint, .resources (indicator -> the
// permissions to request), .secrets (extra named secrets); resources; tokenEndpoint.
//
// For more than the spec (e.g. `dependsOn` on one app), use the component instead:
//   const m2m = new LogtoM2M("m2m", { spec: readSpecFile("m2m.yaml", __dirname).raw });
//   export const outputs = m2m.stackOutputs();
import { logtoM2MProgram } from "pulumi-logto-m2m";

export = () => logtoM2MProgram({ specFile: "m2m.yaml", baseDir: __dirname });
