import { isAbsolute, join } from 'node:path';
import { ConfigError, type SourcePosition } from '../errors.js';
import { positionOf } from '../config/yaml.js';
import { readVarsFile } from '../inventory/vars-dirs.js';
import { describeType } from '../util/data.js';
import { checkPath } from '../util/path-check.js';
import { kindOf } from '../util/safe-fs.js';
import type { PlayVarsFile } from './model.js';

/**
 * A play's `vars_files`, read when the playbook is loaded so a missing file or bad YAML is found
 * before the first connection (ansible-playbook reads them when the play starts). As in Ansible,
 * a single path may stand for a list, and a list inside the list means "the first that exists".
 * An entry with a templated path is kept as written: it is read per host when the play runs.
 */
export function readPlayVarsFiles(value: unknown, at: SourcePosition, baseDir: string): PlayVarsFile[] {
  if (value === undefined || value === null) return [];
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list)) throw new ConfigError(`"vars_files" must be a list of paths, found ${describeType(value)}`, at);
  return list.map((entry, i) => {
    const entryAt = positionOf(list, i) ?? at;
    const choices = Array.isArray(entry) ? entry : [entry];
    if (choices.length === 0) throw new ConfigError('an empty list in "vars_files": name at least one file', entryAt);
    const written = choices.map((choice, j) => {
      const choiceAt = (Array.isArray(entry) ? positionOf(entry, j) : undefined) ?? entryAt;
      if (typeof choice !== 'string' && typeof choice !== 'number') throw new ConfigError(`a vars_files entry must be a path, found ${describeType(choice)}`, choiceAt);
      const path = String(choice);
      checkPath(path, 'vars_files path', choiceAt);
      return path;
    });
    if (written.some((w) => w.includes('{{'))) return { path: written[0] as string, at: entryAt, vars: {}, templates: written, baseDir };
    const paths = written.map((path) => (isAbsolute(path) ? path : join(baseDir, path)));
    const found = paths.find((p) => kindOf(p) === 'file');
    if (!found) throw new ConfigError(paths.length === 1 ? `vars file not found: ${paths[0]}` : `none of these vars files exists: ${paths.join(', ')}`, entryAt);
    return { path: found, at: entryAt, vars: readVarsFile(found) };
  });
}
