import { evaluateCondition } from '../expr/expression.js';
import { formatPosition } from '../errors.js';
import type { Block, PlayNode, Task } from '../playbook/model.js';
import { taskTitle } from '../playbook/model.js';
import type { Vars } from '../util/data.js';
import type { HostIterator, TaskContext } from './host-iterator.js';
import { extendVars } from './lazy-vars.js';
import { itemVars, withItems } from './loop-results.js';
import { type PlayRun, playHostsOf } from './run-task.js';
import type { TaskStatus } from './stats.js';

/** One file included for some hosts with the same item (Ansible's IncludedFile). */
interface Included {
  readonly path: string;
  readonly vars: Vars;
  readonly hosts: string[];
}

/**
 * include_tasks on these hosts: for each host (and loop item) where its `when` holds, the file
 * it names; then every host gets the blocks of its files after the include, in the order the
 * files were first included (hosts that include the same file with the same item share them).
 * The include's own result is ok, as Ansible's (`include`, and `results` for a loop).
 * Returns the hosts that failed (a file that cannot be found or read).
 */
export function runIncludeTasks(run: PlayRun, iterator: HostIterator, task: Task, context: TaskContext, hosts: readonly string[]): Set<string> {
  const { state, playId } = run;
  const spec = task.include;
  if (!spec) throw new Error(`BUG: ${taskTitle(task)} has nothing to include`);
  const taskId = state.newId('task');
  const failed = new Set<string>();
  const included: Included[] = [];
  const scope = { play: run.play, task, context, playHosts: playHostsOf(run) };
  const varsOf = new Map(hosts.map((h) => [h, state.variables.forTask(h, scope)]));
  state.events.emit({ type: 'task_start', task_id: taskId, play_id: playId, name: taskTitle(task), kind: 'task', action: task.moduleAsWritten ?? 'include_tasks', hosts });
  for (const host of hosts) {
    const started = performance.now();
    const vars = varsOf.get(host) ?? {};
    let status: TaskStatus = 'ok';
    let result: Vars;
    let items: { item: unknown; status: TaskStatus; ignored: boolean; result: Vars }[] | undefined;
    try {
      const includeOne = (itemScope: Vars, extra: Vars): Vars => {
        const file = state.templar.renderString(spec.file, itemScope, task.at, `the file of ${taskTitle(task)}`);
        const path = spec.resolve(file);
        if (!path) throw new Error(`Could not find or access '${file}' on the Ansible Controller.`);
        const key = JSON.stringify(extra);
        let entry = included.find((i) => i.path === path && JSON.stringify(i.vars) === key);
        if (!entry) included.push((entry = { path, vars: extra, hosts: [] }));
        if (!entry.hosts.includes(host)) entry.hosts.push(host);
        return { include: file, include_args: {} };
      };
      if (task.loop === undefined) {
        if (!holds(task, vars)) {
          status = 'skipped';
          result = { changed: false, skipped: true, skip_reason: 'Conditional result was False' };
        } else {
          result = { changed: false, ...includeOne(vars, {}) };
        }
      } else {
        const rendered = state.templar.renderDeep(task.loop, vars, task.at, `loop of ${taskTitle(task)}`);
        const list = task.loopWith === 'items' ? withItems(rendered) : rendered;
        if (!Array.isArray(list)) throw new Error(`${formatPosition(task.at)}: loop must be a list, got ${JSON.stringify(list)}`);
        items = list.map((_, index) => {
          const extra = itemVars(task.loopControl, list, index);
          const itemScope = extendVars(vars, extra);
          if (!holds(task, itemScope)) return { item: list[index], status: 'skipped' as const, ignored: false, result: { changed: false, skipped: true, ...extra } };
          return { item: list[index], status: 'ok' as const, ignored: false, result: { changed: false, ...includeOne(itemScope, extra), ...extra } };
        });
        if (items.length > 0 && items.every((i) => i.status === 'skipped')) status = 'skipped';
        result = { changed: false, results: items.map((i) => i.result), ...(status === 'skipped' ? { skipped: true } : {}) };
      }
    } catch (err) {
      status = 'failed';
      result = { changed: false, failed: true, msg: (err as Error).message };
      if (!task.ignoreErrors) {
        failed.add(host);
        if (!run.rescuing(host)) state.removed.add(host);
      }
    }
    if (task.register) state.variables.setHostFacts(host, { [task.register]: result });
    state.events.emit({
      type: 'host_result',
      task_id: taskId,
      play_id: playId,
      host,
      status,
      changed: false,
      ignored: status === 'failed' && task.ignoreErrors,
      ...(status === 'failed' && !task.ignoreErrors && run.rescuing(host) ? { rescued: true } : {}),
      duration_ms: Math.round(performance.now() - started),
      result,
      ...(items ? { items } : {}),
      // include_role's result and roles are not counted by Ansible (IncludeRole is a TaskInclude, roles skip _load_included_file).
      ...(status === 'ok' ? { included: task.module === 'include_role' ? 0 : included.filter((i) => i.hosts.includes(host)).length } : {}),
    });
  }
  for (const entry of included) {
    const hostsOk = entry.hosts.filter((h) => !failed.has(h));
    if (hostsOk.length === 0 || task.module === 'include_role') continue;
    const loopVar = entry.vars['ansible_loop_var'];
    const item = typeof loopVar === 'string' ? entry.vars[loopVar] : undefined;
    state.events.emit({ type: 'included', task_id: taskId, play_id: playId, file: entry.path, hosts: hostsOk, ...(item !== undefined ? { item } : {}) });
  }
  const blocksByHost = new Map<string, Block[]>();
  const cache = new Map<string, readonly PlayNode[]>();
  for (const entry of included) {
    let nodes = cache.get(entry.path);
    if (!nodes) {
      nodes = spec.nodes && !spec.file.includes('{{') ? spec.nodes : spec.load(entry.path);
      cache.set(entry.path, nodes);
    }
    // The include's vars and the loop item are the included tasks' vars (a block's vars here).
    const block: Block = { kind: 'block', children: nodes, vars: { ...task.vars, ...entry.vars }, role: context.role };
    for (const host of entry.hosts) {
      if (failed.has(host)) continue;
      let list = blocksByHost.get(host);
      if (!list) blocksByHost.set(host, (list = []));
      list.push(block);
    }
  }
  if (blocksByHost.size > 0) iterator.include(blocksByHost, context.blocks);
  return failed;
}

function holds(task: Task, vars: Vars): boolean {
  return task.when.every((c) => {
    try {
      return evaluateCondition(c.expression, vars);
    } catch (err) {
      throw new Error(`${formatPosition(c.at ?? task.at)}: The conditional check '${c.text}' failed. The error was: ${(err as Error).message}`);
    }
  });
}
