import { dirname, isAbsolute, join, resolve } from 'node:path';
import { ConfigError, type SourcePosition } from '../errors.js';
import { kindOf } from '../util/safe-fs.js';
import { checkPath } from '../util/path-check.js';
import { loadYamlFile, mergeMappings, positionOf } from '../config/yaml.js';
import { describeType, isPlainObject, toBoolean, type Vars } from '../util/data.js';
import { type Block, type Condition, type LoadedRole, META_ACTIONS, type MetaAction, type PlayNode, type RoleRun, type Task } from './model.js';
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

/** Which files of a role to read instead of main.yml (import_role/include_role: tasks_from, …), and what the import gives its tasks. */
export interface RoleFiles {
  readonly tasks?: string;
  readonly handlers?: string;
  readonly defaults?: string;
  readonly vars?: string;
  readonly inherited?: Inherited;
}

/** How import_role and include_role reach the play's roles. */
export interface ReuseContext {
  /** A role entry with its dependencies first (a role already run in the play with the same parameters is left out). */
  readonly loadRole: (entry: Vars, at: SourcePosition, files: RoleFiles) => readonly LoadedRole[];
  /** Every role imported or included in the play: their handlers join the play's. */
  readonly loaded: LoadedRole[];
  /** Roles whose defaults and vars the whole play sees (import_role; include_role with public: true). */
  readonly publicRuns: RoleRun[];
}

/** Where a task list is read: a task's context, and the play's roles. */
export interface ListContext extends TaskContext {
  readonly reuse?: ReuseContext;
}

/** Keys of a `block:` entry that are its own, not passed to its tasks as keywords. */
const BLOCK_OWN = new Set(['block', 'rescue', 'always', 'name', 'when', 'tags', 'vars']);

/** Task keywords a block may not have (ansible-core 2.14: "'loop' is not a valid attribute for a Block"). */
const NOT_ON_BLOCK = new Set([
  'loop', 'with_items', 'loop_control', 'register', 'changed_when', 'failed_when', 'until', 'retries', 'delay', 'listen',
  'args', 'action', 'local_action', 'async', 'poll',
]);

const META_KEYS = ['meta', 'ansible.builtin.meta', 'ansible.legacy.meta'];
const IMPORT_TASKS_KEYS = ['import_tasks', 'ansible.builtin.import_tasks', 'ansible.legacy.import_tasks'];
/** `include:` (deprecated in 2.14, removed in 2.16) is read as include_tasks, which is what it does for tasks. */
const INCLUDE_TASKS_KEYS = ['include_tasks', 'ansible.builtin.include_tasks', 'ansible.legacy.include_tasks', 'include', 'ansible.builtin.include'];
/** Keywords an import_tasks or include_tasks entry may have besides its file. */
const IMPORT_KEYWORDS = new Set(['name', 'when', 'tags', 'vars', 'become', 'become_user', 'ignore_errors', 'no_log', 'check_mode', 'diff', 'environment', 'delegate_to', 'run_once', 'any_errors_fatal', 'timeout']);
const INCLUDE_KEYWORDS = new Set(['name', 'when', 'tags', 'vars', 'loop', 'with_items', 'loop_control', 'ignore_errors', 'no_log', 'register']);

const ROLE_KEYS = ['import_role', 'include_role', 'ansible.builtin.import_role', 'ansible.builtin.include_role', 'ansible.legacy.import_role', 'ansible.legacy.include_role'];
/** The options of import_role / include_role. */
const ROLE_OPTIONS = new Set(['name', 'tasks_from', 'vars_from', 'defaults_from', 'handlers_from', 'public', 'allow_duplicates', 'apply', 'rolespec_validate']);

/** Files being imported, outermost first: an import of one of them is a cycle. */
const importing: string[] = [];

/** A list of tasks as written (in a play section, a role's tasks file, a block's section): tasks, blocks and meta tasks. */
export function parseTaskList(list: unknown, listAt: SourcePosition, what: string, catalog: ModuleCatalog, context: ListContext, inherited: Inherited = NOTHING_INHERITED): PlayNode[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new ConfigError(`${what} must be a list of tasks, found ${describeType(list)}`, listAt);
  return list.map((entry, i) => parseEntry(entry, positionOf(list, i) ?? listAt, catalog, context, inherited));
}

