import * as pulumi from "@pulumi/pulumi";
import { LogtoM2M, type M2MStackOutputs } from "./component/logtoM2M";
import { CONFIG_NAMESPACE, loadSpec, readSpecFile, type LoadedSpec } from "./spec/load";
import { SpecError } from "./spec/validate";

export interface ProgramOptions {
    /** A YAML spec file; overrides stack config. Relative to `baseDir`. */
    specFile?: string;
    /** A spec object; overrides stack config and `specFile`. */
    spec?: unknown;
    /** Folder that a relative spec file is taken from (default: the process's working directory). */
    baseDir?: string;
    /** Name of the component (the prefix of every child's name); default `m2m`. */
    name?: string;
}

/**
 * The stack program: reads the spec (stack config `logto-m2m:spec` or the file named by `logto-m2m:specFile`),
 * declares it through `LogtoM2M`, and returns the stack outputs. Runs as an Automation API inline program
 * (`program: () => logtoM2MProgram()`) and from `index.ts` under `pulumi up`.
 */
export async function logtoM2MProgram(options: ProgramOptions = {}): Promise<M2MStackOutputs> {
    try {
        let loaded: LoadedSpec;
        if (options.spec !== undefined) loaded = { raw: options.spec, source: "the program's spec" };
        else if (options.specFile !== undefined) loaded = readSpecFile(options.specFile, options.baseDir);
        else loaded = loadSpec(new pulumi.Config(CONFIG_NAMESPACE), options.baseDir);
        const m2m = new LogtoM2M(options.name ?? "m2m", { spec: loaded.raw, source: loaded.source });
        return m2m.stackOutputs();
    } catch (error) {
        // A spec error is the user's to fix: its message lists every path; a stack trace would only hide it.
        if (error instanceof SpecError) throw new pulumi.RunError(error.message);
        throw error;
    }
}
