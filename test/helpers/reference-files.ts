import { moduleReference } from '../../src/modules/reference.js';
import { modules } from '../../src/modules/registry.js';
import { playbookJsonSchema } from '../../src/playbook/json-schema.js';

/** The generated reference files, by path from the repository root. */
export function referenceFiles(): Record<string, string> {
  const all = [...modules.values()];
  return {
    'docs/modules.md': moduleReference(all),
    'docs/playbook.schema.json': `${JSON.stringify(playbookJsonSchema(all), null, 2)}\n`,
  };
}
