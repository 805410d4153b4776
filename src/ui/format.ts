import { createTwoFilesPatch } from 'diff';
import type { HostResult } from '../engine/reporter.js';
import type { FileDiff } from '../modules/types.js';
import type { Vars } from '../util/data.js';

/** Ansible's one-line result JSON: keys sorted, as its callback dumps them. */
export function resultJson(result: Vars): string {
  return JSON.stringify(sortKeys(result));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Vars)[k])]));
  }
  return value;
}

function itemLabel(item: unknown): string {
  return typeof item === 'string' ? item : JSON.stringify(item);
}

/** The line(s) Ansible prints for one host's result of a task. */
export function resultLines(r: HostResult, verbosity: number): string[] {
  const item = r.hasItem ? ` => (item=${itemLabel(r.item)})` : '';
  const details = verbosity > 0 || r.show ? ` => ${JSON.stringify(sortKeys(r.result), null, 4)}` : '';
  switch (r.status) {
    case 'ok':
      return [`ok: [${r.host}]${item}${r.hasItem ? '' : details}`];
    case 'changed':
      return [`changed: [${r.host}]${item}${r.hasItem ? '' : details}`];
    case 'skipped':
      return [`skipping: [${r.host}]${item}`];
    case 'unreachable':
      return [`fatal: [${r.host}]: UNREACHABLE! => ${resultJson(r.result)}`];
    case 'failed': {
      const line = r.hasItem ? `failed: [${r.host}] (item=${itemLabel(r.item)}) => ${resultJson(r.result)}` : `fatal: [${r.host}]: FAILED! => ${resultJson(r.result)}`;
      return r.ignored && !r.hasItem ? [line, '...ignoring'] : [line];
    }
  }
}

/** --diff output: a unified diff per changed file. */
export function diffText(diffs: readonly FileDiff[]): string {
  return diffs
    .map((d) => createTwoFilesPatch(`before: ${d.path}`, `after: ${d.path}`, d.before, d.after, '', '').split('\n').filter((l) => !l.startsWith('====')).join('\n'))
    .join('\n');
}
