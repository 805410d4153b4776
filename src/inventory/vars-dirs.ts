import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import { loadYamlFile } from '../config/yaml.js';
import { describeType, isPlainObject, type Vars } from '../util/data.js';

const VAR_FILE_EXTENSIONS = ['', '.yml', '.yaml', '.json'];

/**
 * Variables for one group or host from `group_vars/NAME` or `host_vars/NAME`: a file with no
 * extension, .yml, .yaml or .json, or a directory of such files read in name order.
 */
export function readNamedVars(dir: string, name: string): Vars | undefined {
  let found: Vars | undefined;
  for (const ext of VAR_FILE_EXTENSIONS) {
    const path = join(dir, name + ext);
    if (!existsSync(path)) continue;
    const merged = statSync(path).isDirectory() ? readVarsDirectory(path) : readVarsFile(path);
    found = { ...found, ...merged };
  }
  return found;
}

function readVarsDirectory(dir: string): Vars {
  const out: Vars = {};
  for (const entry of readdirSync(dir).sort()) {
    if (entry.startsWith('.')) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) Object.assign(out, readVarsDirectory(path));
    else if (VAR_FILE_EXTENSIONS.some((ext) => ext && entry.endsWith(ext))) Object.assign(out, readVarsFile(path));
  }
  return out;
}

export function readVarsFile(path: string): Vars {
  const { data } = loadYamlFile(path);
  if (data === null) return {};
  if (!isPlainObject(data)) {
    throw new ConfigError(`a variables file must be a mapping, found ${describeType(data)}`, { file: path, line: 1, col: 1 });
  }
  return data;
}

