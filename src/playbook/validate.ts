import { dirname, resolve } from 'node:path';
import { ConfigError, ConfigErrors, type SourcePosition } from '../errors.js';
import { positionOf, type TextLocator, valueLocator } from '../config/yaml.js';
import { getModule } from '../modules/registry.js';
import { validateArgs } from '../modules/validate-args.js';
import { hasTemplate, mayHoldTemplate, type Templar } from '../template/templar.js';
import { isPlainObject } from '../util/data.js';
import { isIdentifier } from '../util/identifier.js';
import { checkPath, hasNul } from '../util/path-check.js';
import { findFile } from './find-file.js';
import { type Playbook, type Task, tasksIn, taskTitle } from './model.js';
import { checkAsyncModule, checkFlowTemplates } from './validate-flow.js';

/** Module arguments that name a path on the controller or the host: a NUL byte in one is refused. */
const PATH_ARGUMENTS = ['path', 'dest', 'src', 'creates', 'removes', 'chdir', 'executable'];

/**
 * Everything that can be checked without a host, checked before the first connection: module
 * arguments, referenced files, templates (syntax, helpers, `{{file}}` lookups), notify targets.
 * All problems are collected and reported together, each with file:line:col. (vars_files are
 * read and checked when the playbook is loaded.) `projectDir` is where `{{file "…"}}` looks after
 * the playbook's directory, as at run time.
 */
export function validatePlaybooks(playbooks: readonly Playbook[], templar: Templar, projectDir?: string): void {
  const errors: ConfigError[] = [];
  const attempt = (fn: () => void): void => {
    try {
      fn();
    } catch (err) {
      if (err instanceof ConfigErrors) errors.push(...err.errors);
      else if (err instanceof ConfigError) errors.push(err);
      else throw err;
    }
  };
  for (const playbook of playbooks) {
    templar.setFileBases([dirname(resolve(playbook.file)), ...(projectDir ? [projectDir] : [])]);
    for (const play of playbook.plays) {
      attempt(() => checkTemplates(play.vars, templar, play.at));
      for (const keyword of Object.values(play.templated)) attempt(() => templar.check(keyword.text, keyword.at));
      attempt(() => checkFlowTemplates(play.flow, templar, play.at));
      for (const file of play.varsFiles) for (const choice of file.templates ?? []) attempt(() => templar.check(choice, file.at));
      const handlers = tasksIn(play.handlers);
      // A handler answers to its name, "role : name" and its listen topics.
      const handlerNames = new Set(handlers.flatMap((h) => [...(h.name === undefined ? [] : [h.name, taskTitle(h)]), ...h.listen]));
      for (const task of [...tasksIn(play.blocks), ...handlers]) {
        if (task.module === 'include_tasks' || task.module === 'include_role') {
          attempt(() => templar.check(task.include?.file ?? '', task.at));
          if (task.loop !== undefined) attempt(() => checkTemplates(task.loop, templar, task.at));
          continue;
        }
        if (task.module === 'meta') {
          if (handlers.includes(task) && task.args['_raw_params'] === 'flush_handlers') attempt(() => { throw new ConfigError('flush_handlers cannot be used as a handler', task.at); });
          continue;
        }
        attempt(() => validateTask(task, templar));
        for (const target of task.notify) {
          attempt(() => {
            if (!handlerNames.has(target)) {
              throw new ConfigError(`task "${taskTitle(task)}" notifies "${target}", but the play has no handler by that name or listen topic`, positionOf(task, 'notify') ?? task.at);
            }
          });
        }
      }
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new ConfigErrors(errors);
}

function validateTask(task: Task, templar: Templar): void {
  const module = getModule(task.module);
  const raw: readonly string[] = module.schema.rawArgs ?? [];
  const args = validateArgs(module.name, module.schema, task.args, task.at, false);
  for (const key of PATH_ARGUMENTS) {
    const value = args[key];
    if (typeof value === 'string' && !hasTemplate(value)) checkPath(value, `${task.module}: argument "${key}"`, positionOf(task.args, key) ?? task.at);
  }
  // Any other value a host gets (a name, a URL, a peer, a password) cannot hold a NUL either: a
  // shell drops it, argv and the environment cannot carry it. Refused here, not on the host.
  // (A file's content travels encoded, so it may.)
  if (!(module.kind === 'action' && module.controllerOnly)) {
    for (const [key, value] of Object.entries(args)) {
      if (key !== 'content' && !PATH_ARGUMENTS.includes(key) && holdsNul(value)) throw new ConfigError(`${task.module}: argument "${key}" contains a NUL byte`, positionOf(task.args, key) ?? task.at);
    }
  }
  for (const [key, value] of Object.entries(task.args)) {
    if (!raw.includes(key)) checkTemplates(value, templar, positionOf(task.args, key) ?? task.at, valueLocator(task.args, key));
  }
  if (task.module === 'set_fact') checkFactNames(args, task);
  checkTemplates(task.vars, templar, task.at);
  for (const keyword of Object.values(task.templated)) templar.check(keyword.text, keyword.at);
  if (typeof task.name === 'string' && mayHoldTemplate(task.name)) templar.check(task.name, task.at);
  if (task.loop !== undefined) checkTemplates(task.loop, templar, task.at);
  checkFlowTemplates(task.flow, templar, task.at);
  checkAsyncModule(task.module, task.flow, task.at);
  module.validate?.(args, { at: task.at, templar, findFile: (kind, name) => findFile(task.searchDirs, kind, name) });
}

/** A string (in lists and mappings too) with a NUL byte. */
function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return hasNul(value);
  if (Array.isArray(value)) return value.some(holdsNul);
  if (isPlainObject(value)) return Object.entries(value).some(([k, v]) => hasNul(k) || holdsNul(v));
  return false;
}

/** set_fact's names must be variable names, as its action requires (there, per host when it runs). */
function checkFactNames(args: Record<string, unknown>, task: Task): void {
  for (const name of Object.keys(args)) {
    if (name === 'cacheable' || isIdentifier(name)) continue;
    throw new ConfigError(
      `set_fact: the variable name '${name}' is not valid. Variables must start with a letter or underscore character, and contain only letters, numbers and underscores`,
      positionOf(task.args, name) ?? task.at,
    );
  }
}

/** Every string in a value that may be a template, checked at its own position in the file. */
function checkTemplates(value: unknown, templar: Templar, at: SourcePosition | undefined, locate?: TextLocator): void {
  if (typeof value === 'string') {
    if (mayHoldTemplate(value)) templar.check(value, at, locate);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => checkTemplates(v, templar, positionOf(value, i) ?? at, valueLocator(value, i)));
  } else if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) checkTemplates(v, templar, positionOf(value, k) ?? at, valueLocator(value, k));
  }
}
