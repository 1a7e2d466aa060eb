import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { Ajv } from 'ajv';
import { renderSchema, SCHEMA_FILE } from '../../../scripts/gen_schemas.js';
import { createRegistry } from '../../../src/registry/container.js';
import { COMPONENT_KINDS } from '../../../src/registry/component.js';
import { resolveSpecFile } from '../../../src/core/spec/resolve.js';
import { tempDir } from '../../helpers.js';

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? yamlFiles(p) : p.endsWith('.yaml') ? [p] : [];
  });
}

describe('experiment schema', () => {
  it('the committed schema matches the registry (run `npm run schemas` after changing a component)', () => {
    assert.equal(readFileSync(SCHEMA_FILE, 'utf8'), renderSchema());
  });

  it('every component params schema compiles in ajv strict mode', () => {
    const registry = createRegistry();
    const ajv = new Ajv({ strict: true, allowUnionTypes: true, keywords: ['x-component'] });
    for (const kind of COMPONENT_KINDS) for (const d of registry.list(kind)) assert.doesNotThrow(() => ajv.compile(JSON.parse(JSON.stringify(d.params))), `${kind} ${d.name}`);
  });

  it('component names are snake_case and equal their file names', () => {
    const registry = createRegistry();
    for (const kind of COMPONENT_KINDS) {
      const files = readdirSync(`src/registry/${kind}s`).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).map((f) => f.slice(0, -3));
      for (const d of registry.list(kind)) assert.ok(files.includes(d.name), `${kind} '${d.name}' has no file src/registry/${kind}s/${d.name}.ts`);
    }
  });

  describe('every shipped experiment validates, and `show` round-trips', () => {
    for (const file of yamlFiles('experiments')) {
      it(file, async () => {
        const first = await resolveSpecFile(file);
        assert.deepEqual(first.problems, []);
        assert.match(readFileSync(file, 'utf8').split('\n')[0]!, /^# yaml-language-server: \$schema=(\.\.\/)+schemas\/experiment\.schema\.json$/);
        const dir = tempDir({ 'shown.yaml': stringify(first.spec) });
        const second = await resolveSpecFile(path.join(dir, 'shown.yaml'));
        assert.deepEqual(second.spec, first.spec);
      });
    }
  });
});
