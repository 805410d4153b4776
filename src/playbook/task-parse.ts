import { ConfigError, type SourcePosition } from '../errors.js';
import { positionOf, rememberPosition } from '../config/yaml.js';
import { parseExpression } from '../expr/expression.js';
import { describeType, isPlainObject, toBoolean, type Vars } from '../util/data.js';
import type { ModuleCatalog } from '../modules/registry.js';
import { isIdentifier } from '../util/identifier.js';
import { isUnsupportedLoop, TASK_KEYWORDS, UNSUPPORTED_TASK_KEYWORDS } from './keywords.js';
import { type KeywordTemplates, readFlag, readText } from './keyword-values.js';
import { parseTaskFlow } from './flow-keywords.js';
import { parseLoopControl } from './loop-control.js';
import type { Condition, Task } from './model.js';

export type { ModuleCatalog } from '../modules/registry.js';

export interface TaskContext {
  readonly searchDirs: readonly string[];
  readonly role: string | undefined;
}

/** Turns one task mapping (as written in YAML) into a Task, or throws ConfigError with its position. */
export function parseTask(raw: unknown, at: SourcePosition, catalog: ModuleCatalog, context: TaskContext): Task {
  if (!isPlainObject(raw)) throw new ConfigError(`a task must be a mapping, found ${describeType(raw)}`, at);
  const keyAt = (key: string): SourcePosition => positionOf(raw, key) ?? at;
  let module: string | undefined;
  let moduleKey = '';
  let written = '';
  let rawArgs: unknown;
  for (const [key, value] of Object.entries(raw)) {
    if (TASK_KEYWORDS.has(key)) continue;
    if (UNSUPPORTED_TASK_KEYWORDS.has(key) || isUnsupportedLoop(key)) throw new ConfigError(`task keyword "${key}" is not supported by provision yet`, keyAt(key));
    const name = catalog.resolve(key);
    if (!name) throw new ConfigError(`unknown module or task keyword "${key}"`, keyAt(key));
    if (module) throw new ConfigError(`a task runs one module, found "${module}" and "${name}"`, keyAt(key));
    module = name;
    moduleKey = key;
    written = key;
    rawArgs = value;
  }
  // `local_action:` is `action:` delegated to localhost (ModuleArgsParser).
  const actionKey = raw['local_action'] !== undefined ? 'local_action' : 'action';
  if (raw['local_action'] !== undefined && raw['action'] !== undefined) throw new ConfigError('action and local_action are mutually exclusive', keyAt('local_action'));
  if (raw['local_action'] !== undefined && raw['delegate_to'] !== undefined) throw new ConfigError('local_action and delegate_to are mutually exclusive', keyAt('local_action'));
  if (raw[actionKey] !== undefined) {
    if (module) throw new ConfigError(`a task with "${actionKey}" cannot also name a module`, keyAt(actionKey));
    const action = raw[actionKey];
    // `action: copy src=a dest=b`, or `action: {module: copy, src: a, dest: b}`.
    const text = isPlainObject(action) ? String(action['module'] ?? '') : String(action).trim();
    const word = text.split(/\s+/)[0] ?? '';
    const name = catalog.resolve(word);
    if (!name) throw new ConfigError(`unknown module "${word}" in ${actionKey}`, keyAt(actionKey));
    module = name;
    moduleKey = actionKey;
    written = word;
    if (isPlainObject(action)) {
      const { module: _module, ...rest } = action;
      rawArgs = rest;
    } else {
      rawArgs = text.slice(word.length).trim();
    }
  }
  if (!module) throw new ConfigError('a task needs a module (for example "command:" or "copy:")', at);
  const moduleAt = keyAt(moduleKey);
  const args = moduleArgs(module, rawArgs, moduleAt, catalog);
  if (raw['args'] !== undefined) {
    if (!isPlainObject(raw['args'])) throw new ConfigError('"args" must be a mapping', keyAt('args'));
    for (const [k, v] of Object.entries(raw['args'])) if (!(k in args)) args[k] = v;
  }
  if (raw['loop'] !== undefined && raw['with_items'] !== undefined) throw new ConfigError('use "loop" or "with_items", not both', keyAt('with_items'));
  const templated: KeywordTemplates = {};
  const become = readFlag(raw, 'become', keyAt, templated, 'become') ?? readFlag(raw, 'sudo', keyAt, templated, 'become');
  const vars = raw['vars'] ?? {};
  if (!isPlainObject(vars)) throw new ConfigError('task "vars" must be a mapping', keyAt('vars'));
  const parsedFlow = parseTaskFlow(raw, keyAt, (key) => conditions(raw, key, keyAt));
  const flow = raw['local_action'] !== undefined ? { ...parsedFlow, delegateTo: 'localhost' } : parsedFlow;
  return {
    kind: 'task',
    name: raw['name'] === undefined ? undefined : String(raw['name']),
    module,
    ...(written !== module ? { moduleAsWritten: written } : {}),
    args,
    at,
    when: conditions(raw, 'when', keyAt),
    loop: raw['with_items'] !== undefined ? raw['with_items'] : raw['loop'],
    loopWith: raw['with_items'] !== undefined ? 'items' : undefined,
    loopControl: parseLoopControl(raw['loop_control'], keyAt('loop_control')),
    register: optionalName(raw, 'register', keyAt),
    notify: stringList(raw, 'notify', keyAt),
    listen: stringList(raw, 'listen', keyAt),
    changedWhen: raw['changed_when'] === undefined ? undefined : conditions(raw, 'changed_when', keyAt),
    failedWhen: raw['failed_when'] === undefined ? undefined : conditions(raw, 'failed_when', keyAt),
    ignoreErrors: readFlag(raw, 'ignore_errors', keyAt, templated, 'ignore_errors') ?? false,
    tags: stringList(raw, 'tags', keyAt),
    become,
    becomeUser: readText(raw, 'become_user', keyAt, templated, 'become_user') ?? readText(raw, 'sudo_user', keyAt, templated, 'become_user'),
    vars,
    noLog: readFlag(raw, 'no_log', keyAt, templated, 'no_log') ?? false,
    checkMode: readFlag(raw, 'check_mode', keyAt, templated, 'check_mode'),
    diff: readFlag(raw, 'diff', keyAt, templated, 'diff'),
    templated,
    timeout: optionalSeconds(raw, 'timeout', keyAt),
    searchDirs: context.searchDirs,
    role: context.role,
    ...(flow ? { flow } : {}),
  };
}

