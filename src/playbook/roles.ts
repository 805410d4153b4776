import { basename, dirname, join } from 'node:path';
import { ConfigError, type SourcePosition } from '../errors.js';
import { loadYamlFile, positionOf } from '../config/yaml.js';
import { describeType, isPlainObject, toBoolean, type Vars } from '../util/data.js';
import { checkPath } from '../util/path-check.js';
import { kindOf } from '../util/safe-fs.js';
import { TASK_KEYWORDS, UNSUPPORTED_TASK_KEYWORDS } from './keywords.js';
import type { LoadedRole, PlayNode, RoleRun } from './model.js';
import { type Inherited, NOTHING_INHERITED, parseTaskList, type ReuseContext, type RoleFiles } from './task-list.js';
import type { ModuleCatalog } from './task-parse.js';

export type { LoadedRole } from './model.js';

export interface RoleContext {
  readonly baseDir: string;
  readonly projectDir: string;
  readonly catalog: ModuleCatalog;
  /** import_role / include_role inside the role's tasks load their roles through this. */
  readonly reuse?: ReuseContext;
}



/** A role on the way from the play to the role being read, to name a dependency cycle. */
interface Step {
  readonly dir: string;
  readonly name: string;
  readonly run: RoleRun;
}

/** Keywords Ansible allows on a role entry that this engine does not apply to a role's tasks yet. */
const UNSUPPORTED_ROLE_KEYWORDS = new Set([...TASK_KEYWORDS, ...UNSUPPORTED_TASK_KEYWORDS].filter((k) => !['name', 'tags', 'vars'].includes(k)));

/**
 * A play's `roles:` (a name, or `{role: name, …params}`), each with its `meta/main.yml`
 * dependencies first, as Ansible runs them. A role runs once per play for the same parameters
 * unless its meta sets `allow_duplicates`. A dependency cycle is an error at the dependency that
 * closes it.
 */
export function readRoles(list: unknown, listAt: SourcePosition, context: RoleContext, seen = new Set<string>()): LoadedRole[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new ConfigError(`"roles" must be a list, found ${describeType(list)}`, listAt);
  const out: LoadedRole[] = [];
  list.forEach((entry, i) => loadRole(entry, positionOf(list, i) ?? listAt, [], [], context, seen, out));
  return out;
}

/** One role entry (import_role, include_role) with its dependencies first, reading `files` instead of the main.yml files. */
export function readRoleEntry(entry: Vars, at: SourcePosition, context: RoleContext, seen: Set<string>, files: RoleFiles, inheritedTags: readonly string[] = []): LoadedRole[] {
  const out: LoadedRole[] = [];
  loadRole(entry, at, [], inheritedTags, context, seen, out, files);
  return out;
}

