import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * The runs a case gets, in this order, on hosts fresh for it:
 * - `check`:  `--check --diff` on the fresh state (also shows the diffs check mode predicts);
 * - `normal`: the real run, with `--diff`;
 * - `twice`:  the same playbook again, without options (idempotence: what a second run reports).
 */
export const MODES = ['check', 'normal', 'twice'] as const;
export type Mode = (typeof MODES)[number];

export const MODE_FLAGS: Record<Mode, readonly string[]> = {
  check: ['--check', '--diff'],
  normal: ['--diff'],
  twice: [],
};

export interface CaseHeader {
  /** `batch` cases share one run per mode; `solo` cases (failing plays, -e, tags, own inventory…) get their own. */
  readonly run: 'batch' | 'solo';
  readonly modes: readonly Mode[];
  /** Lab hosts whose files are compared (and where `setup` runs). */
  readonly hosts: readonly string[];
  /** Extra command-line arguments, the same for both tools (`${ALT_KEY}` is the second key's path). */
  readonly args: readonly string[];
  /** Inventory, relative to the case's directory; default: test/differential/inventory.yml. */
  readonly inventory: string | undefined;
  /** Shell run as root on each of `hosts` before the first run (`${ALT_PUBKEY}` is the second public key). */
  readonly setup: string | undefined;
  /** Paths compared after each run; `/srv/diff/NAME` always is. */
  readonly paths: readonly string[];
}

export interface Case {
  readonly name: string;
  /** Directory of the case's files, relative to the cases directory ('' for top-level cases). */
  readonly dir: string;
  /** Playbook run by ansible-playbook, relative to the cases directory. */
  readonly ansible: string;
  /** Playbook run by provision, relative to the cases directory. */
  readonly provision: string;
  readonly header: CaseHeader;
}

const HEADER = /^#\s*diff-case:\s*$/;
const NAME = /^[a-z0-9_]+$/;

/** The `# diff-case:` comment block at the top of a playbook, as YAML. */
export function readHeader(text: string, name: string, file: string): CaseHeader {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => HEADER.test(l));
  let raw: Record<string, unknown> = {};
  if (start >= 0) {
    const body: string[] = [];
    for (const line of lines.slice(start + 1)) {
      if (!line.startsWith('#')) break;
      body.push(line.replace(/^# ?/, ''));
    }
    raw = (parse(body.join('\n')) as Record<string, unknown> | null) ?? {};
  }
  const known = new Set(['run', 'modes', 'hosts', 'args', 'inventory', 'setup', 'paths', 'about']);
  for (const key of Object.keys(raw)) if (!known.has(key)) throw new Error(`${file}: unknown diff-case key "${key}"`);
  const list = (key: string, fallback: readonly string[]): readonly string[] => {
    const v = raw[key];
    if (v === undefined) return fallback;
    if (!Array.isArray(v)) throw new Error(`${file}: diff-case ${key} must be a list`);
    return v.map(String);
  };
  const modes = list('modes', MODES) as Mode[];
  for (const m of modes) if (!MODES.includes(m)) throw new Error(`${file}: unknown mode "${m}" (expected ${MODES.join(', ')})`);
  if (modes.includes('twice') && !modes.includes('normal')) throw new Error(`${file}: mode twice needs normal`);
  const run = raw['run'] ?? 'batch';
  if (run !== 'batch' && run !== 'solo') throw new Error(`${file}: run must be batch or solo`);
  const str = (key: string): string | undefined => (raw[key] === undefined ? undefined : String(raw[key]));
  return {
    run,
    modes: MODES.filter((m) => modes.includes(m)),
    hosts: list('hosts', ['h1', 'h2']),
    args: list('args', []),
    inventory: str('inventory'),
    setup: str('setup'),
    paths: [`/srv/diff/${name}`, ...list('paths', [])],
  };
}

/**
 * Every case under `root`: `NAME.yml` (one playbook for both tools), `NAME.ansible.yml` +
 * `NAME.provision.yml` (a pair, where templating differs), or a directory `NAME/` holding
 * `main.yml` or the `main.ansible.yml` + `main.provision.yml` pair with files of its own
 * (inventory, group_vars, roles); a directory case is always solo.
 */
export function loadCases(root: string): Case[] {
  const cases: Case[] = [];
  const add = (name: string, dir: string, ansible: string, provision: string, forceSolo: boolean): void => {
    if (!NAME.test(name)) throw new Error(`case name "${name}" must match ${NAME}`);
    const file = join(root, ansible);
    const header = readHeader(readFileSync(file, 'utf8'), name, file);
    cases.push({ name, dir, ansible, provision, header: forceSolo ? { ...header, run: 'solo' } : header });
  };
  for (const entry of readdirSync(root).sort()) {
    const path = join(root, entry);
    if (statSync(path).isDirectory()) {
      if (existsSync(join(path, 'main.yml'))) add(entry, entry, join(entry, 'main.yml'), join(entry, 'main.yml'), true);
      else if (existsSync(join(path, 'main.ansible.yml'))) {
        if (!existsSync(join(path, 'main.provision.yml'))) throw new Error(`${path}: main.ansible.yml without main.provision.yml`);
        add(entry, entry, join(entry, 'main.ansible.yml'), join(entry, 'main.provision.yml'), true);
      }
      continue;
    }
    if (entry.endsWith('.provision.yml')) {
      if (!existsSync(join(root, entry.replace(/\.provision\.yml$/, '.ansible.yml')))) throw new Error(`${path} has no .ansible.yml twin`);
      continue;
    }
    if (entry.endsWith('.ansible.yml')) {
      const name = entry.replace(/\.ansible\.yml$/, '');
      if (!existsSync(join(root, `${name}.provision.yml`))) throw new Error(`${path} has no .provision.yml twin`);
      add(name, '', entry, `${name}.provision.yml`, false);
    } else if (entry.endsWith('.yml')) {
      const name = entry.replace(/\.yml$/, '');
      add(name, '', entry, entry, false);
    }
  }
  const seen = new Set<string>();
  for (const c of cases) {
    if (seen.has(c.name)) throw new Error(`two cases named ${c.name}`);
    seen.add(c.name);
  }
  return cases;
}

/** The names of a playbook's plays (for batch cases each must be the case name or start with it and a space). */
export function playNames(file: string): string[] {
  const data = parse(readFileSync(file, 'utf8'), { version: '1.1', uniqueKeys: false }) as unknown;
  if (!Array.isArray(data)) throw new Error(`${file}: a playbook is a list of plays`);
  return data.map((p) => String((p as Record<string, unknown>)['name'] ?? ''));
}

/** The case a play belongs to, by its name. */
export function caseOfPlay(play: string, names: ReadonlySet<string>): string | undefined {
  const first = play.split(' ')[0] ?? '';
  return names.has(first) ? first : undefined;
}
