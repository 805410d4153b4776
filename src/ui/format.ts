import { createTwoFilesPatch } from 'diff';
import type { HostAsyncEvent, HostResultEvent, HostRetryEvent } from '../engine/events.js';
import type { HostResult } from '../engine/reporter.js';
import type { FileDiff } from '../modules/types.js';
import { pythonStr } from '../util/python-values.js';
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

/** `(item=…)`: the label as Python's `%s` prints it (a no_log item is None). */
function itemLabel(r: HostResult): string {
  return pythonStr(r.label !== undefined ? r.label : r.item);
}

/**
 * What Ansible's callbacks show of a result: `failed` and `skipped` are said by the line, not
 * the JSON (TaskResult.clean_copy); debug shows its message alone, or its variable.
 */
function shownResult(result: Vars, action: string | undefined): Vars {
  const { failed: _failed, skipped: _skipped, ...shown } = result;
  if (action !== 'debug') return shown;
  if ('msg' in shown) return { msg: shown['msg'] };
  const { changed: _changed, invocation: _invocation, skip_reason: _reason, ...rest } = shown;
  return rest;
}

/**
 * debug's and assert's own results carry _ansible_verbose_always: shown without -v, indented. A
 * skipped debug, or one that failed, did not produce it; assert does on a failed assertion
 * (`evaluated_to`), not when a condition cannot be evaluated. (assert's quiet is not seen here.)
 */
function verboseAlways(r: HostResult, action: string | undefined): boolean {
  const ran = r.status === 'ok' || r.status === 'changed';
  if (action === 'debug') return ran;
  if (action === 'assert') return ran || 'evaluated_to' in r.result;
  return false;
}

/** Ansible's _dump_results: indented when verbose-always (or -vvv), else on one line. */
function dump(r: HostResult, action: string | undefined, verbosity: number): string {
  const shown = shownResult(r.result, action);
  return verboseAlways(r, action) || verbosity > 2 ? JSON.stringify(sortKeys(shown), null, 4) : resultJson(shown);
}

/** The line(s) Ansible prints for one result, or one loop item's result. `action` is the task's module. */
export function resultLines(r: HostResult, verbosity: number, action?: string): string[] {
  const details = verbosity > 0 || verboseAlways(r, action) ? ` => ${dump(r, action, verbosity)}` : '';
  if (r.hasItem) {
    const item = itemLabel(r);
    switch (r.status) {
      case 'ok':
      case 'changed':
        return [`${r.status}: [${r.host}] => (item=${item})${details}`];
      case 'skipped':
        // Ansible's default callback ends a skipped item's line with a space; kept for byte-identical output.
        return [`skipping: [${r.host}] => (item=${item}) ${details}`];
      default:
        return [`failed: [${r.host}] (item=${item}) => ${dump(r, action, verbosity)}`];
    }
  }
  switch (r.status) {
    case 'ok':
    case 'changed':
      return [`${r.status}: [${r.host}]${details}`];
    case 'skipped':
      return [`skipping: [${r.host}]${details}`];
    case 'unreachable':
      return [`fatal: [${r.host}]: UNREACHABLE! => ${dump(r, action, verbosity)}`, ...(r.ignored ? ['...ignoring'] : [])];
    case 'failed':
      return [`fatal: [${r.host}]: FAILED! => ${dump(r, action, verbosity)}`, ...(r.ignored ? ['...ignoring'] : [])];
  }
}

/**
 * The lines Ansible prints for one host_result: a line per loop item, then the task's own line
 * where Ansible's default callback prints one: always for skipped, unreachable and ignored
 * failures (`...ignoring`), otherwise only when the result has no `results` (no_log hides them).
 */
export function hostResultLines(event: HostResultEvent, action: string, verbosity: number): string[] {
  const { status, result, ignored } = event;
  const host = hostLabel(event);
  const whole: HostResult = { host, status, result, ignored };
  if (event.items === undefined) return resultLines(whole, verbosity, action);
  const lines = event.items.flatMap((i) =>
    resultLines({ host, status: i.status, result: i.result, item: i.item, ...(i.label !== undefined ? { label: i.label } : {}), hasItem: true, ignored: i.ignored }, verbosity, action),
  );
  const listed = 'results' in result;
  if (status === 'skipped' || status === 'unreachable' || !listed) return [...lines, ...resultLines(whole, verbosity, action)];
  if (status === 'failed' && ignored) return [...lines, '...ignoring'];
  return lines;
}

/** A diff side as text: a state/attribute mapping as Ansible's callback serialises it (sorted JSON, indent 4). */
const diffSideText = (side: FileDiff['before']): string => (typeof side === 'string' ? side : `${JSON.stringify(sortKeys(side), null, 4)}\n`);

/** --diff output: a unified diff per changed file (its content, or its state and attributes). */
export function diffText(diffs: readonly FileDiff[]): string {
  return diffs
    .map((d) => {
      const what = typeof d.before === 'string' && typeof d.after === 'string' ? d.path : `${d.path} (file attributes)`;
      return createTwoFilesPatch(`before: ${what}`, `after: ${what}`, diffSideText(d.before), diffSideText(d.after), '', '').split('\n').filter((l) => !l.startsWith('====')).join('\n');
    })
    .join('\n');
}

/** `h1`, or `h1 -> localhost` for a delegated task (Ansible's host_label). */
export function hostLabel(event: { readonly host: string; readonly delegated_to?: string | undefined; readonly delegated_address?: string | undefined }): string {
  if (event.delegated_to === undefined || event.delegated_to === event.host) return event.host;
  return `${event.host} -> ${event.delegated_to}${event.delegated_address !== undefined ? `(${event.delegated_address})` : ''}`;
}

/** `FAILED - RETRYING: [h1]: wait (3 retries left).` */
export function retryLine(event: HostRetryEvent): string {
  return `FAILED - RETRYING: [${hostLabel(event)}]: ${event.name} (${event.retries - event.attempts} retries left).`;
}

/** `ASYNC POLL on h1: jid=j1.2 started=1 finished=0`, `ASYNC OK on h1: jid=…`, `ASYNC FAILED on h1: jid=…`. */
export function asyncLine(event: HostAsyncEvent): string {
  if (event.state === 'poll') return `ASYNC POLL on ${event.host}: jid=${event.jid} started=1 finished=0`;
  return `ASYNC ${event.state === 'ok' ? 'OK' : 'FAILED'} on ${event.host}: jid=${event.jid}`;
}
