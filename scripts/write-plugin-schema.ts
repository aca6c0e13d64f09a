/**
 * Writes `plugin/schema.json`, the package schema the plugin serves (GetSchema), for SDK generation
 * (`pulumi package gen-sdk plugin/schema.json`) without starting the plugin. A test holds the file equal to what
 * the plugin serves.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { packageSchema } from "../plugin/schema";

const { version } = require("../../package.json") as { version: string };
const target = join(__dirname, "..", "..", "plugin", "schema.json");
writeFileSync(target, `${JSON.stringify(packageSchema(version), null, 2)}\n`);
process.stdout.write(`wrote ${target}\n`);
