#!/usr/bin/env node
/**
 * Writes config/environments.schema.json from config/schema.ts, so editors complete and
 * check config/environments.json (its `$schema`). A test fails when the file is stale:
 *
 *   npm run build && node dist/scripts/ci/config-schema.js
 */
import { writeFileSync } from "fs";
import { join } from "path";
import * as z from "zod/mini";
import { EnvironmentsFileSchema } from "../../config/schema";

export function configJsonSchema(): string {
  const schema = z.toJSONSchema(EnvironmentsFileSchema, { io: "input" });
  return `${JSON.stringify({ ...schema, title: "Chat platform environments (config/environments.json)" }, null, 2)}\n`;
}

if (require.main === module) {
  const file = join(__dirname, "..", "..", "..", "config", "environments.schema.json");
  writeFileSync(file, configJsonSchema());
  process.stdout.write(`wrote ${file}\n`);
}
