import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { bootedSkipReason, labFilesUrl } from '../helpers/lab.js';
import { recap, startSysLab, statuses, type SysLab } from '../helpers/sysmods.js';

const ZERO = { unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };

describe('get_url on booted hosts (the lab web server)', { skip: bootedSkipReason() }, () => {
  let s: SysLab;
  let url: string;
  const serve = (name: string, content: string): string => {
    mkdirSync(join(s.lab.dir, 'www', 'psm'), { recursive: true });
    writeFileSync(join(s.lab.dir, 'www', 'psm', name), content);
    return createHash('sha256').update(content).digest('hex');
  };
  /** How many GETs of this file the lab's web server has answered. */
  const gets = (name: string): number => readFileSync(join(s.lab.dir, 'supervisor.log'), 'utf8').split('\n').filter((l) => l.includes(`GET /files/psm/${name} `)).length;

  before(async () => {
    s = await startSysLab('geturl');
    url = `${labFilesUrl(s.lab)}psm/`;
  }, { timeout: 60_000 });
  after(async () => {
    await s?.down();
  });

  test('with a checksum: --check predicts, the run downloads, verifies and renames, the second run downloads nothing', { timeout: 90_000 }, async () => {
    const sum = serve('tool.sh', '#!/bin/sh\necho tool\n');
    const play = `- hosts: nodes\n  gather_facts: false\n  become: true\n  tasks:\n    - get_url: {url: "${url}tool.sh", dest: /usr/local/bin/psm-tool, mode: "0755", checksum: "sha256:${sum}"}\n      register: r\n    - debug: {var: r.status_code}\n`;
    const check = await s.play(play, ['--check']);
    assert.equal(check.code, 0, check.out);
    assert.deepEqual(statuses(check.out, 'n1'), ['get_url: changed', 'debug: ok']);
    assert.equal((await s.sh('n1', 'test -e /usr/local/bin/psm-tool && echo yes || echo no; ls -a /usr/local/bin | grep -c provision || true')).trim(), 'no\n0');
    const run = await s.play(play);
    assert.deepEqual(recap(run.out, 'n2'), { ok: 2, changed: 1, ...ZERO }, run.out);
    // debug var= renders through the templar as Ansible does (non-native): the number prints as text.
    assert.match(run.out, /"r.status_code": "200"/);
    assert.equal((await s.sh('n1', 'psm-tool; stat -c %a /usr/local/bin/psm-tool; ls -a /usr/local/bin | grep -c provision || true')).trim(), 'tool\n755\n0');
    const before = gets('tool.sh');
    const again = await s.play(play);
    assert.deepEqual(recap(again.out, 'n1'), { ok: 2, changed: 0, ...ZERO }, again.out);
    assert.match(again.out, /"r.status_code": "VARIABLE IS NOT DEFINED!"/);
    assert.equal(gets('tool.sh'), before, 'the second run downloaded the file');
  });

  test('without a checksum: replaced only when the content differs; a wrong checksum or a 404 fails and leaves dest alone', { timeout: 90_000 }, async () => {
    serve('data.txt', 'one\n');
    const play = `- hosts: n1\n  gather_facts: false\n  become: true\n  tasks:\n    - file: {path: /opt/psm, state: directory}\n    - get_url: {url: "${url}data.txt", dest: /opt/psm/, timeout: 5, headers: {X-Psm: yes}}\n`;
    const first = await s.play(play);
    assert.deepEqual(statuses(first.out, 'n1'), ['file: changed', 'get_url: changed'], first.out);
    assert.equal((await s.sh('n1', 'cat /opt/psm/data.txt')).trim(), 'one');
    const same = await s.play(play, ['--check']);
    assert.deepEqual(statuses(same.out, 'n1'), ['file: ok', 'get_url: ok'], same.out);
    serve('data.txt', 'two\n');
    const check = await s.play(play, ['--check']);
    assert.deepEqual(statuses(check.out, 'n1'), ['file: ok', 'get_url: changed'], check.out);
    assert.equal((await s.sh('n1', 'cat /opt/psm/data.txt')).trim(), 'one');
    const run = await s.play(play);
    assert.deepEqual(statuses(run.out, 'n1'), ['file: ok', 'get_url: changed'], run.out);
    assert.equal((await s.sh('n1', 'cat /opt/psm/data.txt')).trim(), 'two');

    const wrong = await s.play(`- hosts: n1\n  gather_facts: false\n  become: true\n  tasks:\n    - get_url: {url: "${url}data.txt", dest: /opt/psm/data.txt, checksum: "sha256:${'0'.repeat(64)}"}\n      ignore_errors: true\n    - get_url: {url: "${url}nosuch.txt", dest: /opt/psm/nosuch.txt}\n      ignore_errors: true\n`);
    assert.match(wrong.out, /"msg": "The checksum for \/opt\/psm\/data.txt did not match 0{64}; it was [0-9a-f]{64}\."/, wrong.out);
    assert.match(wrong.out, /"msg": "Request failed".*"status_code": 404|"status_code": 404.*"msg": "Request failed"/, wrong.out);
    assert.equal((await s.sh('n1', 'cat /opt/psm/data.txt; ls -A /opt/psm | tr "\\n" " "')).trim(), 'two\ndata.txt');
  });

  test('bad arguments are refused before any host is touched', { timeout: 90_000 }, async () => {
    const bad = await s.play(`- hosts: n1\n  gather_facts: false\n  tasks:\n    - get_url: {url: "${url}x", dest: /tmp/x, checksum: "sha256"}\n`);
    assert.match(bad.out, /get_url: The checksum parameter has to be in format <algorithm>:<checksum>/);
    assert.doesNotMatch(bad.out, /PLAY \[/);
    const bad2 = await s.play(`- hosts: n1\n  gather_facts: false\n  tasks:\n    - get_url: {url: "${url}x"}\n`);
    assert.match(bad2.out, /get_url: missing required argument "dest"/);
  });
});
