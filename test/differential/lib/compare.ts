import { isDeepStrictEqual } from 'node:util';
import type { HostOutcome, ItemOutcome, Json, RecapLine, RunRecord, TaskRecord } from './record.js';

/** One way provision did not do what ansible-playbook did. */
export interface Difference {
  readonly case: string;
  /** check, normal, twice (see cases.ts), or `setup`. */
  readonly mode: string;
  readonly host: string;
  /** `play / task` (`play / handler: task` for handlers), `(files)`, `(run)` or `(playbook)`. */
  readonly task: string;
  readonly field: string;
  readonly ansible: unknown;
  readonly provision: unknown;
}

/**
 * Result keys never compared: timings, Ansible's bookkeeping, the loop variable (compared as
 * the item), and flags the status already carries. See README.md.
 */
const IGNORED_KEYS = new Set([
  'changed', 'failed', 'skipped', 'skip_reason', 'skipped_reason', 'invocation', 'item', 'ansible_loop_var',
  'ansible_index_var', 'start', 'end', 'delta', 'warnings', 'deprecations',
]);

/** The stat fields compared (when Ansible's result has them). */
const STAT_KEYS = ['exists', 'path', 'isdir', 'isreg', 'islnk', 'mode', 'uid', 'gid', 'pw_name', 'gr_name', 'size', 'checksum', 'lnk_target'];

/** Modules whose whole result (minus IGNORED_KEYS) is the user's data: compared key by key. */
const DATA_MODULES = new Set(['debug', 'set_fact', 'assert', 'fail']);
const COMMANDS = new Set(['command', 'shell', 'raw']);

/** raw runs under ssh -tt in Ansible: CRLF line ends, a trailing newline, and ssh's "Shared connection … closed." */
function rawText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  return value.replace(/\r\n/g, '\n').replace(/^Shared connection to \S+ closed\.\n?/m, '').replace(/\n+$/, '');
}

/** The fields of one result that are compared, by module. */
export function resultFields(result: Json, action: string, loopVar?: string): Json {
  if ('censored' in result) return { censored: true };
  const out: Json = {};
  if (DATA_MODULES.has(action)) {
    for (const [k, v] of Object.entries(result)) {
      if (IGNORED_KEYS.has(k) || k.startsWith('_ansible') || k === loopVar) continue;
      out[k] = v;
    }
    return out;
  }
  if (COMMANDS.has(action)) {
    for (const k of ['rc', 'stdout', 'stderr']) {
      if (k in result) out[k] = action === 'raw' ? rawText(result[k]) : result[k];
    }
    return out;
  }
  if (action === 'stat' && result['stat'] && typeof result['stat'] === 'object') {
    const stat = result['stat'] as Json;
    for (const k of STAT_KEYS) if (k in stat) out[`stat.${k}`] = stat[k];
    return out;
  }
  if ('rc' in result) out['rc'] = result['rc'];
  return out;
}

function outcomeFields(o: HostOutcome, action: string, skipValues: boolean): Json {
  const fields: Json = { status: o.status, ignored: o.ignored };
  if (o.status === 'failed') fields['changed'] = o.changed;
  // A loop's values are its items' (its own result only sums them up: results, "All items completed").
  if (!skipValues && o.status !== 'skipped' && !o.items) Object.assign(fields, resultFields(o.result, action));
  if (o.items) {
    fields['items'] = o.items.map((i: ItemOutcome) => ({
      status: i.status,
      item: i.item,
      ...(i.status === 'skipped' ? {} : resultFields(i.result, action, loopVarOf(i.result))),
    }));
  }
  if (o.diff.length > 0) fields['diff'] = o.diff;
  return fields;
}

const loopVarOf = (r: Json): string | undefined => (typeof r['ansible_loop_var'] === 'string' ? r['ansible_loop_var'] : undefined);

/** A task's key within a case: play, kind and name, numbered when the same name repeats. */
function keyed(tasks: readonly TaskRecord[]): Map<string, TaskRecord> {
  const out = new Map<string, TaskRecord>();
  for (const t of tasks) {
    const base = `${t.play} / ${t.kind === 'handler' ? 'handler: ' : ''}${t.name}`;
    let key = base;
    for (let n = 2; out.has(key); n++) key = `${base} (#${n})`;
    out.set(key, t);
  }
  return out;
}

const describeHosts = (t: TaskRecord): string =>
  [...t.hosts.entries()].map(([h, o]) => `${h}=${o.status}`).sort().join(' ') || 'started on no host';