function parseEntry(raw: unknown, at: SourcePosition, catalog: ModuleCatalog, context: ListContext, inherited: Inherited): PlayNode {
  if (!isPlainObject(raw)) throw new ConfigError(`a task must be a mapping, found ${describeType(raw)}`, at);
  if ('block' in raw) return parseBlock(raw, at, catalog, context, inherited);
  for (const key of ['rescue', 'always']) {
    if (key in raw) throw new ConfigError(`"${key}" belongs to a block: write it beside "block:"`, positionOf(raw, key) ?? at);
  }
  for (const key of ['with_items', 'loop']) checkBareLoop(raw, key, at);
  const metaKey = META_KEYS.find((k) => k in raw);
  if (metaKey) return parseMeta(raw, metaKey, at, catalog, context, inherited);
  const importKey = IMPORT_TASKS_KEYS.find((k) => k in raw);
  if (importKey) return parseImportTasks(raw, importKey, at, catalog, context, inherited);
  const roleKey = ROLE_KEYS.find((k) => k in raw);
  if (roleKey) return parseRoleReuse(raw, roleKey, at, catalog, context, inherited);
  const includeKey = INCLUDE_TASKS_KEYS.find((k) => k in raw);
  if (includeKey) return parseIncludeTasks(raw, includeKey, at, catalog, context, inherited);
  return withInherited(parseTask(mergeMappings(inherited.keywords, raw), at, catalog, context), inherited);
}

/** The block's conditions and tags go before / after the task's own. */
function withInherited(task: Task, inherited: Inherited): Task {
  if (inherited.when.length === 0 && inherited.tags.length === 0) return task;
  return { ...task, when: [...inherited.when, ...task.when], tags: [...task.tags, ...inherited.tags.filter((t) => !task.tags.includes(t))] };
}

