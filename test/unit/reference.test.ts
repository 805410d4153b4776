import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { modules } from '../../src/modules/registry.js';
import { referenceFiles } from '../helpers/reference-files.js';

describe('the module reference and the editors\' JSON Schema come from the schemas', () => {
  for (const [path, text] of Object.entries(referenceFiles())) {
    test(`${path} is up to date (npm run docs)`, () => {
      assert.equal(readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8'), text);
    });
  }
  test('every module and every argument (with its aliases) is in both', () => {
    const files = referenceFiles();
    const schema = JSON.parse(files['docs/playbook.schema.json'] ?? '{}') as { definitions: Record<string, { properties: Record<string, unknown> }> };
    for (const module of modules.values()) {
      assert.match(files['docs/modules.md'] ?? '', new RegExp(`^## ${module.name}$`, 'm'));
      for (const [name, spec] of Object.entries(module.schema.args)) {
        if (name === '_raw_params') continue;
        assert.match(files['docs/modules.md'] ?? '', new RegExp(`\\| \`${name}\``), `${module.name}.${name} in the reference`);
        for (const key of [name, ...(spec.aliases ?? [])]) assert.ok(schema.definitions[`module_${module.name}`]?.properties[key], `${module.name}.${key} in the JSON Schema`);
      }
    }
  });
});
