import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN } from '../../helpers/cli.js';
import { parse } from 'yaml';
import { type Case, MODE_FLAGS, type Mode } from './cases.js';
import type { Snapshot } from './compare.js';
import { type HostOutcome, readAnsibleRun, readProvisionRun, type RunRecord, type TaskRecord } from './record.js';

export const HERE = fileURLToPath(new URL('..', import.meta.url));
export const CASES = join(HERE, 'cases');
export const DEFAULT_INVENTORY = join(HERE, 'inventory.yml');
export const LAB_INVENTORY = join(HERE, 'lab.yml');
export const CHECK_INVENTORY = join(HERE, 'inventory-check.yml');
const ANSIBLE_DIR = join(HERE, 'ansible');

export type Tool = 'ansible' | 'provision';

export interface ProcessResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

/** Runs the built CLI; on timeout its whole process group (ours: it is started in a new one) is killed. */
export function runBin(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number }): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? HERE,
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    const kill = (signal: NodeJS.Signals): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill('SIGTERM');
      setTimeout(() => kill('SIGKILL'), 3000).unref();
    }, options.timeoutMs);
    child.stdout.on('data', (d: Buffer) => stdout.push(d));
    child.stderr.on('data', (d: Buffer) => stderr.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString(), timedOut });
    });
  });
}

/** One tool's lab and scratch directory (a copy of the cases, the batch playbooks, logs, Ansible's temp dirs). */
export class Side {
  private runs = 0;
  readonly work: string;
  readonly cases: string;

  private constructor(readonly tool: Tool, readonly labDir: string, readonly altKey: string) {
    this.work = mkdtempSync(join(tmpdir(), `provision-diff-${tool}-`));
    this.cases = join(this.work, 'cases');
    cpSync(CASES, this.cases, { recursive: true });
    for (const d of ['tmp', 'cp', 'home', 'logs']) mkdirSync(join(this.work, d));
  }

  /** Brings up this side's lab from lab.yml (the same hosts and addresses for both sides). */
  static async up(tool: Tool, altKey: string): Promise<Side> {
    const labDir = mkdtempSync(join(tmpdir(), `provision-test-diff-${tool}-`));
    rmSync(labDir, { recursive: true });
    const side = new Side(tool, labDir, altKey);
    const r = await runBin(['lab', 'up', '--lab', labDir, '-i', LAB_INVENTORY], { timeoutMs: 60_000 });
    if (r.code !== 0) {
      await side.down();
      throw new Error(`lab up for ${tool} failed: ${r.stderr}${r.stdout}`);
    }
    return side;
  }

  /** Removes the lab (which ends every process left in its namespaces: Ansible's ssh masters) and the scratch directory. */
  async down(): Promise<string | undefined> {
    let problem: string | undefined;
    if (existsSync(this.labDir)) {
      const r = await runBin(['lab', 'down', '--lab', this.labDir], { timeoutMs: 60_000 });
      if (r.code !== 0) problem = `lab down for ${this.tool} failed: ${r.stderr}${r.stdout}`;
    }
    rmSync(this.work, { recursive: true, force: true });
    return problem;
  }

  private ansibleEnv(log: string): NodeJS.ProcessEnv {
    const ssh = join(this.labDir, 'ssh');
    return {
      ANSIBLE_CONFIG: join(ANSIBLE_DIR, 'ansible.cfg'),
      ANSIBLE_CALLBACK_PLUGINS: join(ANSIBLE_DIR, 'callback_plugins'),
      DIFFLOG_FILE: log,
      ANSIBLE_PRIVATE_KEY_FILE: join(ssh, 'id_ed25519'),
      ANSIBLE_SSH_ARGS: `-o UserKnownHostsFile=${join(ssh, 'known_hosts')} -o StrictHostKeyChecking=yes -o ControlMaster=auto -o ControlPersist=120s`,
      ANSIBLE_SSH_CONTROL_PATH_DIR: join(this.work, 'cp'),
      ANSIBLE_LOCAL_TEMP: join(this.work, 'tmp'),
      ANSIBLE_HOME: join(this.work, 'home'),
      ANSIBLE_REMOTE_TEMP: '~/.ansible/tmp',
    };
  }

