import type { Task } from '../playbook/model.js';
import type { HostResultEvent, ItemResult } from './events.js';
import type { HostResult } from './reporter.js';
import { type TaskOutcome, visible } from './task-executor.js';

export interface ResultPlace {
  readonly task_id: string;
  readonly play_id: string;
  readonly host: string;
}

/**
 * One host's outcome of one task as the one event the stream carries for it: a loop's items go
 * inside it, and no_log censors the result, each item's result, the items themselves and the diff.
 */
export function hostResultEvent(place: ResultPlace, task: Task, outcome: TaskOutcome, durationMs: number): HostResultEvent {
  return {
    type: 'host_result',
    ...place,
    status: outcome.status,
    changed: outcome.result['changed'] === true,
    ignored: outcome.ignored,
    duration_ms: Math.round(durationMs),
    result: visible(outcome.result, task),
    ...(task.loop !== undefined ? { items: outcome.items.map((line) => itemResult(line, task)) } : {}),
    ...(outcome.diff && outcome.diff.length > 0 && !task.noLog ? { diff: outcome.diff } : {}),
  };
}

function itemResult(line: HostResult, task: Task): ItemResult {
  const label = line.label !== undefined && !task.noLog ? { label: line.label } : {};
  return { item: task.noLog ? null : line.item, ...label, status: line.status, ignored: line.ignored ?? false, result: visible(line.result, task) };
}
