import { dirname, isAbsolute, join, resolve } from 'node:path';
import { ConfigError, type SourcePosition } from '../errors.js';
import { loadYamlFile, positionOf } from '../config/yaml.js';
import { CONNECTION_TYPES } from '../inventory/connection-vars.js';
import { describeType, isPlainObject, toBoolean, type Vars } from '../util/data.js';
import { checkPath } from '../util/path-check.js';
import { kindOf } from '../util/safe-fs.js';
import { type KeywordTemplates, readFlag, readText } from './keyword-values.js';
import { PLAY_KEYWORDS, UNSUPPORTED_PLAY_KEYWORDS } from './keywords.js';
import type { Block, Condition, FlushHandlers, Play, Playbook, PlayNode, RoleRun } from './model.js';
import { parsePlayFlow } from './play-flow.js';
import { readRoleEntry, readRoles } from './roles.js';
import { parseTaskList, type ReuseContext } from './task-list.js';
import { conditions, type ModuleCatalog, stringList } from './task-parse.js';
import { readPlayVarsFiles } from './vars-files.js';

/** Reads playbooks (and what they import) into plays, checking their shape as it goes. */
export function loadPlaybook(file: string, catalog: ModuleCatalog, projectDir: string): Playbook {
  checkPath(file, 'playbook path');
  return { file, plays: readPlaybookFile(resolve(file), catalog, projectDir, []) };
}

/** A playbook on the way to the one being read (import_playbook), to name a cycle. */
interface Import {
  readonly file: string;
}

function readPlaybookFile(file: string, catalog: ModuleCatalog, projectDir: string, importing: readonly Import[]): Play[] {
  const { data } = loadYamlFile(file);
  const top: SourcePosition = { file, line: 1, col: 1 };
  if (!Array.isArray(data)) throw new ConfigError(`a playbook must be a list of plays, found ${describeType(data)}`, positionOf(data) ?? top);
  const plays: Play[] = [];
  data.forEach((item, index) => {
    const at = positionOf(data, index) ?? top;
    if (isPlainObject(item) && item['import_playbook'] !== undefined) {
      const path = importTarget(item, at, file);
      const importAt = positionOf(item, 'import_playbook') ?? at;
      const chain = [...importing, { file }];
      const cycle = chain.findIndex((step) => step.file === path);
      if (cycle >= 0) {
        throw new ConfigError(`import_playbook cycle: ${[...chain.slice(cycle).map((s) => s.file), path].join(' -> ')}`, importAt);
      }
      const keyAt = (key: string): SourcePosition => positionOf(item, key) ?? at;
      const when = conditions(item, 'when', keyAt);
      const vars = item['vars'] ?? {};
      if (!isPlainObject(vars)) throw new ConfigError('import_playbook "vars" must be a mapping', keyAt('vars'));
      const tags = stringList(item, 'tags', keyAt);
      plays.push(...readPlaybookFile(path, catalog, projectDir, chain).map((play) => importedPlay(play, when, vars, tags)));
      return;
    }
    if (isPlainObject(item) && item['include'] !== undefined && item['hosts'] === undefined) {
      throw new ConfigError(`a playbook-level "include:" is gone from ansible-core 2.14: write "- import_playbook: ${String(item['include'])}"`, positionOf(item, 'include') ?? at);
    }
    plays.push(readPlay(item, at, file, catalog, projectDir));
  });
  return plays;
}

/** The file an `import_playbook` entry names; a template, a missing file or a keyword beside it is an error. */
function importTarget(item: Record<string, unknown>, at: SourcePosition, file: string): string {
  const keyAt = (key: string): SourcePosition => positionOf(item, key) ?? at;
  for (const key of Object.keys(item)) {
    if (!['import_playbook', 'ansible.builtin.import_playbook', 'name', 'when', 'vars', 'tags'].includes(key)) throw new ConfigError(`"${key}" beside import_playbook is not supported by provision yet`, keyAt(key));
  }
  const target = item['import_playbook'];
  if (typeof target !== 'string') throw new ConfigError(`import_playbook must name a playbook file, found ${describeType(target)}`, keyAt('import_playbook'));
  checkPath(target, 'import_playbook path', keyAt('import_playbook'));
  if (target.includes('{{')) throw new ConfigError('templated import_playbook paths are not supported yet: name the file', keyAt('import_playbook'));
  const path = resolve(isAbsolute(target) ? target : join(dirname(file), target));
  if (kindOf(path) !== 'file') throw new ConfigError(`imported playbook not found: ${target}`, keyAt('import_playbook'));
  return path;
}

