/**
 * Writes schemas/experiment.schema.json from the component registry.
 *   npm run build && node dist/scripts/gen_schemas.js          (write)
 *   npm run build && node dist/scripts/gen_schemas.js --check  (exit 1 if the committed file is stale)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRegistry } from '../src/registry/container.js';
import { buildExperimentSchema } from '../src/core/spec/schema.js';

export const SCHEMA_FILE = 'schemas/experiment.schema.json';

export function renderSchema(): string {
  return JSON.stringify(buildExperimentSchema(createRegistry()), null, 2) + '\n';
}

if (process.argv[1]?.endsWith('gen_schemas.js')) {
  const text = renderSchema();
  if (process.argv.includes('--check')) {
    if (readFileSync(SCHEMA_FILE, 'utf8') !== text) {
      console.error(`${SCHEMA_FILE} is out of date: run 'npm run schemas'`);
      process.exit(1);
    }
  } else {
    writeFileSync(SCHEMA_FILE, text);
    console.log(`wrote ${SCHEMA_FILE}`);
  }
}
