import { join } from 'node:path';
import { type Case, caseOfPlay, type Mode, MODES } from './cases.js';
import { compareFiles, compareRecap, compareTasks, type Difference, type Snapshot } from './compare.js';
import type { RunRecord, TaskRecord } from './record.js';
import { BATCH_HOSTS, hostsLost, mergeTasks, type Side, writeBatch } from './runner.js';

export interface SuiteResult {
  readonly differences: Difference[];
  /** Problems of the suite itself (a batch case that fails a host in Ansible, a setup that fails…). */
  readonly problems: string[];
  /** What ran, for the log. */
  readonly notes: string[];
}

const BATCH_TIMEOUT_MS = 240_000;
const SOLO_TIMEOUT_MS = 90_000;
const MAX_PROVISION_RERUNS = 40;

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

  async run(concurrency = 3): Promise<SuiteResult> {
    await this.setup();
    if (this.problems.length > 0) return this.result();
    const batch = this.cases.filter((c) => c.header.run === 'batch');
    const solo = this.cases.filter((c) => c.header.run === 'solo');
    await pool(concurrency, [() => this.batchChain(batch), ...solo.map((c) => () => this.soloChain(c))]);
    return this.result();
  }

  private result(): SuiteResult {
    return { differences: this.differences, problems: this.problems, notes: this.notes };
  }

  /** One `lab exec` per host per lab: each case's /srv/diff/NAME (owned by vagrant), then its own setup. */
  private async setup(): Promise<void> {
    const hosts = [...new Set(this.cases.flatMap((c) => c.header.hosts))].sort();
    const scriptFor = (host: string): string => {
      const parts = ['set -e', 'mkdir -p /srv/diff', 'chown vagrant:vagrant /srv/diff'];
      for (const c of this.cases.filter((k) => k.header.hosts.includes(host))) {
        const dir = `/srv/diff/${c.name}`;
        parts.push(`mkdir -p ${dir} && chown vagrant:vagrant ${dir}`);
        if (c.header.setup) parts.push(`( set -e; cd ${dir}\n${c.header.setup}\n) || { echo "setup of case ${c.name} failed" >&2; exit 1; }`);
      }
      return parts.join('\n');
    };
    await Promise.all(
      [this.ansible, this.provision].flatMap((side) =>
        hosts.map(async (host) => {
          const r = await side.exec(host, scriptFor(host));
          if (r.code !== 0) this.problems.push(`setup on ${host} (${side.tool}'s lab) failed: ${r.stderr}${r.stdout}`);
        }),
      ),
    );
  }

  private caseOf = (play: string): string | undefined => caseOfPlay(play, this.names);

  /** Files of every given case on every host it names, on both labs, compared. */
  private async compareSnapshots(cases: readonly Case[], mode: Mode): Promise<void> {
    const hosts = [...new Set(cases.flatMap((c) => c.header.hosts))].sort();
    await Promise.all(
      hosts.map(async (host) => {
        const mine = cases.filter((c) => c.header.hosts.includes(host));
        const paths = mine.flatMap((c) => c.header.paths);
        const [a, p] = await Promise.all([this.ansible.snapshot(host, paths), this.provision.snapshot(host, paths)]);
        for (const c of mine) {
          if (this.refused.has(c.name)) continue;
          const pick = (s: Snapshot): Snapshot =>
            Object.fromEntries(Object.entries(s).filter(([path]) => c.header.paths.some((root) => path === root || path.startsWith(`${root}/`))));
          this.differences.push(...compareFiles(c.name, mode, host, pick(a), pick(p)));
        }
      }),
    );
  }

  private async batchChain(batch: readonly Case[]): Promise<void> {
    for (const mode of MODES) {
      const cases = batch.filter((c) => c.header.modes.includes(mode));
      if (cases.length === 0) continue;
      const started = Date.now();
      const [ansible, provision] = await Promise.all([this.ansibleBatch(cases, mode), this.provisionBatch(cases, mode)]);
      this.notes.push(`batch ${mode}: ${cases.length} cases in ${((Date.now() - started) / 1000).toFixed(1)} s (provision: ${provision.runs.length} run(s))`);
      for (const c of cases) {
        if (this.refused.has(c.name)) continue;
        this.differences.push(...compareTasks(c.name, mode, ansible.perCase.get(c.name) ?? [], provision.perCase.get(c.name) ?? []));
      }
      const only = provision.runs[0];
      if (provision.runs.length === 1 && only) this.differences.push(...compareRecap('(batch)', mode, ansible.run, only));
      await this.compareSnapshots(cases, mode);
    }
  }

  private async ansibleBatch(cases: readonly Case[], mode: Mode): Promise<{ run: RunRecord; perCase: Map<string, TaskRecord[]> }> {
    const run = await this.ansible.run(writeBatch(this.ansible, cases, mode), mode, { timeoutMs: BATCH_TIMEOUT_MS });
    const perCase = new Map<string, TaskRecord[]>();
    for (const t of run.tasks) {
      const name = this.caseOf(t.play);
      if (!name) {
        this.problems.push(`ansible batch ${mode}: play "${t.play}" belongs to no case`);
        continue;
      }
      perCase.set(name, [...(perCase.get(name) ?? []), t]);
    }
    for (const c of cases) {
      const lost = hostsLost(perCase.get(c.name) ?? []);
      if (lost.size > 0) {
        this.problems.push(`batch case ${c.name} (${mode}): ansible-playbook failed ${[...lost].join(', ')} without ignore_errors, so later batch cases lost the host: make it solo or ignore the error`);
      }
    }
    if (run.tasks.length === 0) this.problems.push(`ansible batch ${mode} ran nothing (exit ${run.exitCode}): ${firstLines(run.stderr, 10)}`);
    return { run, perCase };
  }

  /**
   * provision's batch run. Where provision loses a host that Ansible kept (an unignored failure)
   * or stops, the later cases are run again for the hosts that missed them, so one difference
   * does not hide the cases after it. A case it refuses to load is reported and left out.
   */
  private async provisionBatch(cases: readonly Case[], mode: Mode): Promise<{ runs: RunRecord[]; perCase: Map<string, TaskRecord[]> }> {
    const perCase = new Map<string, TaskRecord[]>();
    const runs: RunRecord[] = [];
    const all = [...BATCH_HOSTS];
    const queue: { cases: Case[]; hosts: string[] }[] = [{ cases: cases.filter((c) => !this.refused.has(c.name)), hosts: all }];
    while (queue.length > 0) {
      const item = queue.shift();
      if (!item || item.cases.length === 0) continue;
      if (runs.length >= MAX_PROVISION_RERUNS) {
        this.problems.push(`provision batch ${mode}: more than ${MAX_PROVISION_RERUNS} re-runs; cases ${item.cases.map((c) => c.name).join(', ')} not compared`);
        break;
      }
      const label = `${mode}-${runs.length + 1}`;
      const run = await this.provision.run(writeBatch(this.provision, item.cases, label), mode, {
        args: item.hosts.length === all.length ? [] : ['-l', item.hosts.join(',')],
        timeoutMs: BATCH_TIMEOUT_MS,
      });
      runs.push(run);
      if (run.tasks.length === 0 && run.exitCode !== 0) {
        const culprit = item.cases.find((c) => run.stderr.includes(`/${c.provision}`));
        if (!culprit) {
          this.problems.push(`provision batch ${mode} refused to run and names no case file (exit ${run.exitCode}): ${firstLines(run.stderr, 10)}`);
          break;
        }
        this.refuse(culprit, mode, run);
        queue.unshift({ cases: item.cases.filter((c) => c !== culprit), hosts: item.hosts });
        continue;
      }
      const byCase = new Map<string, TaskRecord[]>();
      for (const t of run.tasks) {
        const name = this.caseOf(t.play);
        if (name) byCase.set(name, [...(byCase.get(name) ?? []), t]);
      }
      // The last case whose results count, per host: where the host left the run, or where the run stopped.
      let end = item.cases.length - 1;
      if (run.recap === undefined) {
        end = Math.max(0, item.cases.findLastIndex((c) => byCase.has(c.name)));
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
      const restarts = new Map<number, string[]>();
      for (const [h, i] of last) if (i < item.cases.length - 1) restarts.set(i, [...(restarts.get(i) ?? []), h]);
      for (const [i, hosts] of [...restarts].sort((x, y) => x[0] - y[0])) queue.push({ cases: item.cases.slice(i + 1), hosts: hosts.sort() });
    }
    return { runs, perCase };
  }

  private refuse(c: Case, mode: Mode, run: RunRecord): void {
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
      const started = Date.now();
      const options = { ...(inventory ? { inventory: join(this.ansible.cases, inventory) } : {}), args: c.header.args, timeoutMs: SOLO_TIMEOUT_MS };
      const poptions = { ...(inventory ? { inventory: join(this.provision.cases, inventory) } : {}), args: c.header.args, timeoutMs: SOLO_TIMEOUT_MS };
      const [a, p] = await Promise.all([this.ansible.run(c.ansible, mode, options), this.provision.run(c.provision, mode, poptions)]);
      this.notes.push(`solo ${c.name} ${mode}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
      if (a.tasks.length === 0 && a.exitCode !== 0) {
        this.problems.push(`solo case ${c.name} (${mode}): ansible-playbook ran nothing (exit ${a.exitCode}): ${firstLines(a.stderr, 10)}`);
        return;
      }
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
