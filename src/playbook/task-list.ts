import { ConfigError, type SourcePosition } from '../errors.js';
import { mergeMappings, positionOf } from '../config/yaml.js';
import { describeType, isPlainObject, type Vars } from '../util/data.js';
import { type Block, type Condition, META_ACTIONS, type MetaAction, type PlayNode, type Task } from './model.js';
import { conditions, type ModuleCatalog, parseTask, stringList, type TaskContext } from './task-parse.js';

/**
 * What the blocks around a task give it (Ansible's parent attributes): their keywords (become,
 * ignore_errors, …; the task's own win), their `when` (before the task's) and their tags.
 */
export interface Inherited {
  readonly keywords: Vars;
  readonly when: readonly Condition[];
  readonly tags: readonly string[];
}

export const NOTHING_INHERITED: Inherited = { keywords: {}, when: [], tags: [] };

/** Keys of a `block:` entry that are its own, not passed to its tasks as keywords. */
const BLOCK_OWN = new Set(['block', 'rescue', 'always', 'name', 'when', 'tags', 'vars']);

/** Task keywords a block may not have (ansible-core 2.14: "'loop' is not a valid attribute for a Block"). */
const NOT_ON_BLOCK = new Set([
  'loop', 'with_items', 'loop_control', 'register', 'changed_when', 'failed_when', 'until', 'retries', 'delay', 'listen',
  'args', 'action', 'local_action', 'async', 'poll',
]);

const META_KEYS = ['meta', 'ansible.builtin.meta', 'ansible.legacy.meta'];

/** A list of tasks as written (in a play section, a role's tasks file, a block's section): tasks, blocks and meta tasks. */
export function parseTaskList(list: unknown, listAt: SourcePosition, what: string, catalog: ModuleCatalog, context: TaskContext, inherited: Inherited = NOTHING_INHERITED): PlayNode[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new ConfigError(`${what} must be a list of tasks, found ${describeType(list)}`, listAt);
  return list.map((entry, i) => parseEntry(entry, positionOf(list, i) ?? listAt, catalog, context, inherited));
}

function parseEntry(raw: unknown, at: SourcePosition, catalog: ModuleCatalog, context: TaskContext, inherited: Inherited): PlayNode {
  if (!isPlainObject(raw)) throw new ConfigError(`a task must be a mapping, found ${describeType(raw)}`, at);
  if ('block' in raw) return parseBlock(raw, at, catalog, context, inherited);
  for (const key of ['rescue', 'always']) {
    if (key in raw) throw new ConfigError(`"${key}" belongs to a block: write it beside "block:"`, positionOf(raw, key) ?? at);
  }
  const metaKey = META_KEYS.find((k) => k in raw);
  if (metaKey) return parseMeta(raw, metaKey, at, catalog, context, inherited);
  return withInherited(parseTask(mergeMappings(inherited.keywords, raw), at, catalog, context), inherited);
}

/** The block's conditions and tags go before / after the task's own. */
function withInherited(task: Task, inherited: Inherited): Task {
  if (inherited.when.length === 0 && inherited.tags.length === 0) return task;
  return { ...task, when: [...inherited.when, ...task.when], tags: [...task.tags, ...inherited.tags.filter((t) => !task.tags.includes(t))] };
}

function parseBlock(raw: Vars, at: SourcePosition, catalog: ModuleCatalog, context: TaskContext, inherited: Inherited): Block {
  const keyAt = (key: string): SourcePosition => positionOf(raw, key) ?? at;
  const own: Vars = {};
  for (const key of Object.keys(raw)) {
    if (NOT_ON_BLOCK.has(key)) throw new ConfigError(`"${key}" is not a valid keyword for a block (put it on the block's tasks)`, keyAt(key));
    if (!BLOCK_OWN.has(key)) own[key] = raw[key];
  }
  for (const key of ['block', 'rescue', 'always']) {
    const value = raw[key];
    if (value !== undefined && value !== null && !Array.isArray(value)) throw new ConfigError(`"${key}" must be a list of tasks, found ${describeType(value)}`, keyAt(key));
  }
  const vars = raw['vars'] ?? {};
  if (!isPlainObject(vars)) throw new ConfigError('block "vars" must be a mapping', keyAt('vars'));
  // The block's own keywords, positions kept, over those of the blocks around it.
  const keywords = mergeMappings(inherited.keywords, ownMapping(raw, own));
  const inner: Inherited = {
    keywords,
    when: [...inherited.when, ...conditions(raw, 'when', keyAt)],
    tags: [...stringList(raw, 'tags', keyAt), ...inherited.tags],
  };
  const section = (key: string): PlayNode[] => parseTaskList(raw[key], keyAt(key), `"${key}"`, catalog, context, inner);
  return { kind: 'block', children: section('block'), rescue: section('rescue'), always: section('always'), vars, role: undefined, at };
}

/** `own` with the positions its keys have in `raw`. */
function ownMapping(raw: Vars, own: Vars): Vars {
  const empty: Vars = {};
  const kept = mergeMappings(empty, raw);
  for (const key of Object.keys(kept)) if (!(key in own)) delete kept[key];
  return kept;
}

/**
 * `meta: flush_handlers` and the other meta actions: a task the strategy runs itself. Its
 * keywords (name, when, tags) are read as any task's.
 */
function parseMeta(raw: Vars, metaKey: string, at: SourcePosition, catalog: ModuleCatalog, context: TaskContext, inherited: Inherited): Task {
  const keyAt = (key: string): SourcePosition => positionOf(raw, key) ?? at;
  const action = raw[metaKey];
  if (typeof action !== 'string' || !(META_ACTIONS as readonly string[]).includes(action)) {
    const refused = action === 'reset_connection' || action === 'clear_host_errors' || action === 'end_role';
    throw new ConfigError(
      refused
        ? `meta: ${String(action)} is not supported by provision yet`
        : `meta must be one of ${META_ACTIONS.join(', ')}, found ${typeof action === 'string' ? action : describeType(action)}`,
      keyAt(metaKey),
    );
  }
  for (const key of Object.keys(raw)) {
    if (key !== metaKey && !['name', 'when', 'tags', 'vars'].includes(key)) throw new ConfigError(`"${key}" is not supported on a meta task`, keyAt(key));
  }
  // Parsed as a task of a module that takes no argument, then made the meta task it is.
  const { [metaKey]: _meta, ...rest } = raw;
  const stand = mergeMappings(inherited.keywords, mergeMappings(ownMapping(raw, rest), { debug: {} }));
  const task = withInherited(parseTask(stand, at, catalog, context), inherited);
  return { ...task, module: 'meta', moduleAsWritten: metaKey, args: { _raw_params: action as MetaAction } };
}
