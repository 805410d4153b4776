import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { EventBus } from '../../src/engine/event-bus.js';
import type { RunEvent } from '../../src/engine/events.js';
import { runPlaybooks } from '../../src/engine/run.js';
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
    const bus = new EventBus<RunEvent>();
    bus.subscribe((e) => {
      if (e.type === 'play_start') {
        events.push(`play ${e.name}`);
        // Any exception in the middle of a run: here, when the second play starts.
        if (++plays === 2) throw new TypeError('something broke mid-run');
      } else if (e.type === 'task_start') events.push(`task ${e.name}`);
      else if (e.type === 'host_result') events.push(`${e.status} ${e.host}`);
      else if (e.type === 'run_end') {
        events.push('run_end');
        recapped = JSON.stringify(e.stats);
      }
    });
    await assert.rejects(
      runPlaybooks({
        inventory: loadInventory([join(dir, 'inv.yml')]),
        playbooks: [loadPlaybook(join(dir, 'site.yml'), moduleCatalog, dir)],
        extraVars: {},
        events: bus,
        taskTimeoutMs: 0,
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
    assert.deepEqual(events, ['play all', 'task debug', 'ok h1', 'play all', 'run_end']);
    assert.equal(recapped, JSON.stringify({ h1: { ok: 1, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 } }));
  });
});
