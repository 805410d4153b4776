import { join } from 'node:path';
import { type Case, caseOfPlay, type Mode } from './cases.js';
import { compareFiles, compareRecap, compareTasks, type Difference, type Snapshot } from './compare.js';
import type { RecapLine, RunRecord, TaskRecord } from './record.js';
import { BATCH_HOSTS, CHECK_INVENTORY, DEFAULT_INVENTORY, hostsLost, labHostOf, mergeTasks, type Side, writeBatch } from './runner.js';

export interface SuiteResult {
  readonly differences: Difference[];
  /** Problems of the suite itself (a batch case that fails a host in Ansible, a setup that fails…). */
  readonly problems: string[];
  /** What ran, for the log. */
  readonly notes: string[];
}

/** DIFFERENTIAL_TIMEOUT_SCALE (1 to 4) stretches every deadline on a machine busy with other work. */
export const TIMEOUT_SCALE = Math.min(4, Math.max(1, Number(process.env['DIFFERENTIAL_TIMEOUT_SCALE']) || 1));
const BATCH_TIMEOUT_MS = 480_000 * TIMEOUT_SCALE;
const SOLO_TIMEOUT_MS = 180_000 * TIMEOUT_SCALE;
const MAX_PROVISION_RUNS = 80;
/** provision's batch is cut in chunks of this many cases, run side by side: a host it loses costs only the rest of its chunk. */
const PROVISION_CHUNK = 8;
const PROVISION_BATCH_PARALLEL = 2;
/** ansible-playbook's batch is cut in this many playbooks, run side by side. */
const ANSIBLE_PARTS = 2;

