import type { Become } from '../connection/connection.js';
import { formatPosition } from '../errors.js';
import { hostSettings } from '../inventory/host-settings.js';
import type { KeywordTemplate } from '../playbook/keyword-values.js';
import type { Play, Task } from '../playbook/model.js';
import type { Templar } from '../template/templar.js';
import { toBoolean, type Vars } from '../util/data.js';
import type { RunSettings } from './run-state.js';

/**
 * Keywords written as templates, rendered with a host's (or a loop item's) variables when the
 * task runs there, as Ansible's post_validate does; a value that is not a boolean fails the task
 * on that host, with Ansible's message.
 */
export function taskForHost(task: Task, vars: Vars, templar: Templar): Task {
  const t = task.templated;
  if (!t.ignore_errors && !t.no_log && !t.check_mode && !t.diff) return task;
  return {
    ...task,
    ignoreErrors: t.ignore_errors ? flag(t.ignore_errors, 'ignore_errors', vars, templar) : task.ignoreErrors,
    noLog: t.no_log ? flag(t.no_log, 'no_log', vars, templar) : task.noLog,
    checkMode: t.check_mode ? flag(t.check_mode, 'check_mode', vars, templar) : task.checkMode,
    diff: t.diff ? flag(t.diff, 'diff', vars, templar) : task.diff,
  };
}

/** Ansible's order: command line < play keyword < task keyword < the host's ansible_become* variables. */
export function becomeFor(task: Task, play: Play, vars: Vars, templar: Templar, settings: RunSettings): Become | undefined {
  const host = hostSettings(String(vars['inventory_hostname']), vars);
  const become =
    host.become ??
    (task.templated.become ? flag(task.templated.become, 'become', vars, templar) : task.become) ??
    (play.templated.become ? flag(play.templated.become, 'become', vars, templar) : play.become) ??
    settings.become ??
    false;
  if (!become) return undefined;
  const user =
    host.becomeUser ??
    (task.templated.become_user ? text(task.templated.become_user, vars, templar) : task.becomeUser) ??
    (play.templated.become_user ? text(play.templated.become_user, vars, templar) : play.becomeUser) ??
    settings.becomeUser ??
    'root';
  return { user, password: host.becomePassword ?? settings.becomePassword };
}

/** The play's remote_user for this host (ansible_user and -u are weighed by the connection pool). */
export function remoteUserFor(play: Play, vars: Vars, templar: Templar): string | undefined {
  return play.templated.remote_user ? text(play.templated.remote_user, vars, templar) : play.remoteUser;
}

function flag(keyword: KeywordTemplate, name: string, vars: Vars, templar: Templar): boolean {
  const value = templar.render(keyword.text, vars, keyword.at, name);
  const b = toBoolean(value);
  if (b === undefined) throw new Error(`${formatPosition(keyword.at)}: the field '${name}' has an invalid value (${String(value)}), and could not be converted to a bool`);
  return b;
}

function text(keyword: KeywordTemplate, vars: Vars, templar: Templar): string {
  return templar.renderString(keyword.text, vars, keyword.at, keyword.text);
}