function loadRole(entry: unknown, at: SourcePosition, chain: readonly Step[], inheritedTags: readonly string[], context: RoleContext, seen: Set<string>, out: LoadedRole[], files: RoleFiles = {}): void {
  const spec = typeof entry === 'string' ? { role: entry } : entry;
  if (!isPlainObject(spec)) throw new ConfigError(`a role is a name or a mapping with "role", found ${describeType(entry)}`, at);
  const nameKey = spec['role'] !== undefined ? 'role' : 'name';
  const name = spec[nameKey];
  if (typeof name !== 'string' || name === '') throw new ConfigError('a role is a name or a mapping with "role"', at);
  checkPath(name, 'role name', positionOf(spec, nameKey) ?? at);
  if (name.includes('{{')) throw new ConfigError('templated role names are not supported yet: name the role', positionOf(spec, nameKey) ?? at);
  for (const key of Object.keys(spec)) {
    if (UNSUPPORTED_ROLE_KEYWORDS.has(key)) throw new ConfigError(`role keyword "${key}" is not supported by provision yet`, positionOf(spec, key) ?? at);
  }
  const dir = findRole(name, chain.at(-1)?.dir, context);
  if (!dir) throw new ConfigError(`role "${name}" not found (looked in ${candidates(name, chain.at(-1)?.dir, context).join(', ')})`, at);
  const cycle = chain.findIndex((step) => step.dir === dir);
  if (cycle >= 0) {
    throw new ConfigError(`role dependency cycle: ${[...chain.slice(cycle).map((s) => s.name), name].join(' -> ')}`, at);
  }
  const { role: _role, name: _name, tags, vars: roleSpecVars, ...params } = spec;
  if (roleSpecVars !== undefined && roleSpecVars !== null && !isPlainObject(roleSpecVars)) throw new ConfigError('role "vars" must be a mapping', positionOf(spec, 'vars') ?? at);
  const entryVars: Vars = isPlainObject(roleSpecVars) ? roleSpecVars : {};
  const roleTags = [...inheritedTags, ...(tags === undefined ? [] : Array.isArray(tags) ? tags.map(String) : String(tags).split(',').map((t) => t.trim()))];
  const meta = readMapping(join(dir, 'meta/main.yml'));
  const allowDuplicates = toBoolean(meta['allow_duplicates']) === true;
  const identity = `${dir}\u0000${JSON.stringify([entryVars, params, files.tasks, files.handlers, files.defaults, files.vars])}`;
  if (!allowDuplicates && seen.has(identity)) return;
  seen.add(identity);

  const run: RoleRun = {
    name: basename(name),
    path: dir,
    defaults: readMapping(roleFile(dir, 'defaults', files.defaults)),
    vars: readMapping(roleFile(dir, 'vars', files.vars)),
    entryVars,
    params,
    parents: chain.map((step) => step.run),
  };
  const steps = [...chain, { dir, name, run }];
  const dependencies = meta['dependencies'];
  if (dependencies !== undefined && dependencies !== null) {
    const metaFile = join(dir, 'meta/main.yml');
    if (!Array.isArray(dependencies)) throw new ConfigError('"dependencies" must be a list of roles', positionOf(meta, 'dependencies') ?? { file: metaFile, line: 1, col: 1 });
    dependencies.forEach((dependency, i) => loadRole(dependency, positionOf(dependencies, i) ?? { file: metaFile, line: 1, col: 1 }, steps, roleTags, context, seen, out));
  }

  const searchDirs = [dir, context.baseDir, context.projectDir];
  const tasksFrom = (path: string): PlayNode[] => {
    const around: Inherited = files.inherited ?? NOTHING_INHERITED;
    if (kindOf(path) !== 'file') return [];
    const { data } = loadYamlFile(path);
    if (data === null) return [];
    const at = positionOf(data) ?? { file: path, line: 1, col: 1 };
    return parseTaskList(data, at, 'a tasks file', context.catalog, { searchDirs, role: basename(name), ...(context.reuse ? { reuse: context.reuse } : {}) }, { ...around, tags: [...roleTags, ...around.tags] });
  };
  const tasksPath = roleFile(dir, 'tasks', files.tasks);
  if (files.tasks !== undefined && kindOf(tasksPath) !== 'file') throw new ConfigError(`role "${name}": tasks_from file not found: ${files.tasks}`, at);
  out.push({ run, tasks: tasksFrom(tasksPath), handlers: tasksFrom(roleFile(dir, 'handlers', files.handlers)) });
}

/** Where a role is looked for: beside the role that depends on it, then roles/ beside the playbook, then the project's roles/. */
function candidates(name: string, parentDir: string | undefined, context: RoleContext): string[] {
  if (name.includes('/')) return [join(context.baseDir, name)];
  return [
    ...(parentDir ? [join(dirname(parentDir), name)] : []),
    join(context.baseDir, 'roles', name),
    join(context.projectDir, 'roles', name),
  ];
}

function findRole(name: string, parentDir: string | undefined, context: RoleContext): string | undefined {
  return candidates(name, parentDir, context).find((c) => kindOf(c) === 'directory');
}

/** An optional YAML mapping file (defaults, vars, meta); absent or empty is {}. */
function readMapping(path: string): Vars {
  if (kindOf(path) !== 'file') return {};
  const { data } = loadYamlFile(path);
  if (data === null) return {};
  if (!isPlainObject(data)) throw new ConfigError(`a role's ${basename(dirname(path))}/main.yml must be a mapping, found ${describeType(data)}`, positionOf(data) ?? { file: path, line: 1, col: 1 });
  return data;
}

/** A role's file in one of its directories: main.yml, or the one named (`tasks_from: setup` is tasks/setup.yml). */
function roleFile(dir: string, kind: string, from: string | undefined): string {
  if (from === undefined) return join(dir, kind, 'main.yml');
  const named = join(dir, kind, from);
  return /\.ya?ml$/.test(from) || kindOf(named) === 'file' ? named : kindOf(`${named}.yml`) === 'file' ? `${named}.yml` : `${named}.yaml`;
}
