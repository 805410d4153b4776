import { createTwoFilesPatch } from 'diff';
import type { HostResultEvent } from '../engine/events.js';
import type { HostResult } from '../engine/reporter.js';
import type { FileDiff } from '../modules/types.js';
import type { Vars } from '../util/data.js';

/** Ansible's one-line result JSON: Python's json.dumps with sorted keys (`{"a": 1, "b": [2, 3]}`). */
export function resultJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(resultJson).join(', ')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value).sort().map((k) => `${JSON.stringify(k)}: ${resultJson((value as Vars)[k])}`);
    return `{${entries.join(', ')}}`;
  }
  return value === undefined ? 'null' : JSON.stringify(value);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Vars)[k])]));
  }
  return value;
}

function itemLabel(item: unknown): string {
  // null is what a no_log loop's items become; Python, and so Ansible, calls it None.
  if (item === null) return 'None';
  return typeof item === 'string' ? item : JSON.stringify(item);
}

/** The line(s) Ansible prints for one host's result of a task. */
export function resultLines(r: HostResult, verbosity: number): string[] {
  const item = r.hasItem ? ` => (item=${itemLabel(r.item)})` : '';
  // debug shows its message alone, as Ansible's does; -v shows every result in full.
  const shown = r.show && verbosity === 0 ? Object.fromEntries(Object.entries(r.result).filter(([k]) => k !== 'changed')) : r.result;
  const details = verbosity > 0 || r.show ? ` => ${JSON.stringify(sortKeys(shown), null, 4)}` : '';
  switch (r.status) {
    case 'ok':
      return [`ok: [${r.host}]${item}${r.hasItem ? '' : details}`];
    case 'changed':
      return [`changed: [${r.host}]${item}${r.hasItem ? '' : details}`];
    case 'skipped':
      // Ansible's default callback ends a skipped item's line with a space; kept for byte-identical output.
      return [`skipping: [${r.host}]${item}${r.hasItem ? ' ' : ''}`];
    case 'unreachable':
      return [`fatal: [${r.host}]: UNREACHABLE! => ${resultJson(r.result)}`];
    case 'failed': {
      // The failure is the line itself: Ansible does not repeat "failed": true in the JSON.
      const { failed: _failed, ...shown } = r.result;
      const line = r.hasItem ? `failed: [${r.host}] (item=${itemLabel(r.item)}) => ${resultJson(shown)}` : `fatal: [${r.host}]: FAILED! => ${resultJson(shown)}`;
      return r.ignored && !r.hasItem ? [line, '...ignoring'] : [line];
    }
  }
}

/**
 * The lines Ansible prints for one host_result: a line per loop item and none for the whole loop
 * (unless it never got to its items, or the host was unreachable), else the task's line.
 * `action` is the task's module: debug shows its message without -v.
 */
export function hostResultLines(event: HostResultEvent, action: string, verbosity: number): string[] {
  const { host, status, result, ignored } = event;
  const items = event.items ?? [];
  const lines = items.flatMap((i) => resultLines({ host, status: i.status, result: i.result, item: i.item, hasItem: true, ignored: i.ignored }, verbosity));
  if (items.length === 0 || status === 'unreachable') lines.push(...resultLines({ host, status, result, ignored, show: action === 'debug' }, verbosity));
  return lines;
}

/** --diff output: a unified diff per changed file. */
export function diffText(diffs: readonly FileDiff[]): string {
  return diffs
    .map((d) => createTwoFilesPatch(`before: ${d.path}`, `after: ${d.path}`, d.before, d.after, '', '').split('\n').filter((l) => !l.startsWith('====')).join('\n'))
    .join('\n');
}
