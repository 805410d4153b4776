import { ConfigError, type SourcePosition } from '../errors.js';
import type { Vars } from '../util/data.js';
import { shlexSplit } from '../util/shlex.js';
import { literalEval } from '../util/python-literal.js';
import { checkConnectionVars } from './connection-vars.js';
import type { Inventory } from './model.js';
import { expandHostRange } from './ranges.js';

/** A group used before it is declared: `[g:vars]`, or a child in `[p:children]`. Ansible allows this if it is declared later in the file. */
interface Pending {
  readonly line: number;
  readonly kind: 'vars' | 'children';
  readonly parents: string[];
}

/**
 * Ansible's INI inventory (what Vagrant writes). Values on host lines and in `[group:vars]` are
 * read as Ansible's ini plugin reads them (`_parse_value`: Python literals, so `2222` is a
 * number, `True` a boolean, `"a b"` a string, `yes` the text yes). As in the ini plugin,
 * `[g:vars]` and `[p:children]` may only name groups declared somewhere (`[g]`,
 * `[g:children]`, or an earlier source).
 */
export function readIniInventory(inventory: Inventory, text: string, file: string): void {
  let section: { group: string; kind: 'hosts' | 'vars' | 'children' } = { group: 'ungrouped', kind: 'hosts' };
  const pending = new Map<string, Pending>();
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const indent = raw.length - raw.trimStart().length;
    const at: SourcePosition = { file, line: index + 1, col: indent + 1 };
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    if (line.includes('\u0000')) throw new ConfigError('a NUL byte in the inventory', { ...at, col: raw.indexOf('\u0000') + 1 });
    const header = /^\[([^\]]+)\]\s*(?:[#;].*)?$/.exec(line);
    if (header) {
      const [name = '', kind = 'hosts'] = (header[1] ?? '').split(':');
      if (!['hosts', 'vars', 'children'].includes(kind)) {
        throw new ConfigError(`unknown section kind ":${kind}": expected [group], [group:vars] or [group:children]`, at);
      }
      if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new ConfigError(`invalid group name "${name}"`, at);
      section = { group: name, kind: kind as 'hosts' | 'vars' | 'children' };
      if (!inventory.groups.has(name) && kind === 'vars' && !pending.has(name)) pending.set(name, { line: index + 1, kind: 'vars', parents: [] });
      inventory.group(name);
      const waiting = pending.get(name);
      if (waiting && kind !== 'vars') {
        for (const parent of waiting.parents) addChild(inventory, parent, name, at);
        pending.delete(name);
      }
      return;
    }
    if (line.startsWith('[')) throw new ConfigError('unclosed section header: expected [group]', at);
    if (section.kind === 'vars') {
      const eq = line.indexOf('=');
      if (eq < 1) throw new ConfigError(`expected key=value in [${section.group}:vars], found "${line}"`, at);
      const key = line.slice(0, eq).trim();
      const value = parseValue(line.slice(eq + 1).trim());
      checkConnectionVars({ [key]: value }, () => at);
      inventory.setGroupVar(section.group, key, value);
      return;
    }
    if (section.kind === 'children') {
      const child = line.split(/\s+/)[0] ?? '';
      const waiting = pending.get(child);
      if (inventory.groups.has(child) && (!waiting || waiting.kind === 'vars')) addChild(inventory, section.group, child, at);
      else if (waiting) waiting.parents.push(section.group);
      else pending.set(child, { line: index + 1, kind: 'children', parents: [section.group] });
      return;
    }
    readHostLine(inventory, raw, line, section.group, at);
  });
  // As Ansible: the first group still undeclared at the end of the file is the error.
  for (const [name, waiting] of pending) {
    const at: SourcePosition = { file, line: waiting.line, col: 1 };
    if (waiting.kind === 'vars') throw new ConfigError(`section [${name}:vars] not valid for undefined group: ${name}`, at);
    throw new ConfigError(`section [${waiting.parents.at(-1)}:children] includes undefined group: ${name}`, at);
  }
}

function addChild(inventory: Inventory, parent: string, child: string, at: SourcePosition): void {
  try {
    inventory.addChild(parent, child);
  } catch (err) {
    throw new ConfigError((err as Error).message, at);
  }
}

function readHostLine(inventory: Inventory, raw: string, line: string, group: string, at: SourcePosition): void {
  let words: string[];
  try {
    words = shlexSplit(line, { comments: true });
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
    vars[word.slice(0, eq)] = parseValue(word.slice(eq + 1));
  }
  // The column of `key=` on the line, for errors about one variable.
  checkConnectionVars(vars, (key) => {
    const col = raw.indexOf(`${key}=`);
    return col < 0 ? at : { ...at, col: col + 1 };
  });
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

/** The ini plugin's `_parse_value`: a Python literal's value, else the text as written. */
function parseValue(text: string): unknown {
  const literal = literalEval(text);
  return literal ? literal.value : text;
}
