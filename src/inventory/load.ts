import { basename, dirname, join, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { parseYaml } from '../config/yaml.js';
import { checkPath } from '../util/path-check.js';
import type { Vars } from '../util/data.js';
import { kindOf, listDirectory, readText } from '../util/safe-fs.js';
import { readIniInventory } from './ini-format.js';
import { Inventory } from './model.js';
import { readNamedVars } from './vars-dirs.js';
import { readYamlInventory } from './yaml-format.js';

/** ansible-core's INVENTORY_IGNORE_EXTS: files a directory source skips (.ini included). */
const SKIPPED_IN_DIRECTORY = /(~|\.orig|\.ini|\.cfg|\.retry|\.pyc|\.pyo|\.swp|\.bak|\.rpm|\.md|\.txt|\.rst)$/;

/**
 * Reads one or more inventory sources (files or directories, as `-i` takes them) into one
 * Inventory, then applies `group_vars/` and `host_vars/` found beside each source.
 */
export function loadInventory(sources: readonly string[]): Inventory {
  const inventory = new Inventory();
  const varsBases: string[] = [];
  for (const source of sources) {
    checkPath(source, 'inventory path');
    const kind = kindOf(source);
    if (kind === 'missing') throw new ConfigError(`inventory not found: ${source}`);
    if (kind === 'directory') {
      for (const entry of listDirectory(source).sort()) {
        const path = join(source, entry);
        if (entry.startsWith('.') || SKIPPED_IN_DIRECTORY.test(entry)) continue;
        if (entry === 'group_vars' || entry === 'host_vars' || kindOf(path) === 'directory') continue;
        readInventoryFile(inventory, path);
      }
      varsBases.push(source);
    } else {
      readInventoryFile(inventory, source);
      varsBases.push(dirname(source));
    }
  }
  try {
    inventory.finish();
  } catch (err) {
    throw new ConfigError(`${(err as Error).message} (in ${sources.join(', ')})`);
  }
  for (const base of varsBases) applyVarsDirs(inventory, base);
  return inventory;
}

/** Reads `<base>/group_vars/*` and `<base>/host_vars/*` for the groups and hosts that exist. */
export function applyVarsDirs(inventory: Inventory, base: string, besidePlaybook = false): void {
  const groups = new Map<string, Vars>();
  const hosts = new Map<string, Vars>();
  for (const group of inventory.groups.keys()) {
    const vars = readNamedVars(join(base, 'group_vars'), group);
    if (vars) groups.set(group, vars);
  }
  for (const host of inventory.hosts.keys()) {
    const vars = readNamedVars(join(base, 'host_vars'), host);
    if (vars) hosts.set(host, vars);
  }
  inventory.addVarsDir({ base: resolve(base), besidePlaybook, groups, hosts });
}

function readInventoryFile(inventory: Inventory, path: string): void {
  const text = readText(path);
  if (/\.(ya?ml|json)$/.test(basename(path))) {
    readYamlInventory(inventory, parseYaml(text, path).data, path);
  } else {
    readIniInventory(inventory, text, path);
  }
}
