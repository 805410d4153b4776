/**
 * One run of either tool, read into the same shape: the tasks in the order they ran, each
 * host's outcome, the recap and the exit code. Ansible's side comes from the difflog callback
 * (ansible/callback_plugins/difflog.py), provision's from `--output json`.
 */

export type Json = Record<string, unknown>;

export interface ItemOutcome {
  readonly status: string;
  /** The loop item; null when hidden (no_log). */
  readonly item: unknown;
  readonly result: Json;
}

export interface HostOutcome {
  readonly status: string;
  readonly ignored: boolean;
  readonly changed: boolean;
  readonly result: Json;
  readonly items: readonly ItemOutcome[] | undefined;
  /** Each file diff shown for this host (a loop's items' diffs in order); only for changed results. */
  readonly diff: readonly { before: unknown; after: unknown }[];
}

export interface TaskRecord {
  readonly play: string;
  readonly name: string;
  readonly kind: 'task' | 'handler';
  /** The module, without an `ansible.builtin.`/`ansible.legacy.` prefix. */
  readonly action: string;
  readonly hosts: Map<string, HostOutcome>;
}

export interface RecapLine {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

export interface RunRecord {
  readonly tasks: TaskRecord[];
  readonly plays: string[];
  /** From the tool's own recap (undefined if the run ended without one). */
  recap: Record<string, RecapLine> | undefined;
  readonly exitCode: number;
  readonly stderr: string;
}

export const shortAction = (action: string): string => action.replace(/^ansible\.(builtin|legacy)\./, '');

/** The file module's state diffs carry atime/mtime (touch): they differ from run to run, so they are dropped. */
function withoutTimes(side: unknown): unknown {
  if (!side || typeof side !== 'object' || Array.isArray(side)) return side;
  return Object.fromEntries(Object.entries(side as Json).filter(([k]) => k !== 'atime' && k !== 'mtime'));
}

function diffsOf(raw: unknown): { before: unknown; after: unknown }[] {
  const entries = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? [raw] : [];
  return entries
    .filter((d): d is Json => !!d && typeof d === 'object')
    .filter((d) => 'before' in d || 'after' in d)
    .map((d) => ({ before: withoutTimes(d['before'] ?? ''), after: withoutTimes(d['after'] ?? '') }))
    .filter((d) => JSON.stringify(d.before) !== JSON.stringify(d.after));
}

function parseLines(text: string, what: string): Json[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as Json;
      } catch {
        throw new Error(`${what}: not a JSON line: ${line.slice(0, 300)}`);
      }
    });
}

/** The difflog callback's lines. */
export function readAnsibleRun(jsonl: string, exitCode: number, stderr: string): RunRecord {
  const record: RunRecord = { tasks: [], plays: [], recap: undefined, exitCode, stderr };
  let play = '';
  let task: TaskRecord | undefined;
  for (const e of parseLines(jsonl, 'ansible difflog')) {
    switch (e['type']) {
      case 'play_start':
        play = String(e['name']);
        record.plays.push(play);
        task = undefined;
        break;
      case 'task_start':
        task = { play, name: String(e['name']), kind: e['kind'] === 'handler' ? 'handler' : 'task', action: shortAction(String(e['action'])), hosts: new Map() };
        record.tasks.push(task);
        break;
      case 'host_result': {
        if (!task) throw new Error(`ansible difflog: a result outside a task: ${JSON.stringify(e).slice(0, 300)}`);
        const result = (e['result'] ?? {}) as Json;
        const rawItems = e['items'] as { status: string; result: Json; diff_shown?: boolean }[] | undefined;
        const items = rawItems?.map((i) => {
          const loopVar = String(i.result['ansible_loop_var'] ?? 'item');
          return { status: i.status, item: 'censored' in i.result ? null : (i.result[loopVar] ?? null), result: i.result, shown: i.diff_shown === true };
        });
        // Only the diffs Ansible shows (v2_on_file_diff: --diff or diff: true); modules such as
        // file return their state diff in every result.
        const diff = items
          ? items.filter((i) => i.shown && i.result['changed'] === true).flatMap((i) => diffsOf(i.result['diff']))
          : e['diff_shown'] === true && result['changed'] === true ? diffsOf(result['diff']) : [];
        task.hosts.set(String(e['host']), {
          status: String(e['status']),
          ignored: e['ignored'] === true,
          changed: e['changed'] === true,
          result,
          items,
          diff,
        });
        break;
      }
      case 'run_end': {
        const stats = e['stats'] as Record<string, Record<string, number>>;
        record.recap = Object.fromEntries(
          Object.entries(stats).map(([h, s]) => [
            h,
            { ok: s['ok'] ?? 0, changed: s['changed'] ?? 0, unreachable: s['unreachable'] ?? 0, failed: s['failures'] ?? 0, skipped: s['skipped'] ?? 0, rescued: s['rescued'] ?? 0, ignored: s['ignored'] ?? 0 },
          ]),
        );
        break;
      }
      default:
        break;
    }
  }
  return record;
}

/** provision's `--output json` events (docs/json-output.md). */
export function readProvisionRun(stdout: string, exitCode: number, stderr: string): RunRecord {
  const record: RunRecord = { tasks: [], plays: [], recap: undefined, exitCode, stderr };
  const plays = new Map<string, string>();
  const tasks = new Map<string, TaskRecord>();
  for (const e of parseLines(stdout, 'provision --output json')) {
    switch (e['type']) {
      case 'play_start':
        plays.set(String(e['play_id']), String(e['name']));
        record.plays.push(String(e['name']));
        break;
      case 'task_start': {
        const task: TaskRecord = {
          play: plays.get(String(e['play_id'])) ?? '',
          name: String(e['name']),
          kind: e['kind'] === 'handler' ? 'handler' : 'task',
          action: shortAction(String(e['action'])),
          hosts: new Map(),
        };
        tasks.set(String(e['task_id']), task);
        record.tasks.push(task);
        break;
      }
      case 'host_result': {
        const task = tasks.get(String(e['task_id']));
        if (!task) throw new Error(`provision events: a result for an unknown task: ${JSON.stringify(e).slice(0, 300)}`);
        const rawItems = e['items'] as { item: unknown; status: string; result: Json }[] | undefined;
        task.hosts.set(String(e['host']), {
          status: String(e['status']),
          ignored: e['ignored'] === true,
          changed: e['changed'] === true,
          result: (e['result'] ?? {}) as Json,
          items: rawItems?.map((i) => ({ status: i.status, item: i.item ?? null, result: i.result ?? {} })),
          diff: e['changed'] === true || e['status'] === 'changed' ? diffsOf(e['diff']) : [],
        });
        break;
      }
      case 'run_end':
        record.recap = e['stats'] as Record<string, RecapLine>;
        break;
      default:
        break;
    }
  }
  return record;
}

/** A run cut to the plays of some cases (for batch runs), keeping the task order. */
export function tasksOfCase(run: RunRecord, caseName: string, caseOf: (play: string) => string | undefined): TaskRecord[] {
  return run.tasks.filter((t) => caseOf(t.play) === caseName);
}