function readPlay(raw: unknown, at: SourcePosition, file: string, catalog: ModuleCatalog, projectDir: string): Play {
  if (!isPlainObject(raw)) throw new ConfigError(`a play must be a mapping, found ${describeType(raw)}`, at);
  const keyAt = (key: string): SourcePosition => positionOf(raw, key) ?? at;
  for (const key of Object.keys(raw)) {
    if (UNSUPPORTED_PLAY_KEYWORDS.has(key)) throw new ConfigError(`play keyword "${key}" is not supported by provision yet`, keyAt(key));
    if (!PLAY_KEYWORDS.has(key)) throw new ConfigError(`unknown play keyword "${key}"`, keyAt(key));
  }
  const hosts = hostsPattern(raw['hosts'], at, keyAt('hosts'));
  const baseDir = dirname(file);
  const playDirs = [baseDir, projectDir];
  const seen = new Set<string>();
  const reuse: ReuseContext = { loadRole: (entry, at, files) => readRoleEntry(entry, at, roleContext, seen, files), loaded: [], publicRuns: [] };
  const roleContext = { baseDir, projectDir, catalog, reuse };
  const tasksOf = (key: string, dirs: readonly string[]): PlayNode[] => parseTaskList(raw[key], keyAt(key), `"${key}"`, catalog, { searchDirs: dirs, role: undefined, reuse });
  const roles = readRoles(raw['roles'], keyAt('roles'), roleContext, seen);
  const vars = raw['vars'] ?? {};
  if (!isPlainObject(vars)) throw new ConfigError('play "vars" must be a mapping', keyAt('vars'));
  const varsFiles = readPlayVarsFiles(raw['vars_files'], keyAt('vars_files'), baseDir);
  const gather = raw['gather_facts'] === undefined ? true : toBoolean(raw['gather_facts']);
  if (gather === undefined) throw new ConfigError('"gather_facts" must be a boolean', keyAt('gather_facts'));
  const forceHandlers = raw['force_handlers'] === undefined ? undefined : toBoolean(raw['force_handlers']);
  if (raw['force_handlers'] !== undefined && forceHandlers === undefined) throw new ConfigError('"force_handlers" must be a boolean', keyAt('force_handlers'));
  const templated: KeywordTemplates = {};
  const become = readFlag(raw, 'become', keyAt, templated, 'become') ?? readFlag(raw, 'sudo', keyAt, templated, 'become');
  const becomeUser = readText(raw, 'become_user', keyAt, templated, 'become_user') ?? readText(raw, 'sudo_user', keyAt, templated, 'become_user');
  const remoteUser = readText(raw, 'remote_user', keyAt, templated, 'remote_user') ?? readText(raw, 'user', keyAt, templated, 'remote_user');
  const connection = optionalScalar(raw, 'connection', keyAt);
  // The engine reaches hosts as -c and the inventory say; a play asking for another way is refused, not ignored.
  if (connection !== undefined && (!CONNECTION_TYPES.includes(connection) || connection === 'local')) {
    throw new ConfigError(`play keyword "connection: ${connection}" is not supported yet: set ansible_connection in the inventory, or pass -c`, keyAt('connection'));
  }
  // As Play.compile(): handlers notified in a section run when it ends.
  const flush = (): FlushHandlers => ({ kind: 'flush_handlers' });
  const block = (children: readonly PlayNode[], role?: RoleRun): Block => ({ kind: 'block', children, vars: {}, role });
  const preTasks = tasksOf('pre_tasks', playDirs);
  const tasks = tasksOf('tasks', playDirs);
  const postTasks = tasksOf('post_tasks', playDirs);
  const handlers = tasksOf('handlers', playDirs);
  const flow = parsePlayFlow(raw, keyAt);
  return {
    name: optionalScalar(raw, 'name', keyAt) ?? hosts,
    hosts,
    hostsAt: keyAt('hosts'),
    at,
    file,
    vars,
    varsFiles,
    // import_role's defaults and vars (and include_role's with public: true) are the play's, as the roles' are.
    roles: [...roles.map((r) => r.run), ...reuse.publicRuns],
    blocks: [block(preTasks), flush(), ...roles.map((r) => block(r.tasks, r.run)), block(tasks), flush(), block(postTasks), flush()],
    handlers: [...[...roles, ...reuse.loaded].map((r) => block(r.handlers, r.run)), block(handlers)],
    gatherFacts: gather,
    ...(forceHandlers !== undefined ? { forceHandlers } : {}),
    become,
    becomeUser,
    remoteUser,
    tags: stringList(raw, 'tags', keyAt),
    templated,
    ...(flow ? { flow } : {}),
  };
}

/** `hosts`: a pattern, or a list of them (joined with commas, as Ansible does). */
function hostsPattern(value: unknown, playAt: SourcePosition, at: SourcePosition): string {
  if (value === undefined || value === null || value === '') throw new ConfigError('a play needs "hosts"', playAt);
  const parts = Array.isArray(value) ? value : [value];
  if (parts.length === 0 || !parts.every((p) => typeof p === 'string' || typeof p === 'number')) {
    throw new ConfigError(`"hosts" must be a host pattern or a list of them, found ${describeType(value)}`, at);
  }
  const pattern = parts.map(String).join(',');
  checkPath(pattern, 'host pattern', at);
  if (pattern.includes('{{')) throw new ConfigError('templated host patterns are not supported yet: write the pattern (or use --limit)', at);
  return pattern;
}

function optionalScalar(raw: Record<string, unknown>, key: string, keyAt: (k: string) => SourcePosition): string | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'object') throw new ConfigError(`"${key}" must be a single value, found ${describeType(value)}`, keyAt(key));
  return String(value);
}

/**
 * A play imported by `import_playbook` with `when`, `vars` or `tags` (PlaybookInclude.load_data):
 * the import's vars over the play's, its tags added, its conditions before those of every task
 * (handlers aside) and of fact gathering.
 */
function importedPlay(play: Play, when: readonly Condition[], vars: Vars, tags: readonly string[]): Play {
  if (when.length === 0 && Object.keys(vars).length === 0 && tags.length === 0) return play;
  const guard = (nodes: readonly PlayNode[]): PlayNode[] =>
    nodes.map((node) => {
      if (node.kind === 'flush_handlers') return node;
      if (node.kind === 'block') return { ...node, children: guard(node.children), ...(node.rescue ? { rescue: guard(node.rescue) } : {}), ...(node.always ? { always: guard(node.always) } : {}) };
      return { ...node, when: [...when, ...node.when] };
    });
  return {
    ...play,
    vars: { ...play.vars, ...vars },
    tags: [...new Set([...play.tags, ...tags])],
    blocks: when.length > 0 ? guard(play.blocks) : play.blocks,
    ...(when.length > 0 ? { when: [...when, ...(play.when ?? [])] } : {}),
  };
}
