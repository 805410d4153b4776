import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { ConfigError, type SourcePosition } from '../errors.js';
import { loadYamlFile, positionOf } from '../config/yaml.js';
import { describeType, isPlainObject, toBoolean, type Vars } from '../util/data.js';
import { PLAY_KEYWORDS } from './keywords.js';
import type { Play, Playbook, Task } from './model.js';
import { type ModuleCatalog, parseTask, stringList } from './task-parse.js';

/** Reads playbooks (and what they import) into plays, checking their shape as it goes. */
export function loadPlaybook(file: string, catalog: ModuleCatalog, projectDir: string): Playbook {
  return { file, plays: readPlaybookFile(resolve(file), catalog, projectDir, []) };
}

function readPlaybookFile(file: string, catalog: ModuleCatalog, projectDir: string, importing: string[]): Play[] {
  if (importing.includes(file)) throw new ConfigError(`import_playbook cycle: ${[...importing, file].join(' -> ')}`);
  const { data } = loadYamlFile(file);
  const top: SourcePosition = { file, line: 1, col: 1 };
  if (!Array.isArray(data)) throw new ConfigError(`a playbook must be a list of plays, found ${describeType(data)}`, top);
  const plays: Play[] = [];
  data.forEach((item, index) => {
    const at = positionOf(data, index) ?? top;
    if (isPlainObject(item) && item['import_playbook'] !== undefined) {
      const target = String(item['import_playbook']);
      const path = isAbsolute(target) ? target : join(dirname(file), target);
      if (!existsSync(path)) throw new ConfigError(`imported playbook not found: ${target}`, positionOf(item, 'import_playbook') ?? at);
      plays.push(...readPlaybookFile(path, catalog, projectDir, [...importing, file]));
      return;
    }
    plays.push(readPlay(item, at, file, catalog, projectDir));
  });
  return plays;
}

function readPlay(raw: unknown, at: SourcePosition, file: string, catalog: ModuleCatalog, projectDir: string): Play {
  if (!isPlainObject(raw)) throw new ConfigError(`a play must be a mapping, found ${describeType(raw)}`, at);
  const keyAt = (key: string): SourcePosition => positionOf(raw, key) ?? at;
  for (const key of Object.keys(raw)) {
    if (!PLAY_KEYWORDS.has(key)) throw new ConfigError(`unknown play keyword "${key}"`, keyAt(key));
  }
  const hosts = raw['hosts'];
  if (hosts === undefined || hosts === null || hosts === '') throw new ConfigError('a play needs "hosts"', at);
  const baseDir = dirname(file);
  const playDirs = [baseDir, projectDir];
  const tasksOf = (key: string, dirs: readonly string[], role?: string): Task[] => {
    const list = raw[key];
    if (list === undefined || list === null) return [];
    if (!Array.isArray(list)) throw new ConfigError(`"${key}" must be a list of tasks`, keyAt(key));
    return list.map((t, i) => parseTask(t, positionOf(list, i) ?? keyAt(key), catalog, { searchDirs: dirs, role }));
  };
  const roles = readRoles(raw, keyAt, baseDir, projectDir, catalog);
  const vars = raw['vars'] ?? {};
  if (!isPlainObject(vars)) throw new ConfigError('play "vars" must be a mapping', keyAt('vars'));
  const varsFiles = raw['vars_files'] === undefined ? [] : raw['vars_files'];
  if (!Array.isArray(varsFiles)) throw new ConfigError('"vars_files" must be a list of paths', keyAt('vars_files'));
  const gather = raw['gather_facts'] === undefined ? true : toBoolean(raw['gather_facts']);
  if (gather === undefined) throw new ConfigError('"gather_facts" must be a boolean', keyAt('gather_facts'));
  const become = raw['become'] !== undefined ? toBoolean(raw['become']) : raw['sudo'] !== undefined ? toBoolean(raw['sudo']) : undefined;
  const becomeUser = raw['become_user'] ?? raw['sudo_user'];
  const remoteUser = raw['remote_user'] ?? raw['user'];
  return {
    name: String(raw['name'] ?? (Array.isArray(hosts) ? hosts.join(',') : hosts)),
    hosts: Array.isArray(hosts) ? hosts.join(',') : String(hosts),
    at,
    file,
    vars,
    defaults: Object.assign({}, ...roles.map((r) => r.defaults)),
    varsFiles: varsFiles.map((p, i) => ({ path: isAbsolute(String(p)) ? String(p) : join(baseDir, String(p)), at: positionOf(varsFiles, i) })),
    tasks: [...tasksOf('pre_tasks', playDirs), ...roles.flatMap((r) => r.tasks), ...tasksOf('tasks', playDirs), ...tasksOf('post_tasks', playDirs)],
    handlers: [...roles.flatMap((r) => r.handlers), ...tasksOf('handlers', playDirs)],
    gatherFacts: gather,
    become,
    becomeUser: becomeUser === undefined ? undefined : String(becomeUser),
    remoteUser: remoteUser === undefined ? undefined : String(remoteUser),
    tags: stringList(raw, 'tags', keyAt),
  };
}

