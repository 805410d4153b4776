import { ConfigError, type SourcePosition } from '../errors.js';
import type { Vars } from '../util/data.js';
import { shlexSplit } from '../util/shlex.js';
import type { Inventory } from './model.js';
import { expandHostRange } from './ranges.js';

/**
 * Ansible's INI inventory (what Vagrant writes). Inline host values are read as literals
 * (`2222` is a number, `True` a boolean); values in `[group:vars]` stay strings, as in Ansible.
 */
export function readIniInventory(inventory: Inventory, text: string, file: string): void {
  let section: { group: string; kind: 'hosts' | 'vars' | 'children' } = { group: 'ungrouped', kind: 'hosts' };
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const at: SourcePosition = { file, line: index + 1, col: 1 };
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const header = /^\[([^\]]+)\]\s*(?:[#;].*)?$/.exec(line);
    if (header) {
      const [name = '', kind = 'hosts'] = (header[1] ?? '').split(':');
      if (!['hosts', 'vars', 'children'].includes(kind)) {
        throw new ConfigError(`unknown section kind ":${kind}": expected [group], [group:vars] or [group:children]`, at);
      }
      if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new ConfigError(`invalid group name "${name}"`, at);
      section = { group: name, kind: kind as 'hosts' | 'vars' | 'children' };
      inventory.group(name);
      return;
    }
    if (line.startsWith('[')) throw new ConfigError('unclosed section header: expected [group]', at);
    if (section.kind === 'vars') {
      const eq = line.indexOf('=');
      if (eq < 1) throw new ConfigError(`expected key=value in [${section.group}:vars], found "${line}"`, at);
      inventory.group(section.group).vars[line.slice(0, eq).trim()] = unquote(line.slice(eq + 1).trim());
      return;
    }
    if (section.kind === 'children') {
      const child = line.split(/\s+/)[0] ?? '';
      try {
        inventory.addChild(section.group, child);
      } catch (err) {
        throw new ConfigError((err as Error).message, at);
      }
      return;
    }
    readHostLine(inventory, line, section.group, at);
  });
}

function readHostLine(inventory: Inventory, line: string, group: string, at: SourcePosition): void {
  let words: string[];
  try {
    words = shlexSplit(line.replace(/\s+[#;].*$/, ''));
  } catch (err) {
    throw new ConfigError(`cannot split host line: ${(err as Error).message}`, at);
  }
  const [first = '', ...rest] = words;
  const vars: Vars = {};
  let name = first;
  const port = /^(.*[^:]):(\d+)$/.exec(first);
  if (port && !first.includes('::')) {
    name = port[1] ?? first;
    vars['ansible_port'] = Number(port[2]);
  }
  for (const word of rest) {
    const eq = word.indexOf('=');
    if (eq < 1) throw new ConfigError(`expected key=value after the host name, found "${word}"`, at);
    vars[word.slice(0, eq)] = parseLiteral(word.slice(eq + 1));
  }
  let names: string[];
  try {
    names = expandHostRange(name);
  } catch (err) {
    throw new ConfigError((err as Error).message, at);
  }
  for (const host of names) {
    if (group === 'ungrouped') inventory.host(host);
    else inventory.addHostToGroup(host, group);
    Object.assign(inventory.host(host).vars, vars);
  }
}

/** Python's ast.literal_eval for the values Ansible users write inline. */
function parseLiteral(value: string): unknown {
  if (/^[-+]?\d+$/.test(value)) return Number(value);
  if (/^[-+]?(\d+\.\d*|\.\d+)([eE][-+]?\d+)?$/.test(value)) return Number(value);
  if (value === 'True') return true;
  if (value === 'False') return false;
  if (value === 'None') return null;
  if (/^[[{]/.test(value)) {
    try {
      return JSON.parse(value.replace(/'/g, '"'));
    } catch {
      return value;
    }
  }
  return value;
}

function unquote(value: string): string {
  const m = /^(['"])(.*)\1$/.exec(value);
  return m ? (m[2] ?? '') : value;
}