function parseBlock(raw: Vars, at: SourcePosition, catalog: ModuleCatalog, context: ListContext, inherited: Inherited): Block {
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
function parseMeta(raw: Vars, metaKey: string, at: SourcePosition, catalog: ModuleCatalog, context: ListContext, inherited: Inherited): Task {
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

/** A task file's path as written (a string, or `file:` in a mapping). */
function fileOf(raw: Vars, key: string, keyAt: (k: string) => SourcePosition): string {
  const value = raw[key];
  const file = isPlainObject(value) ? value['file'] : value;
  if (isPlainObject(value)) {
    for (const k of Object.keys(value)) if (k !== 'file') throw new ConfigError(`${key}: "${k}" is not supported by provision yet (only "file")`, positionOf(value, k) ?? keyAt(key));
  }
  if (typeof file !== 'string' || file.trim() === '') throw new ConfigError(`${key} must name a tasks file, found ${describeType(file)}`, keyAt(key));
  checkPath(file, `${key} path`, keyAt(key));
  return file.trim();
}

/** The first of `dirs` where `file` is (as Ansible looks beside the including file first). */
export function findTasksFile(file: string, dirs: readonly string[]): string | undefined {
  if (isAbsolute(file)) return kindOf(file) === 'file' ? file : undefined;
  for (const dir of dirs) {
    for (const candidate of [join(dir, file), join(dir, 'tasks', file)]) if (kindOf(candidate) === 'file') return resolve(candidate);
  }
  return undefined;
}

function includeDirs(at: SourcePosition, context: ListContext): string[] {
  return [...new Set([dirname(at.file), ...context.searchDirs])];
}

/** Reads a tasks file into nodes, with what the blocks around the import or include give. */
function readTasksFile(path: string, at: SourcePosition, catalog: ModuleCatalog, context: ListContext, inherited: Inherited): PlayNode[] {
  if (importing.includes(path)) throw new ConfigError(`tasks file import cycle: ${[...importing.slice(importing.indexOf(path)), path].join(' -> ')}`, at);
  importing.push(path);
  try {
    const { data } = loadYamlFile(path);
    if (data === null) return [];
    return parseTaskList(data, positionOf(data) ?? { file: path, line: 1, col: 1 }, 'a tasks file', catalog, context, inherited);
  } finally {
    importing.pop();
  }
}

/** `import_tasks`: read now; its keywords reach every task of the file, as a block's do. */
function parseImportTasks(raw: Vars, key: string, at: SourcePosition, catalog: ModuleCatalog, context: ListContext, inherited: Inherited): Block {
  const keyAt = (k: string): SourcePosition => positionOf(raw, k) ?? at;
  for (const k of Object.keys(raw)) {
    if (k !== key && !IMPORT_KEYWORDS.has(k)) throw new ConfigError(`"${k}" is not supported on import_tasks`, keyAt(k));
  }
  const file = fileOf(raw, key, keyAt);
  if (file.includes('{{')) throw new ConfigError(`import_tasks needs a file name known when the playbook is read: use include_tasks for "${file}"`, keyAt(key));
  const path = findTasksFile(file, includeDirs(at, context));
  if (!path) throw new ConfigError(`import_tasks: file not found: ${file}`, keyAt(key));
  const vars = raw['vars'] ?? {};
  if (!isPlainObject(vars)) throw new ConfigError('import_tasks "vars" must be a mapping', keyAt('vars'));
  const own: Vars = {};
  for (const k of Object.keys(raw)) if (!['name', 'when', 'tags', 'vars', key].includes(k)) own[k] = raw[k];
  const inner: Inherited = {
    keywords: mergeMappings(inherited.keywords, ownMapping(raw, own)),
    when: [...inherited.when, ...conditions(raw, 'when', keyAt)],
    tags: [...stringList(raw, 'tags', keyAt), ...inherited.tags],
  };
  return { kind: 'block', children: readTasksFile(path, keyAt(key), catalog, context, inner), vars, role: undefined, at };
}

/**
 * `include_tasks` (and `include:`): a task that, on each host (and loop item) where it runs,
 * adds the file's tasks after itself. A file named without a template is read and checked now.
 */
function parseIncludeTasks(raw: Vars, key: string, at: SourcePosition, catalog: ModuleCatalog, context: ListContext, inherited: Inherited): Task {
  const keyAt = (k: string): SourcePosition => positionOf(raw, k) ?? at;
  for (const k of Object.keys(raw)) {
    if (k !== key && !INCLUDE_KEYWORDS.has(k)) throw new ConfigError(`"${k}" is not supported on ${key} (ansible-core applies it to the include only; use "apply:" in Ansible, or a block around the include)`, keyAt(k));
  }
  const file = fileOf(raw, key, keyAt);
  const dirs = includeDirs(at, context);
  const load = (path: string): PlayNode[] => readTasksFile(path, keyAt(key), catalog, context, inherited);
  let nodes: PlayNode[] | undefined;
  if (!file.includes('{{')) {
    const path = findTasksFile(file, dirs);
    if (!path) throw new ConfigError(`${key}: file not found: ${file}`, keyAt(key));
    nodes = load(path);
  }
  const { [key]: _file, ...rest } = raw;
  const stand = mergeMappings(inherited.keywords, mergeMappings(ownMapping(raw, rest), { debug: {} }));
  const task = withInherited(parseTask(stand, at, catalog, context), inherited);
  const resolve = (name: string): string | undefined => findTasksFile(name, dirs);
  return { ...task, module: 'include_tasks', moduleAsWritten: key, args: { _raw_params: file }, include: { file, resolve, load, ...(nodes ? { nodes } : {}) } };
}

/**
 * `import_role` (read now: a block of the role's tasks, its keywords reach them, its defaults and
 * vars are the play's) and `include_role` (a task that adds the role's tasks where it runs, per
 * host and loop item; its variables are the role's own unless `public: true`).
 */
function parseRoleReuse(raw: Vars, key: string, at: SourcePosition, catalog: ModuleCatalog, context: ListContext, inherited: Inherited): PlayNode {
  const keyAt = (k: string): SourcePosition => positionOf(raw, k) ?? at;
  const isImport = key.endsWith('import_role');
  const options = raw[key];
  if (!isPlainObject(options)) throw new ConfigError(`${key} takes a mapping with "name" (and tasks_from, vars_from, defaults_from, handlers_from, public)`, keyAt(key));
  for (const k of Object.keys(options)) {
    if (!ROLE_OPTIONS.has(k)) throw new ConfigError(`${key}: unknown option "${k}"`, positionOf(options, k) ?? keyAt(key));
    if (k === 'apply' || k === 'rolespec_validate' || k === 'allow_duplicates') throw new ConfigError(`${key}: "${k}" is not supported by provision yet`, positionOf(options, k) ?? keyAt(key));
  }
  const name = options['name'];
  if (typeof name !== 'string' || name === '') throw new ConfigError(`${key} needs "name": the role`, keyAt(key));
  if (name.includes('{{')) throw new ConfigError(`${key}: templated role names are not supported yet: name the role`, positionOf(options, 'name') ?? keyAt(key));
  const text = (k: string): string | undefined => {
    const v = options[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string' || v.includes('{{')) throw new ConfigError(`${key}: "${k}" must name a file (no template)`, positionOf(options, k) ?? keyAt(key));
    return v;
  };
  const publicOption = options['public'] === undefined ? isImport : toBoolean(options['public']);
  if (publicOption === undefined) throw new ConfigError(`${key}: "public" must be a boolean`, positionOf(options, 'public') ?? keyAt(key));
  if (!context.reuse) throw new ConfigError(`${key} is not supported here`, keyAt(key));
  const allowed = isImport ? IMPORT_KEYWORDS : INCLUDE_KEYWORDS;
  for (const k of Object.keys(raw)) {
    if (k !== key && !allowed.has(k)) throw new ConfigError(`"${k}" is not supported on ${key}`, keyAt(k));
  }
  const vars = raw['vars'] ?? {};
  if (!isPlainObject(vars)) throw new ConfigError(`${key} "vars" must be a mapping`, keyAt('vars'));
  const own: Vars = {};
  for (const k of Object.keys(raw)) if (!['name', 'when', 'tags', 'vars', key, 'loop', 'with_items', 'loop_control', 'register'].includes(k)) own[k] = raw[k];
  // import_role: the import's keywords, when and tags reach the role's tasks; include_role: they are the include's own.
  const roleInherited: Inherited = isImport
    ? { keywords: mergeMappings(inherited.keywords, ownMapping(raw, own)), when: [...inherited.when, ...conditions(raw, 'when', keyAt)], tags: [...stringList(raw, 'tags', keyAt), ...inherited.tags] }
    : inherited;
  const files: RoleFiles = {
    ...optional('tasks', text('tasks_from')),
    ...optional('handlers', text('handlers_from')),
    ...optional('defaults', text('defaults_from')),
    ...optional('vars', text('vars_from')),
    inherited: roleInherited,
  };
  const loaded = context.reuse.loadRole({ role: name }, keyAt(key), files);
  context.reuse.loaded.push(...loaded);
  if (publicOption) context.reuse.publicRuns.push(...loaded.map((l) => l.run));
  const blocks: Block[] = loaded.map((l) => ({ kind: 'block', children: l.tasks, vars: {}, role: l.run }));
  if (isImport) return { kind: 'block', children: blocks, vars, role: undefined, at };
  const { [key]: _options, ...rest } = raw;
  const stand = mergeMappings(inherited.keywords, mergeMappings(ownMapping(raw, rest), { debug: {} }));
  const task = withInherited(parseTask(stand, at, catalog, context), inherited);
  return {
    ...task,
    module: 'include_role',
    moduleAsWritten: key,
    args: { name },
    include: { file: name, resolve: (n) => (n === name ? `role:${name}` : undefined), load: () => blocks, nodes: blocks },
  };
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

/**
 * `with_items: groups['web']` (a bare variable, Ansible 1.x style): ansible-core 2.14 loops over
 * that text as one item, which is never what was meant; refused with the form that works.
 */
function checkBareLoop(raw: Vars, key: string, at: SourcePosition): void {
  const value = raw[key];
  if (typeof value !== 'string' || value.includes('{{')) return;
  if (!/^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]+\]|\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(value.trim())) return;
  throw new ConfigError(
    `${key}: ${value} is a bare variable; ansible-core 2.14 would loop over the text itself. Write ${key}: "{{ ${value.trim()} }}"`,
    positionOf(raw, key) ?? at,
  );
}
