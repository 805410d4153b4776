import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { Reporter } from '../../src/engine/reporter.js';
import { runPlaybooks } from '../../src/engine/run.js';
import type { Stats } from '../../src/engine/stats.js';
import { loadInventory } from '../../src/inventory/load.js';
import { moduleCatalog } from '../../src/modules/registry.js';
import { loadPlaybook } from '../../src/playbook/load.js';

const dir = mkdtempSync(join(tmpdir(), 'provision-recap-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('a run that ends early', () => {
  test('still prints the recap of what ran, then the error goes on to the caller', async () => {
    // No host is contacted: debug runs on the controller and facts are not gathered.
    writeFileSync(join(dir, 'inv.yml'), 'all:\n  hosts:\n    h1: {ansible_host: 127.0.0.1, ansible_port: 9}\n');
    writeFileSync(join(dir, 'site.yml'), '- hosts: all\n  gather_facts: no\n  tasks: [{debug: msg=one}]\n- hosts: all\n  gather_facts: no\n  tasks: [{debug: msg=two}]\n');
    const events: string[] = [];
    let recapped: string | undefined;
    let plays = 0;
    const reporter: Reporter = {
      playStart: (name) => {
        events.push(`play ${name}`);
        // Any exception in the middle of a run: here, when the second play starts.
        if (++plays === 2) throw new TypeError('something broke mid-run');
      },
      taskStart: (title) => events.push(`task ${title}`),
      hostResult: (r) => events.push(`${r.status} ${r.host}`),
      noHostsLeft: () => events.push('no hosts left'),
      warning: (m) => events.push(`warning ${m}`),
      recap: (stats: Stats) => {
        recapped = JSON.stringify([...stats.hosts]);
      },
      close: async () => {
        events.push('closed');
      },
    };
    await assert.rejects(
      runPlaybooks({
        inventory: loadInventory([join(dir, 'inv.yml')]),
        playbooks: [loadPlaybook(join(dir, 'site.yml'), moduleCatalog, dir)],
        extraVars: {},
        reporter,
        projectDir: dir,
        check: false,
        diff: false,
        forks: 5,
        tags: [],
        skipTags: [],
        limit: undefined,
        become: undefined,
        becomeUser: undefined,
        becomePassword: undefined,
        connection: { remoteUser: undefined, privateKeyFile: undefined, password: undefined, connection: undefined, timeoutMs: 1000, hostKeyPolicy: 'strict', knownHostsFiles: [] },
      }),
      (e: unknown) => e instanceof TypeError && e.message === 'something broke mid-run',
    );
    assert.deepEqual(events, ['play all', 'task debug', 'ok h1', 'play all', 'closed']);
    assert.equal(recapped, JSON.stringify([['h1', { ok: 1, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 }]]));
  });
});
