import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { BIN, REPO } from '../helpers/cli.js';

const asRoot = process.getuid?.() === 0;

describe('provision lab without root', { skip: asRoot ? false : 'needs root to drop to an unprivileged user' }, () => {
  for (const args of [['up'], ['status'], ['down'], ['exec', 'mgmt', '--', 'true'], ['run', '--', 'true']]) {
    test(`lab ${args[0]} says it needs root and exits non-zero`, () => {
      const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, 'lab', ...args, '--lab', '/nonexistent'], {
        cwd: REPO,
        encoding: 'utf8',
      });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /the lab needs root/);
    });
  }
});
