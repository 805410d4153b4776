import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { labSkipReason } from '../helpers/lab.js';
import { type Case, loadCases, playNames } from './lib/cases.js';
import { type Difference, formatDifference } from './lib/compare.js';
import { CASES, Side } from './lib/runner.js';
import { Suite, type SuiteResult, TIMEOUT_SCALE } from './lib/suite.js';

/**
 * The differential suite: every case under cases/ runs under ansible-playbook (the oracle) and
 * provision, each on a fresh lab of its own built from the same lab.yml, and whatever provision
 * does differently (per host, per task, per file, the recap, the exit code) is a failure of that
 * case. See README.md for the case format and what is compared.
 *
 * DIFFERENTIAL_CASES=regex runs only matching cases; DIFFERENTIAL_REPORT=file.json writes every
 * difference found there.
 */

const only = process.env['DIFFERENTIAL_CASES'] ? new RegExp(process.env['DIFFERENTIAL_CASES']) : undefined;
const ALL_CASES = loadCases(CASES);
/** Differences from ansible-playbook found and not fixed yet, by case, with the reason (docs/differences.md). */
const KNOWN: Record<string, string> = JSON.parse(readFileSync(new URL('./known-differences.json', import.meta.url), 'utf8')) as Record<string, string>;

const cases: Case[] = ALL_CASES.filter((c) => !only || only.test(c.name));

function ansibleSkipReason(): string | false {
  const r = spawnSync('ansible-playbook', ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return 'ansible-playbook is not installed (scripts/test.sh installs ansible-core): the differential suite needs it as its oracle';
  const version = /ansible-playbook \[core (\d+\.\d+)\./.exec(r.stdout)?.[1];
  if (version !== '2.14' && !process.env['DIFFERENTIAL_ANY_ANSIBLE']) {
    return `ansible-playbook is core ${version ?? '?'}, not 2.14, the oracle these cases encode (DIFFERENTIAL_ANY_ANSIBLE=1 runs it anyway)`;
  }
  return false;
}

const skip = labSkipReason() || ansibleSkipReason();
if (skip) process.stderr.write(`\n*** differential suite SKIPPED: ${skip}\n\n`);

describe('differential cases are well-formed', () => {
  test(`at least 60 cases, names unique, every play named after its case`, () => {
    assert.ok(ALL_CASES.length >= 60, `only ${ALL_CASES.length} cases`);
    for (const c of ALL_CASES) {
      for (const file of new Set([c.ansible, c.provision])) {
        const names = playNames(join(CASES, file));
        assert.ok(names.length > 0, `${file}: no play`);
        for (const n of names) assert.ok(n === c.name || n.startsWith(`${c.name} `), `${file}: play "${n}" must be named "${c.name}" or "${c.name} …"`);
      }
    }
  });
});

describe('differential: ansible-playbook 2.14 vs provision, case by case', () => {
  if (skip) {
    // Counted as skipped, with its reason, in the test summary: never a silent pass.
    test(`${cases.length} cases against ansible-playbook`, { skip }, () => {});
    return;
  }
  let ansible: Side | undefined;
  let provision: Side | undefined;
  let keyDir: string | undefined;
  let result: SuiteResult | undefined;
  let failure: Error | undefined;

  before(
    async () => {
      const started = performance.now();
      keyDir = mkdtempSync(join(tmpdir(), 'provision-diff-key-'));
      const altKey = join(keyDir, 'id_alt');
      const kg = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'provision-diff-alt', '-f', altKey]);
      assert.equal(kg.status, 0, `ssh-keygen: ${kg.stderr}`);
      const sides = await Promise.allSettled([Side.up('ansible', altKey), Side.up('provision', altKey)]);
      if (sides[0].status === 'fulfilled') ansible = sides[0].value;
      if (sides[1].status === 'fulfilled') provision = sides[1].value;
      for (const s of sides) if (s.status === 'rejected') throw s.reason;
      if (!ansible || !provision) throw new Error('no lab');
      try {
        result = await new Suite(cases, ansible, provision).run();
      } catch (err) {
        failure = err as Error;
      }
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      process.stderr.write(`differential: ${cases.length} cases in ${seconds} s; ${result?.differences.length ?? '?'} differences\n`);
      for (const n of result?.notes ?? []) process.stderr.write(`  ${n}\n`);
      const report = process.env['DIFFERENTIAL_REPORT'];
      if (report && result) writeFileSync(report, `${JSON.stringify({ seconds: Number(seconds), ...result }, null, 2)}\n`);
    },
    { timeout: 900_000 * TIMEOUT_SCALE },
  );

  after(
    async () => {
      const problems = (await Promise.all([ansible?.down(), provision?.down()])).filter(Boolean);
      if (keyDir) rmSync(keyDir, { recursive: true, force: true });
      assert.deepEqual(problems, [], 'the labs must come down');
    },
    { timeout: 120_000 },
  );

  const differencesOf = (name: string): Difference[] => {
    if (failure) throw failure;
    assert.ok(result, 'the suite did not run');
    return result.differences.filter((d) => d.case === name);
  };
  const explain = (diffs: readonly Difference[]): string => `${diffs.length} difference(s) from ansible-playbook:\n${diffs.map(formatDifference).join('\n')}`;

  test('the suite itself: setup, batch cases that keep every host, runs that finish', { timeout: 5_000 }, () => {
    if (failure) throw failure;
    assert.deepEqual(result?.problems, []);
  });

  /**
   * A case listed in known-differences.json is a difference not fixed yet, shown as such: it must
   * still differ (so the list cannot outlive the fix), and every other case must match.
   */
  const expectMatch = (name: string): void => {
    const diffs = differencesOf(name);
    if (KNOWN[name] === undefined) assert.equal(diffs.length, 0, explain(diffs));
    else assert.ok(diffs.length > 0, `${name} now matches ansible-playbook: remove it from test/differential/known-differences.json`);
  };
  const label = (name: string): string => (KNOWN[name] === undefined ? '' : ` [known difference: ${KNOWN[name]}]`);

  test(`batch runs: the recap and exit code of each combined run${label('(batch)')}`, { timeout: 5_000 }, () => expectMatch('(batch)'));

  for (const c of cases) {
    test(`${c.name} (${c.header.run}: ${c.header.modes.join(', ')})${label(c.name)}`, { timeout: 5_000 }, () => expectMatch(c.name));
  }
});
