import { existsSync } from 'node:fs';
import { ConfigError, ConfigErrors } from '../errors.js';
import { positionOf } from '../config/yaml.js';
import { getModule } from '../modules/registry.js';
import { validateArgs } from '../modules/validate-args.js';
import { hasTemplate, type Templar } from '../template/templar.js';
import { isPlainObject } from '../util/data.js';
import { findFile } from './find-file.js';
import { type Playbook, type Task, taskTitle } from './model.js';

/**
 * Everything that can be checked without a host, checked before the first connection: module
 * arguments, referenced files, template syntax, notify targets, vars_files. All problems are
 * collected and reported together, each with file:line:col.
 */
export function validatePlaybooks(playbooks: readonly Playbook[], templar: Templar): void {
  const errors: ConfigError[] = [];
  const attempt = (fn: () => void): void => {
    try {
      fn();
    } catch (err) {
      if (err instanceof ConfigError) errors.push(err);
      else throw err;
    }
  };
  for (const playbook of playbooks) {
    for (const play of playbook.plays) {
      for (const file of play.varsFiles) {
        attempt(() => {
          if (hasTemplate(file.path)) throw new ConfigError('templated vars_files paths are not supported yet: name the file', file.at);
          if (!existsSync(file.path)) throw new ConfigError(`vars file not found: ${file.path}`, file.at);
        });
      }
      attempt(() => checkTemplates(play.vars, templar));
      const handlerNames = new Set(play.handlers.flatMap((h) => [h.name ?? '', ...h.listen]));
      for (const task of [...play.tasks, ...play.handlers]) {
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
  for (const [key, value] of Object.entries(task.args)) {
    if (!raw.includes(key)) checkTemplates(value, templar, positionOf(task.args, key) ?? task.at);
  }
  checkTemplates(task.vars, templar, task.at);
  if (typeof task.name === 'string') templar.check(task.name, task.at);
  if (task.loop !== undefined) checkTemplates(task.loop, templar, task.at);
  module.validate?.(args, { at: task.at, templar, findFile: (kind, name) => findFile(task.searchDirs, kind, name) });
}

function checkTemplates(value: unknown, templar: Templar, at = positionOf(value)): void {
  if (typeof value === 'string') {
    if (hasTemplate(value)) templar.check(value, at);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => checkTemplates(v, templar, positionOf(value, i) ?? at));
  } else if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) checkTemplates(v, templar, positionOf(value, k) ?? at);
  }
}