interface LoadedRole {
  readonly tasks: Task[];
  readonly handlers: Task[];
  readonly defaults: Vars;
}

/** `roles:` entries: a name or `{role: name, …params}`; found in ./roles, the project's roles/, or by path. */
function readRoles(raw: Vars, keyAt: (k: string) => SourcePosition, baseDir: string, projectDir: string, catalog: ModuleCatalog): LoadedRole[] {
  const list = raw['roles'];
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new ConfigError('"roles" must be a list', keyAt('roles'));
  return list.map((entry, i) => {
    const at = positionOf(list, i) ?? keyAt('roles');
    const spec = typeof entry === 'string' ? { role: entry } : entry;
    if (!isPlainObject(spec) || typeof spec['role'] !== 'string') throw new ConfigError('a role is a name or a mapping with "role"', at);
    const name = spec['role'] as string;
    const candidates = name.includes('/') ? [join(baseDir, name)] : [join(baseDir, 'roles', name), join(projectDir, 'roles', name)];
    const dir = candidates.find((c) => existsSync(c));
    if (!dir) throw new ConfigError(`role "${name}" not found (looked in ${candidates.join(', ')})`, at);
    const { role: _role, tags, ...params } = spec;
    const roleVars = { ...readOptional(join(dir, 'vars/main.yml')), ...params };
    const dirs = [dir, baseDir, projectDir];
    const tasksFrom = (path: string): Task[] => {
      if (!existsSync(path)) return [];
      const { data } = loadYamlFile(path);
      if (data === null) return [];
      if (!Array.isArray(data)) throw new ConfigError('a tasks file must be a list of tasks', { file: path, line: 1, col: 1 });
      return data.map((t, j) => {
        const task = parseTask(t, positionOf(data, j) ?? { file: path, line: 1, col: 1 }, catalog, { searchDirs: dirs, role: name.split('/').at(-1) });
        const roleTags = tags === undefined ? [] : Array.isArray(tags) ? tags.map(String) : [String(tags)];
        return { ...task, vars: { ...roleVars, ...task.vars }, tags: [...task.tags, ...roleTags] };
      });
    };
    return { tasks: tasksFrom(join(dir, 'tasks/main.yml')), handlers: tasksFrom(join(dir, 'handlers/main.yml')), defaults: readOptional(join(dir, 'defaults/main.yml')) };
  });
}

function readOptional(path: string): Vars {
  if (!existsSync(path)) return {};
  const { data } = loadYamlFile(path);
  if (data === null) return {};
  if (!isPlainObject(data)) throw new ConfigError('a role variables file must be a mapping', { file: path, line: 1, col: 1 });
  return data;
}
