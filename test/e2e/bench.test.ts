import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { REPO } from '../helpers/cli.js';

const RUN = join(REPO, 'bench/run.mjs');
const asRoot = process.getuid?.() === 0;

// The benchmarks themselves are not tests (they time labs); these check only that `npm run bench`
// refuses clearly where it cannot run and rejects bad arguments before making any lab.
describe('npm run bench (bench/run.mjs)', () => {
  test('without root it says it cannot run here and exits 2', { skip: asRoot ? false : 'needs root to drop to an unprivileged user' }, () => {
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, RUN], { cwd: REPO, encoding: 'utf8' });
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /^bench: cannot run here: the benchmarks bring up labs, and the lab needs root/);
    assert.equal(r.stdout, '');
  });

  test('a bad argument exits 1 before anything runs', () => {
    for (const args of [['--only', 'nothing'], ['--w2-hosts', 'many'], ['--no-such-option']]) {
      const r = spawnSync(process.execPath, [RUN, ...args], { cwd: REPO, encoding: 'utf8' });
      assert.equal(r.status, 1, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /^bench: /);
      assert.equal(r.stdout, '');
    }
  });
});
