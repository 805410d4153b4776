import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import { loadYamlFile, positionOf } from '../config/yaml.js';
import { describeType, isPlainObject, type Vars } from '../util/data.js';
import { kindOf, listDirectory } from '../util/safe-fs.js';
import { checkConnectionVars } from './connection-vars.js';

const VAR_FILE_EXTENSIONS = ['', '.yml', '.yaml', '.json'];

/**
 * Variables for one group or host from `group_vars/NAME` or `host_vars/NAME`: a file with no
 * extension, .yml, .yaml or .json, or a directory of such files read in name order. Connection
 * variables in them are checked where they are written.
 */
export function readNamedVars(dir: string, name: string): Vars | undefined {
  let found: Vars | undefined;
  for (const ext of VAR_FILE_EXTENSIONS) {
    const path = join(dir, name + ext);
    const kind = kindOf(path);
    if (kind === 'missing') continue;
    const merged = kind === 'directory' ? readVarsDirectory(path) : readInventoryVarsFile(path);
    found = { ...found, ...merged };
  }
  return found;
}

function readVarsDirectory(dir: string): Vars {
  const out: Vars = {};
  for (const entry of listDirectory(dir).sort()) {
    if (entry.startsWith('.')) continue;
    const path = join(dir, entry);
    if (kindOf(path) === 'directory') Object.assign(out, readVarsDirectory(path));
    else if (VAR_FILE_EXTENSIONS.some((ext) => ext && entry.endsWith(ext))) Object.assign(out, readInventoryVarsFile(path));
  }
  return out;
}

function readInventoryVarsFile(path: string): Vars {
  const vars = readVarsFile(path);
  checkConnectionVars(vars, (key) => positionOf(vars, key));
  return vars;
}

export function readVarsFile(path: string): Vars {
  const { data } = loadYamlFile(path);
  if (data === null) return {};
  if (!isPlainObject(data)) {
    throw new ConfigError(`a variables file must be a mapping, found ${describeType(data)}`, positionOf(data) ?? { file: path, line: 1, col: 1 });
  }
  return data;
}
