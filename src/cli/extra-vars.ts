import { readFileSync } from 'node:fs';
import { parseYaml } from '../config/yaml.js';
import { UsageError } from '../errors.js';
import { parseKeyValues } from '../playbook/task-parse.js';
import { isPlainObject, type Vars } from '../util/data.js';

/** `-e` values as ansible-playbook takes them: `k=v k2=v2`, a JSON/YAML mapping, or `@file`. */
export function parseExtraVars(values: readonly string[]): Vars {
  const out: Vars = {};
  for (const value of values) {
    if (value.startsWith('@')) {
      const file = value.slice(1);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        throw new UsageError(`--extra-vars: cannot read ${file}`);
      }
      const data = parseYaml(text, file).data;
      if (!isPlainObject(data)) throw new UsageError(`--extra-vars: ${file} must hold a mapping`);
      Object.assign(out, data);
    } else if (/^\s*[{[]/.test(value)) {
      const data = parseYaml(value, '--extra-vars').data;
      if (!isPlainObject(data)) throw new UsageError('--extra-vars: JSON must be a mapping');
      Object.assign(out, data);
    } else {
      Object.assign(out, parseKeyValues(value, { file: '--extra-vars', line: 1, col: 1 }));
    }
  }
  return out;
}
