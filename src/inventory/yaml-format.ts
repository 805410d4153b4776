import { ConfigError } from '../errors.js';
import { positionOf } from '../config/yaml.js';
import { describeType, isPlainObject } from '../util/data.js';
import { checkPath } from '../util/path-check.js';
import { checkConnectionVars } from './connection-vars.js';
import type { Inventory } from './model.js';
import { expandHostRange } from './ranges.js';

const GROUP_KEYS = new Set(['hosts', 'vars', 'children']);

/** Ansible's YAML inventory: `all: {hosts: …, vars: …, children: {group: {…}}}`. */
export function readYamlInventory(inventory: Inventory, data: unknown, file: string): void {
  if (data === null) return;
  if (!isPlainObject(data)) {
    throw new ConfigError(`an inventory must be a mapping of group names, found ${describeType(data)}`, {
      file,
      line: 1,
      col: 1,
    });
  }
  for (const [name, body] of Object.entries(data)) readGroup(inventory, name, body, data);
}

function readGroup(inventory: Inventory, name: string, body: unknown, parent: object): void {
  const at = positionOf(parent, name);
  checkPath(name, 'group name', at);
  inventory.group(name);
  if (body === null) return;
  if (!isPlainObject(body)) {
    throw new ConfigError(`group "${name}" must be a mapping with hosts, vars or children, found ${describeType(body)}`, at);
  }
  for (const key of Object.keys(body)) {
    if (!GROUP_KEYS.has(key)) {
      throw new ConfigError(`unknown key "${key}" in group "${name}": expected hosts, vars or children`, positionOf(body, key));
    }
  }
  const { hosts, vars, children } = body;
  if (vars !== undefined && vars !== null) {
    if (!isPlainObject(vars)) throw new ConfigError(`vars of group "${name}" must be a mapping`, positionOf(body, 'vars'));
    checkConnectionVars(vars, (key) => positionOf(vars, key));
    for (const [key, value] of Object.entries(vars)) inventory.setGroupVar(name, key, value);
  }
  if (hosts !== undefined && hosts !== null) {
    if (!isPlainObject(hosts)) {
      throw new ConfigError(`hosts of group "${name}" must be a mapping of host names`, positionOf(body, 'hosts'));
    }
    for (const [pattern, hostVars] of Object.entries(hosts)) {
      if (hostVars !== null && !isPlainObject(hostVars)) {
        throw new ConfigError(`variables of host "${pattern}" must be a mapping`, positionOf(hosts, pattern));
      }
      checkPath(pattern, 'host name', positionOf(hosts, pattern));
      if (hostVars) checkConnectionVars(hostVars, (key) => positionOf(hostVars, key));
      let names: string[];
      try {
        names = expandHostRange(pattern);
      } catch (err) {
        throw new ConfigError((err as Error).message, positionOf(hosts, pattern));
      }
      for (const hostName of names) {
        inventory.addHostToGroup(hostName, name);
        if (hostVars) Object.assign(inventory.host(hostName).vars, hostVars);
      }
    }
  }
  if (children !== undefined && children !== null) {
    if (!isPlainObject(children)) {
      throw new ConfigError(`children of group "${name}" must be a mapping of group names`, positionOf(body, 'children'));
    }
    for (const [child, childBody] of Object.entries(children)) {
      try {
        inventory.addChild(name, child);
      } catch (err) {
        throw new ConfigError((err as Error).message, positionOf(children, child));
      }
      readGroup(inventory, child, childBody, children);
    }
  }
}
