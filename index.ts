// The Pulumi program for `pulumi up` (see Pulumi.yaml): the M2M topology of the spec in stack config.
import { logtoM2MProgram } from "./program";

export = () => logtoM2MProgram();