/** At most n of the given jobs at once. */
function semaphore(n: number): <T>(job: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (job) => {
    while (active >= n) await new Promise<void>((r) => waiting.push(r));
    active++;
    try {
      return await job();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

/** Runs `jobs` with at most `limit` at once. */
async function pool(limit: number, jobs: readonly (() => Promise<void>)[]): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const job = jobs[next++];
      if (job) await job();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
}

function sumRuns(runs: readonly RunRecord[]): RunRecord {
  const recap: Record<string, RecapLine> = {};
  for (const r of runs) {
    for (const [host, line] of Object.entries(r.recap ?? {})) {
      const into = (recap[host] ??= { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 });
      for (const k of Object.keys(line) as (keyof RecapLine)[]) into[k] += line[k];
    }
  }
  // The exit code of the whole: the worst of the runs, as one run would have ended.
  const codes = runs.map((r) => r.exitCode);
  const exitCode = codes.includes(4) ? 4 : codes.includes(2) ? 2 : Math.max(0, ...codes);
  return { tasks: runs.flatMap((r) => r.tasks), plays: runs.flatMap((r) => r.plays), recap, exitCode, stderr: runs.map((r) => r.stderr).join('') };
}

const firstLines = (text: string, n = 3): string => text.trim().split('\n').filter(Boolean).slice(0, n).join(' | ');

export class Suite {
  readonly differences: Difference[] = [];
  readonly problems: string[] = [];
  readonly notes: string[] = [];
  /** Cases provision refused to load (reported once, not compared further). */
  private readonly refused = new Set<string>();
  private readonly names: Set<string>;

  constructor(private readonly cases: readonly Case[], private readonly ansible: Side, private readonly provision: Side) {
    this.names = new Set(cases.map((c) => c.name));
  }

  async run(concurrency = 4): Promise<SuiteResult> {
    await this.setup();
    if (this.problems.length > 0) return this.result();
    const batch = this.cases.filter((c) => c.header.run === 'batch');
    const solo = this.cases.filter((c) => c.header.run === 'solo');
    // A chain that throws is a problem of the suite; the others still finish (nothing is left running).
    const guard = (what: string, job: () => Promise<void>) => async (): Promise<void> => {
      try {
        await job();
      } catch (err) {
        this.problems.push(`${what}: ${(err as Error).stack ?? String(err)}`);
      }
    };
    await pool(concurrency, [guard('batch', () => this.batchChain(batch)), ...solo.map((c) => guard(`solo case ${c.name}`, () => this.soloChain(c)))]);
    return this.result();
  }

  private result(): SuiteResult {
    return { differences: this.differences, problems: this.problems, notes: this.notes };
  }

  /** One `lab exec` per host per lab: each case's /srv/diff/NAME (owned by vagrant), then its own setup. */
  private async setup(): Promise<void> {
    const where = new Map<string, Case[]>();
    for (const c of this.cases) {
      for (const host of this.labHostsOf(c)) where.set(host, [...(where.get(host) ?? []), c]);
    }
    const scriptFor = (cases: readonly Case[]): string => {
      const parts = ['set -e', 'mkdir -p /srv/diff', 'chown vagrant:vagrant /srv/diff'];
      for (const c of cases) {
        const dir = `/srv/diff/${c.name}`;
        parts.push(`mkdir -p ${dir} && chown vagrant:vagrant ${dir}`);
        if (c.header.setup) parts.push(`( set -e; cd ${dir}\n${c.header.setup}\n) || { echo "setup of case ${c.name} failed" >&2; exit 1; }`);
      }
      return parts.join('\n');
    };
    await Promise.all(
      [this.ansible, this.provision].flatMap((side) =>
        [...where].map(async ([host, cases]) => {
          const r = await side.exec(host, scriptFor(cases));
          if (r.code !== 0) this.problems.push(`setup on ${host} (${side.tool}'s lab) failed: ${r.stderr}${r.stdout}`);
        }),
      ),
    );
  }

  /** The lab hosts a case's files are on: its hosts, and for batch check runs their stand-ins. */
  private labHostsOf(c: Case): string[] {
    const check = c.header.run === 'batch' && c.header.modes.includes('check') ? c.header.hosts.map((h) => labHostOf(CHECK_INVENTORY, h)) : [];
    return [...new Set([...c.header.hosts, ...check])];
  }

  private caseOf = (play: string): string | undefined => caseOfPlay(play, this.names);

  /** Files of every given case on every host it names, on both labs, compared. */
  private async compareSnapshots(cases: readonly Case[], mode: Mode, labHost: (host: string) => string = (h) => h): Promise<void> {
    const hosts = [...new Set(cases.flatMap((c) => c.header.hosts))].sort();
    await Promise.all(
      hosts.map(async (host) => {
        const mine = cases.filter((c) => c.header.hosts.includes(host));
        const paths = mine.flatMap((c) => c.header.paths);
        const [a, p] = await Promise.all([this.ansible.snapshot(labHost(host), paths), this.provision.snapshot(labHost(host), paths)]);
        for (const c of mine) {
          if (this.refused.has(c.name)) continue;
          const pick = (s: Snapshot): Snapshot =>
            Object.fromEntries(Object.entries(s).filter(([path]) => c.header.paths.some((root) => path === root || path.startsWith(`${root}/`))));
          this.differences.push(...compareFiles(c.name, mode, host, pick(a), pick(p)));
        }
      }),
    );
  }

  /**
   * The batch cases provision loads: a --syntax-check of them all, then again without each case
   * it names. A case it refuses is reported once and left out of both tools' batch runs, so the
   * batch recap still compares the rest (Ansible's would count the left-out case's tasks).
   */
  private async loadable(cases: readonly Case[]): Promise<Case[]> {
    let todo = [...cases];
    for (let attempt = 1; todo.length > 0; attempt++) {
      const r = await this.provision.syntaxCheck(writeBatch(this.provision, todo, `load-${attempt}`), SOLO_TIMEOUT_MS);
      if (r.code === 0) break;
      const culprit = todo.find((c) => `${r.stderr}${r.stdout}`.includes(`/${c.provision}`));
      if (!culprit) {
        this.problems.push(`provision --syntax-check of the batch failed and names no case file (exit ${r.code}): ${firstLines(`${r.stderr}${r.stdout}`, 10)}`);
        break;
      }
      this.refuse(culprit, 'setup', { tasks: [], plays: [], recap: undefined, exitCode: r.code, stderr: `${r.stderr}${r.stdout}` });
      todo = todo.filter((c) => c !== culprit);
    }
    return todo;
  }

  /** The batch: --check on the stand-in hosts, beside the real run and then the second run on h1 and h2. */
  private async batchChain(cases: readonly Case[]): Promise<void> {
    const batch = await this.loadable(cases);
    const runMode = async (mode: Mode): Promise<void> => {
      const cases = batch.filter((c) => c.header.modes.includes(mode));
      if (cases.length === 0) return;
      const inventory = mode === 'check' ? CHECK_INVENTORY : DEFAULT_INVENTORY;
      const started = performance.now();
      const secs = (): string => ((performance.now() - started) / 1000).toFixed(1);
      const [ansible, provision] = await Promise.all([
        this.ansibleBatch(cases, mode, inventory).then((r) => ({ ...r, took: secs() })),
        this.provisionBatch(cases, mode, inventory).then((r) => ({ ...r, took: secs() })),
      ]);
      const remote = ansible.run.tasks.filter((t) => !['debug', 'set_fact', 'assert', 'fail'].includes(t.action)).reduce((n, t) => n + t.hosts.size, 0);
      this.notes.push(`batch ${mode}: ${cases.length} cases (${remote} remote host-tasks); ansible-playbook ${ansible.took} s, provision ${provision.took} s in ${provision.runs.length} run(s)`);
      for (const c of cases) {
        // A case Ansible ran nothing of would pass by comparing nothing with nothing.
        if (!ansible.perCase.get(c.name)?.length) this.problems.push(`batch case ${c.name} (${mode}): no result from ansible-playbook`);
        if (this.refused.has(c.name)) continue;
        this.differences.push(...compareTasks(c.name, mode, ansible.perCase.get(c.name) ?? [], provision.perCase.get(c.name) ?? []));
      }
      // The batch's recap: Ansible's, against the sum of provision's runs (each host's results are split between them).
      if (!provision.refusedHere && provision.runs.every((r) => r.recap !== undefined)) {
        this.differences.push(...compareRecap('(batch)', mode, ansible.run, sumRuns(provision.runs)));
      }
      await this.compareSnapshots(cases, mode, (h) => labHostOf(inventory, h));
    };
    await Promise.all([runMode('check'), runMode('normal').then(() => runMode('twice'))]);
  }

  /** ansible-playbook's batch: the cases in ANSIBLE_PARTS playbooks run side by side (one ansible-playbook is mostly waiting). */
  private async ansibleBatch(cases: readonly Case[], mode: Mode, inventory: string): Promise<{ run: RunRecord; perCase: Map<string, TaskRecord[]> }> {
    const size = Math.ceil(cases.length / ANSIBLE_PARTS);
    const parts = Array.from({ length: ANSIBLE_PARTS }, (_, i) => cases.slice(i * size, (i + 1) * size)).filter((p) => p.length > 0);
    const runs = await Promise.all(parts.map((part, i) => this.ansiblePart(part, mode, inventory, `${mode}-${i + 1}`)));
    const perCase = new Map<string, TaskRecord[]>();
    for (const run of runs) {
      for (const t of run.tasks) {
        const name = this.caseOf(t.play);
        if (!name) {
          this.problems.push(`ansible batch ${mode}: play "${t.play}" belongs to no case`);
          continue;
        }
        perCase.set(name, [...(perCase.get(name) ?? []), t]);
      }
    }
    for (const c of cases) {
      const lost = hostsLost(perCase.get(c.name) ?? []);
      if (lost.size > 0) {
        this.problems.push(`batch case ${c.name} (${mode}): ansible-playbook failed ${[...lost].join(', ')} without ignore_errors, so later batch cases lost the host: make it solo or ignore the error`);
      }
    }
    return { run: sumRuns(runs), perCase };
  }

  private async ansiblePart(cases: readonly Case[], mode: Mode, inventory: string, label: string): Promise<RunRecord> {
    let list = [...cases];
    let run = await this.ansible.run(writeBatch(this.ansible, list, label), mode, { inventory, timeoutMs: BATCH_TIMEOUT_MS });
    // A case ansible-playbook itself refuses is a broken case: reported, left out, the rest still run.
    while (run.tasks.length === 0 && run.exitCode !== 0) {
      const culprit = list.find((c) => run.stderr.includes(`/cases/${c.ansible}'`) || run.stderr.includes(`/cases/${c.ansible}:`));
      this.problems.push(`ansible batch ${mode} ran nothing (exit ${run.exitCode})${culprit ? `, because of case ${culprit.name}` : ''}: ${firstLines(run.stderr, 10)}`);
      if (!culprit) break;
      list = list.filter((c) => c !== culprit);
      run = await this.ansible.run(writeBatch(this.ansible, list, label), mode, { inventory, timeoutMs: BATCH_TIMEOUT_MS });
    }
    return run;
  }

  /**
   * provision's batch run. Where provision loses a host that Ansible kept (an unignored failure)
   * or stops, the later cases are run again for the hosts that missed them, so one difference
   * does not hide the cases after it. A case it refuses to load is reported and left out.
   */
  private async provisionBatch(cases: readonly Case[], mode: Mode, inventory: string): Promise<{ runs: RunRecord[]; perCase: Map<string, TaskRecord[]>; refusedHere: boolean }> {
    const perCase = new Map<string, TaskRecord[]>();
    const runs: RunRecord[] = [];
    const all = [...BATCH_HOSTS];
    let refusedHere = false;
    let label = 0;
    const limit = semaphore(PROVISION_BATCH_PARALLEL);
    const runItem = async (item: { cases: Case[]; hosts: string[] }): Promise<void> => {
      if (item.cases.length === 0) return;
      if (runs.length >= MAX_PROVISION_RUNS) {
        this.problems.push(`provision batch ${mode}: more than ${MAX_PROVISION_RUNS} runs; cases ${item.cases.map((c) => c.name).join(', ')} not compared`);
        return;
      }
      const file = writeBatch(this.provision, item.cases, `${mode}-${++label}`);
      const run = await limit(() =>
        this.provision.run(file, mode, { inventory, args: item.hosts.length === all.length ? [] : ['-l', item.hosts.join(',')], timeoutMs: BATCH_TIMEOUT_MS }),
      );
      runs.push(run);
      if (run.tasks.length === 0 && run.exitCode !== 0) {
        const culprit = item.cases.find((c) => run.stderr.includes(`/${c.provision}`));
        if (!culprit) {
          this.problems.push(`provision batch ${mode} refused to run and names no case file (exit ${run.exitCode}): ${firstLines(run.stderr, 10)}`);
          return;
        }
        refusedHere = true;
        this.refuse(culprit, mode, run);
        await runItem({ cases: item.cases.filter((c) => c !== culprit), hosts: item.hosts });
        return;
      }
      const byCase = new Map<string, TaskRecord[]>();
      for (const t of run.tasks) {
        const name = this.caseOf(t.play);
        if (name) byCase.set(name, [...(byCase.get(name) ?? []), t]);
      }
      // The last case whose results count, per host: where the host left the run, or where the run
      // stopped (it crashed without a recap, or, as ansible-playbook does, every host of a play failed).
      const end = Math.max(0, item.cases.findLastIndex((c) => byCase.has(c.name)));
      if (run.recap === undefined) {
        const c = item.cases[end];
        if (c) this.differences.push({ case: c.name, mode, host: '*', task: '(run)', field: 'run ended', ansible: 'the run went on', provision: `stopped, exit ${run.exitCode}: ${firstLines(run.stderr)}` });
      }
      const last = new Map(item.hosts.map((h) => [h, end]));
      item.cases.forEach((c, i) => {
        for (const h of hostsLost(byCase.get(c.name) ?? [])) if ((last.get(h) ?? -1) > i) last.set(h, i);
      });
      item.cases.forEach((c, i) => {
        const kept = (byCase.get(c.name) ?? []).map((t) => ({ ...t, hosts: new Map([...t.hosts].filter(([h]) => (last.get(h) ?? -1) >= i)) }));
        const list = perCase.get(c.name) ?? [];
        mergeTasks(list, kept);
        perCase.set(c.name, list);
      });
      // Hosts that left early run the rest again, on their own (and in parallel with other chunks).
      const restarts = new Map<number, string[]>();
      for (const [h, i] of last) if (i < item.cases.length - 1) restarts.set(i, [...(restarts.get(i) ?? []), h]);
      await Promise.all([...restarts].map(([i, hosts]) => runItem({ cases: item.cases.slice(i + 1), hosts: hosts.sort() })));
    };
    const todo = cases.filter((c) => !this.refused.has(c.name));
    const chunks: Case[][] = [];
    for (let i = 0; i < todo.length; i += PROVISION_CHUNK) chunks.push(todo.slice(i, i + PROVISION_CHUNK));
    await Promise.all(chunks.map((chunk) => runItem({ cases: chunk, hosts: all })));
    return { runs, perCase, refusedHere };
  }

  private refuse(c: Case, mode: Mode | 'setup', run: RunRecord): void {
    if (this.refused.has(c.name)) return;
    this.refused.add(c.name);
    this.differences.push({
      case: c.name,
      mode,
      host: '*',
      task: '(playbook)',
      field: 'accepted',
      ansible: 'runs the playbook',
      provision: `refuses it (exit ${run.exitCode}): ${firstLines(run.stderr)}`,
    });
  }

  /** A solo case: its own runs, mode after mode, on both labs at once; the recap and exit code compared too. */
  private async soloChain(c: Case): Promise<void> {
    const inventory = c.header.inventory ? join(c.dir, c.header.inventory) : undefined;
    for (const mode of c.header.modes) {
      const started = performance.now();
      const options = { ...(inventory ? { inventory: join(this.ansible.cases, inventory) } : {}), args: c.header.args, timeoutMs: SOLO_TIMEOUT_MS };
      const poptions = { ...(inventory ? { inventory: join(this.provision.cases, inventory) } : {}), args: c.header.args, timeoutMs: SOLO_TIMEOUT_MS };
      const [a, p] = await Promise.all([this.ansible.run(c.ansible, mode, options), this.provision.run(c.provision, mode, poptions)]);
      this.notes.push(`solo ${c.name} ${mode}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
      if (a.tasks.length === 0 && a.exitCode !== 0) {
        this.problems.push(`solo case ${c.name} (${mode}): ansible-playbook ran nothing (exit ${a.exitCode}): ${firstLines(a.stderr, 10)}`);
        return;
      }
      if (a.tasks.length === 0) this.problems.push(`solo case ${c.name} (${mode}): no result from ansible-playbook`);
      if (p.tasks.length === 0 && p.exitCode !== 0 && p.recap === undefined) {
        this.refuse(c, mode, p);
        return;
      }
      this.differences.push(...compareTasks(c.name, mode, a.tasks, p.tasks));
      this.differences.push(...compareRecap(c.name, mode, a, p));
      await this.compareSnapshots([c], mode);
    }
  }
}