  /** Runs one playbook (relative to the cases copy) in `mode`, from the lab's controller host. */
  async run(playbook: string, mode: Mode, options: { inventory?: string; args?: readonly string[]; timeoutMs: number }): Promise<RunRecord> {
    const n = ++this.runs;
    const inventory = options.inventory ?? DEFAULT_INVENTORY;
    const args = (options.args ?? []).map((a) => a.replaceAll('${ALT_KEY}', this.altKey));
    const path = join(this.cases, playbook);
    const cwd = dirname(path);
    if (this.tool === 'ansible') {
      const log = join(this.work, 'logs', `run-${n}.jsonl`);
      writeFileSync(log, '');
      const r = await runBin(['lab', 'run', '--lab', this.labDir, '--', 'ansible-playbook', '-i', inventory, ...MODE_FLAGS[mode], ...args, path], {
        cwd,
        env: this.ansibleEnv(log),
        timeoutMs: options.timeoutMs,
      });
      if (r.timedOut) throw new Error(`ansible-playbook ${playbook} (${mode}) timed out after ${options.timeoutMs} ms`);
      return readAnsibleRun(readFileSync(log, 'utf8'), r.code, `${r.stderr}${r.stdout}`);
    }
    const r = await runBin(['lab', 'run', '--lab', this.labDir, '--', 'provision', '--output', 'json', '-i', inventory, ...MODE_FLAGS[mode], ...args, path], {
      cwd,
      timeoutMs: options.timeoutMs,
    });
    if (r.timedOut) throw new Error(`provision ${playbook} (${mode}) timed out after ${options.timeoutMs} ms`);
    try {
      return readProvisionRun(r.stdout, r.code, r.stderr);
    } catch (err) {
      // Whatever provision printed that is not the event stream is itself a finding: keep it.
      return { tasks: [], plays: [], recap: undefined, exitCode: r.code, stderr: `${(err as Error).message}\n${r.stderr}` };
    }
  }

  /** provision --syntax-check of a playbook (relative to the cases copy), from the lab's controller host. */
  async syntaxCheck(playbook: string, timeoutMs: number): Promise<ProcessResult> {
    const path = join(this.cases, playbook);
    const r = await runBin(['lab', 'run', '--lab', this.labDir, '--', 'provision', '--syntax-check', '-i', DEFAULT_INVENTORY, path], { cwd: dirname(path), timeoutMs });
    if (r.timedOut) throw new Error(`provision --syntax-check ${playbook} timed out after ${timeoutMs} ms`);
    return r;
  }

  /** `lab exec HOST -- sh -c SCRIPT` as root. */
  async exec(host: string, script: string): Promise<ProcessResult> {
    return runBin(['lab', 'exec', '--lab', this.labDir, host, '--', 'sh', '-c', script.replaceAll('${ALT_PUBKEY}', readFileSync(`${this.altKey}.pub`, 'utf8').trim())], {
      timeoutMs: 30_000,
    });
  }

  /** Every file under `paths` on `host`: type, mode, owner, group, link target, content (one lab exec). */
  async snapshot(host: string, paths: readonly string[]): Promise<Snapshot> {
    const r = await runBin(['lab', 'exec', '--lab', this.labDir, host, '--', 'python3', '-c', SNAPSHOT_PY, ...paths], { timeoutMs: 30_000 });
    if (r.code !== 0) throw new Error(`snapshot of ${host} (${this.tool}) failed: ${r.stderr}`);
    return JSON.parse(r.stdout) as Snapshot;
  }
}