/** Per task, per host, per field. The key order follows Ansible's run, then provision's extra tasks. */
export function compareTasks(caseName: string, mode: string, ansible: readonly TaskRecord[], provision: readonly TaskRecord[]): Difference[] {
  const diffs: Difference[] = [];
  const a = keyed(ansible);
  const p = keyed(provision);
  const keys = [...a.keys(), ...[...p.keys()].filter((k) => !a.has(k))];
  for (const key of keys) {
    const at = a.get(key);
    const pt = p.get(key);
    if (!at || !pt) {
      diffs.push({ case: caseName, mode, host: '*', task: key, field: 'task ran', ansible: at ? describeHosts(at) : 'not run', provision: pt ? describeHosts(pt) : 'not run' });
      continue;
    }
    const hosts = [...new Set([...at.hosts.keys(), ...pt.hosts.keys()])].sort();
    for (const host of hosts) {
      const ao = at.hosts.get(host);
      const po = pt.hosts.get(host);
      if (!ao || !po) {
        diffs.push({ case: caseName, mode, host, task: key, field: 'result', ansible: ao ? ao.status : 'no result', provision: po ? po.status : 'no result' });
        continue;
      }
      // Values are compared by the module Ansible ran (provision may name it differently only by bug).
      const af = outcomeFields(ao, at.action, false);
      const pf = outcomeFields(po, at.action, false);
      for (const field of [...new Set([...Object.keys(af), ...Object.keys(pf)])]) {
        if (field === 'items') {
          diffs.push(...compareItems(caseName, mode, host, key, af['items'] as Json[] | undefined, pf['items'] as Json[] | undefined));
          continue;
        }
        if (!isDeepStrictEqual(af[field], pf[field])) diffs.push({ case: caseName, mode, host, task: key, field, ansible: af[field], provision: pf[field] });
      }
    }
  }
  return diffs;
}

function compareItems(caseName: string, mode: string, host: string, task: string, a: Json[] | undefined, p: Json[] | undefined): Difference[] {
  if (!a || !p) return [{ case: caseName, mode, host, task, field: 'items', ansible: a ?? 'no loop', provision: p ?? 'no loop' }];
  const diffs: Difference[] = [];
  if (a.length !== p.length) {
    diffs.push({ case: caseName, mode, host, task, field: 'items.length', ansible: a.length, provision: p.length });
  }
  for (let i = 0; i < Math.min(a.length, p.length); i++) {
    const ai = a[i] ?? {};
    const pi = p[i] ?? {};
    for (const field of [...new Set([...Object.keys(ai), ...Object.keys(pi)])]) {
      if (!isDeepStrictEqual(ai[field], pi[field])) diffs.push({ case: caseName, mode, host, task, field: `items[${i}].${field}`, ansible: ai[field], provision: pi[field] });
    }
  }
  return diffs;
}

export function compareRecap(caseName: string, mode: string, ansible: RunRecord, provision: RunRecord): Difference[] {
  const diffs: Difference[] = [];
  if (ansible.exitCode !== provision.exitCode) {
    diffs.push({ case: caseName, mode, host: '*', task: '(run)', field: 'exit code', ansible: ansible.exitCode, provision: provision.exitCode });
  }
  const ar = ansible.recap ?? {};
  const pr = provision.recap ?? {};
  for (const host of [...new Set([...Object.keys(ar), ...Object.keys(pr)])].sort()) {
    const a = ar[host];
    const p = pr[host];
    if (!a || !p) {
      diffs.push({ case: caseName, mode, host, task: '(run)', field: 'recap', ansible: a ?? 'no recap line', provision: p ?? 'no recap line' });
      continue;
    }
    for (const k of Object.keys(a) as (keyof RecapLine)[]) {
      if (a[k] !== p[k]) diffs.push({ case: caseName, mode, host, task: '(run)', field: `recap ${k}`, ansible: a[k], provision: p[k] });
    }
  }
  return diffs;
}

/** What the files left look like: one entry per path under the compared paths. */
export interface FileEntry {
  readonly type: string;
  readonly mode?: string;
  readonly owner?: string;
  readonly group?: string;
  readonly target?: string;
  readonly content?: string;
  readonly base64?: string;
}
export type Snapshot = Record<string, FileEntry>;

export function compareFiles(caseName: string, mode: string, host: string, a: Snapshot, p: Snapshot): Difference[] {
  const diffs: Difference[] = [];
  for (const path of [...new Set([...Object.keys(a), ...Object.keys(p)])].sort()) {
    const ae = a[path];
    const pe = p[path];
    if (!ae || !pe) {
      diffs.push({ case: caseName, mode, host, task: '(files)', field: path, ansible: ae ? describeEntry(ae) : 'absent', provision: pe ? describeEntry(pe) : 'absent' });
      continue;
    }
    for (const k of ['type', 'mode', 'owner', 'group', 'target', 'content', 'base64'] as const) {
      if (ae[k] !== pe[k]) diffs.push({ case: caseName, mode, host, task: '(files)', field: `${path} ${k}`, ansible: ae[k], provision: pe[k] });
    }
  }
  return diffs;
}

const describeEntry = (e: FileEntry): string =>
  `${e.type} ${e.mode ?? ''} ${e.owner ?? ''}:${e.group ?? ''}${e.target !== undefined ? ` -> ${e.target}` : ''}${e.content !== undefined ? ` ${JSON.stringify(e.content.slice(0, 80))}` : ''}`;

const show = (v: unknown): string => (v === undefined ? '(absent)' : JSON.stringify(v));

export function formatDifference(d: Difference): string {
  return `[${d.case}] ${d.mode} ${d.host} ${d.task}: ${d.field}: ansible-playbook ${show(d.ansible)} / provision ${show(d.provision)}`;
}
