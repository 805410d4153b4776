import { isAbsolute, join } from 'node:path';
import { ConfigError } from '../errors.js';
import { readVarsFile } from '../inventory/vars-dirs.js';
import type { PlayVarsFile } from '../playbook/model.js';
import type { Templar } from '../template/templar.js';
import type { Vars } from '../util/data.js';
import { kindOf } from '../util/safe-fs.js';

/**
 * A vars_files entry written as templates, read for one host as VariableManager does: each
 * choice rendered with the host's variables so far, the first that exists read (beside the
 * playbook, or in its vars/). An undefined variable skips the entry, unless the host's facts
 * were gathered; no choice found is an error that ends the run, as ansible-playbook's does.
 */
export function readTemplatedVarsFile(entry: PlayVarsFile, vars: Vars, templar: Templar, hostHasFacts: boolean): Vars {
  const base = entry.baseDir ?? '.';
  for (const choice of entry.templates ?? []) {
    let path: string;
    try {
      path = templar.renderString(choice, vars, entry.at, 'vars_files');
    } catch (err) {
      if (!/undefined variable/.test((err as Error).message)) throw err;
      if (!hostHasFacts) return {};
      throw new ConfigError(`an undefined variable was found when attempting to template the vars_files item '${choice}'`, entry.at);
    }
    const candidates = isAbsolute(path) ? [path] : [join(base, path), join(base, 'vars', path)];
    const found = candidates.find((c) => kindOf(c) === 'file');
    if (found) return readVarsFile(found);
  }
  throw new ConfigError(`vars file ${(entry.templates ?? []).join(', ')} was not found`, entry.at);
}