/** Runs on a lab host (the machine's python3): the state of every path under the given roots, as JSON. */
const SNAPSHOT_PY = String.raw`
import base64, grp, json, os, pwd, stat, sys
out = {}
def name(f, i):
    try: return f(i)[0]
    except KeyError: return str(i)
def add(p):
    try: st = os.lstat(p)
    except FileNotFoundError: return
    e = {'mode': '%04o' % stat.S_IMODE(st.st_mode), 'owner': name(pwd.getpwuid, st.st_uid), 'group': name(grp.getgrgid, st.st_gid)}
    if stat.S_ISLNK(st.st_mode):
        e['type'] = 'link'; e['target'] = os.readlink(p); del e['mode']
    elif stat.S_ISDIR(st.st_mode):
        e['type'] = 'directory'
        for c in sorted(os.listdir(p)): add(os.path.join(p, c))
    elif stat.S_ISREG(st.st_mode):
        e['type'] = 'file'
        data = open(p, 'rb').read(1 << 20)
        try: e['content'] = data.decode('utf-8')
        except UnicodeDecodeError: e['base64'] = base64.b64encode(data).decode()
    else:
        e['type'] = 'other'
    out[p] = e
for root in sys.argv[1:]: add(root)
print(json.dumps(out, sort_keys=True))
`;

/** Writes a playbook that imports the given cases' playbooks, in order, into the side's cases copy. */
export function writeBatch(side: Side, cases: readonly Case[], label: string): string {
  const name = `.batch-${label}.yml`;
  const lines = cases.map((c) => `- import_playbook: ${JSON.stringify(join(side.cases, side.tool === 'ansible' ? c.ansible : c.provision))}`);
  writeFileSync(join(side.cases, name), `# Generated by test/differential: every batch case, in order.\n${lines.join('\n')}\n`);
  return name;
}

/** Merges the results of a re-run (other hosts) into a case's tasks, matching tasks by play, kind, name and occurrence. */
export function mergeTasks(into: TaskRecord[], more: readonly TaskRecord[]): void {
  const keyOf = (list: readonly TaskRecord[], t: TaskRecord): string => {
    const base = `${t.play}\u0000${t.kind}\u0000${t.name}`;
    const n = list.slice(0, list.indexOf(t)).filter((o) => `${o.play}\u0000${o.kind}\u0000${o.name}` === base).length;
    return `${base}\u0000${n}`;
  };
  const existing = new Map(into.map((t) => [keyOf(into, t), t]));
  for (const t of more) {
    const found = existing.get(keyOf(more, t));
    if (found) for (const [h, o] of t.hosts) (found.hosts as Map<string, HostOutcome>).set(h, o);
    else into.push(t);
  }
}

/** Hosts that left the run in these tasks: an unignored failure or unreachable. */
export function hostsLost(tasks: readonly TaskRecord[]): Set<string> {
  const lost = new Set<string>();
  for (const t of tasks) for (const [h, o] of t.hosts) if ((o.status === 'failed' && !o.ignored) || o.status === 'unreachable') lost.add(h);
  return lost;
}

/** Each host of a YAML inventory with its ansible_host. */
function addresses(file: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (group: unknown): void => {
    if (!group || typeof group !== 'object') return;
    const g = group as { hosts?: Record<string, { ansible_host?: string } | null>; children?: Record<string, unknown> };
    for (const [h, vars] of Object.entries(g.hosts ?? {})) if (vars?.ansible_host || !out.has(h)) out.set(h, vars?.ansible_host ?? '');
    for (const child of Object.values(g.children ?? {})) walk(child);
  };
  walk((parse(readFileSync(file, 'utf8')) as { all?: unknown }).all);
  return out;
}

/** The hosts of inventory.yml, which batch runs target. */
export const BATCH_HOSTS: readonly string[] = [...addresses(DEFAULT_INVENTORY).keys()].sort();

/** The lab host (lab.yml) behind an inventory's host: the one with its address. */
export function labHostOf(inventory: string, host: string): string {
  const address = addresses(inventory).get(host);
  const lab = [...addresses(LAB_INVENTORY)].find(([, a]) => a === address)?.[0];
  if (!lab) throw new Error(`${inventory}: host ${host} (${address}) is no lab host of lab.yml`);
  return lab;
}
