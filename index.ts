// The Pulumi program for `pulumi up` (see Pulumi.yaml): the M2M topology of the spec in stack config.
import * as pulumi from "@pulumi/pulumi";
import { logtoM2MProgram } from "./program";

// The CLI runs a `main` file in that file's folder (dist/), so a relative specFile is taken from the project's
// folder (where Pulumi.yaml is), as Pulumi.yaml documents it.
export = () => logtoM2MProgram({ baseDir: pulumi.getRootDirectory() });