function moduleArgs(module: string, raw: unknown, at: SourcePosition, catalog: ModuleCatalog): Vars {
  if (raw === null || raw === undefined) return {};
  if (isPlainObject(raw)) return raw; // the same object, so argument positions stay known
  if (typeof raw === 'string' || typeof raw === 'number') {
    const args = parseKeyValues(String(raw), at, catalog.takesFreeForm(module) ? catalog.freeFormKeys(module) : undefined);
    rememberPosition(args, at);
    return args;
  }
  throw new ConfigError(`arguments of ${module} must be a mapping or a "key=value" string, found ${describeType(raw)}`, at);
}

/**
 * `k=v` module arguments, split like a shell line but never inside `{{ }}`. For free-form
 * modules the words that are not one of `freeFormKeys` stay as the command (`_raw_params`).
 */
export function parseKeyValues(text: string, at: SourcePosition, freeFormKeys?: readonly string[]): Vars {
  const args: Vars = {};
  const free: string[] = [];
  for (const word of splitWords(text, at)) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(word);
    if (m && (!freeFormKeys || freeFormKeys.includes(m[1] ?? ''))) {
      args[m[1] ?? ''] = unquote((m[2] ?? '').replace(/\n$/, ''));
    } else if (freeFormKeys) {
      free.push(word);
    } else {
      throw new ConfigError(`expected key=value in module arguments, found "${word}"`, at);
    }
  }
  // As Ansible's join_args: words joined by one space, but a line break stays a line break.
  if (freeFormKeys && free.length > 0) args['_raw_params'] = free.reduce((line, w) => (line === '' || line.endsWith('\n') ? line + w : `${line} ${w}`), '').replace(/\n$/, '');
  return args;
}

/** Splits on spaces outside quotes and outside `{{ }}`, keeping each word as written. */
function splitWords(text: string, at: SourcePosition): string[] {
  const words: string[] = [];
  let word = '';
  let quote = '';
  let braces = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (text.startsWith('{{', i)) braces++;
    if (text.startsWith('}}', i) && braces > 0) braces--;
    if (quote) {
      if (ch === quote && text[i - 1] !== '\\') quote = '';
    } else if ((ch === '"' || ch === "'") && braces === 0) {
      quote = ch;
    } else if (/\s/.test(ch) && braces === 0) {
      // A line break ends its line's last word, as Ansible's split_args keeps it (`shell: |` scripts).
      if (ch === '\n') {
        if (word) word += '\n';
        else if (words.length > 0 && !words[words.length - 1]?.endsWith('\n')) words[words.length - 1] += '\n';
      }
      if (word) words.push(word);
      word = '';
      continue;
    }
    word += ch;
  }
  if (quote) throw new ConfigError(`unclosed quote (${quote}) in module arguments`, at);
  if (word) words.push(word);
  return words;
}

/** Removes one level of quotes; escapes are decoded as Ansible's parse_kv does (`\n`, `\t`, `\"`). */
function unquote(value: string): string {
  const m = /^(["'])(.*)\1$/s.exec(value);
  const inner = m ? (m[2] ?? '') : value;
  return inner.replace(/\\([nt"'\\])/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}

export function conditions(raw: Vars, key: string, keyAt: (k: string) => SourcePosition): Condition[] {
  const value = raw[key];
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((item, i) => {
    const at = (Array.isArray(value) ? positionOf(value, i) : undefined) ?? keyAt(key);
    if (typeof item === 'boolean') return { text: String(item), expression: parseExpression(item ? 'True' : 'False', at), at };
    if (typeof item !== 'string') throw new ConfigError(`"${key}" must be a condition or a list of them, found ${describeType(item)}`, at);
    return { text: item, expression: parseExpression(item, at), at };
  });
}

/** A whole number of seconds, 0 or more (0: no limit), as Ansible's `timeout` keyword. */
function optionalSeconds(raw: Vars, key: string, keyAt: (k: string) => SourcePosition): number | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) throw new ConfigError(`"${key}" must be a whole number of seconds (0 for no limit), found ${describeType(value)}`, keyAt(key));
  return n;
}

function optionalName(raw: Vars, key: string, keyAt: (k: string) => SourcePosition): string | undefined {
  const value = raw[key];
  if (value === undefined) return undefined;
  if (!isIdentifier(value)) throw new ConfigError(`"${key}" must be a variable name (letters, digits and _, not a Python keyword), found ${describeType(value)}`, keyAt(key));
  return value;
}

export function stringList(raw: Vars, key: string, keyAt: (k: string) => SourcePosition): string[] {
  const value = raw[key];
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return key === 'tags' ? value.split(',').map((s) => s.trim()) : [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) return value.map(String);
  throw new ConfigError(`"${key}" must be a string or a list of strings`, keyAt(key));
}
