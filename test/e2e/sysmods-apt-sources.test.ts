import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { addToRepository } from '../../src/lab/apt-repository.js';
import { bootedSkipReason, labFilesUrl } from '../helpers/lab.js';
import { buildDeb, recap, startSysLab, statuses, type SysLab } from '../helpers/sysmods.js';

const ZERO = { unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };

describe('apt_repository and apt_key on booted hosts', { skip: bootedSkipReason() }, () => {
  let s: SysLab;
  let files: string;
  let keyId: string;
  before(async () => {
    s = await startSysLab('aptsrc');
    files = labFilesUrl(s.lab);
    // A second flat repository, in the lab's web root, with one package of its own.
    await addToRepository(join(s.lab.dir, 'www', 'psmrepo'), [buildDeb(s.work, 'psm-extra', '1.5')]);
    // A signing key made here (no key server): its armored public key is served to the hosts.
    const home = join(s.work, 'gnupg');
    mkdirSync(home, { mode: 0o700 });
    execFileSync('gpg', ['--batch', '--homedir', home, '--passphrase', '', '--quick-gen-key', 'provision test <psm@example.invalid>', 'ed25519', 'sign', 'never'], { stdio: 'ignore' });
    const colons = execFileSync('gpg', ['--homedir', home, '--with-colons', '--list-keys'], { encoding: 'utf8' });
    keyId = /^pub:[^:]*:[^:]*:[^:]*:([0-9A-F]{16}):/m.exec(colons)?.[1] ?? '';
    assert.ok(keyId, colons);
    mkdirSync(join(s.lab.dir, 'www', 'psm'), { recursive: true });
    writeFileSync(join(s.lab.dir, 'www', 'psm', 'key.asc'), execFileSync('gpg', ['--homedir', home, '--armor', '--export', keyId]));
  }, { timeout: 60_000 });
  after(async () => {
    await s?.down();
  });

  test('apt_repository: a deb line in its own file, the cache updated; a line already there (spaced differently) is ok; absent removes the file', { timeout: 90_000 }, async () => {
    const line = `deb [trusted=yes] ${files}psmrepo/ ./`;
    const play = `- hosts: n1\n  gather_facts: false\n  become: true\n  tasks:\n    - apt_repository: {repo: "${line}", filename: psm}\n    - apt: {name: psm-extra}\n`;
    const check = await s.play(play, ['--check', '--diff']);
    assert.match(check.out, /TASK \[apt_repository\][^\n]*\n[\s\S]*?\+deb \[trusted=yes\] http:\/\/[^\n]*psmrepo\/ \.\/\n[\s\S]*?changed: \[n1\]/, check.out);
    assert.equal((await s.sh('n1', 'test -e /etc/apt/sources.list.d/psm.list && echo yes || echo no')).trim(), 'no');
    const run = await s.play(play);
    assert.deepEqual(statuses(run.out, 'n1'), ['apt_repository: changed', 'apt: changed'], run.out);
    assert.equal(await s.sh('n1', 'cat /etc/apt/sources.list.d/psm.list; stat -c %a /etc/apt/sources.list.d/psm.list'), `${line}\n644\n`);
    assert.equal((await s.sh('n1', 'psm-extra')).trim(), 'psm-extra 1.5');
    const again = await s.play(play);
    assert.deepEqual(recap(again.out, 'n1'), { ok: 2, changed: 0, ...ZERO }, again.out);

    const labLine = (await s.sh('n1', 'grep "^deb" /etc/apt/sources.list')).trim();
    const spaced = labLine.replace(/ /g, '   ');
    const gone = `- hosts: n1\n  gather_facts: false\n  become: true\n  tasks:\n    - apt_repository: {repo: "${spaced}"}\n    - apt_repository: {repo: "${line}", state: absent, update_cache: false}\n    - apt_repository: {repo: "${line}", state: absent}\n`;
    const removed = await s.play(gone);
    assert.deepEqual(statuses(removed.out, 'n1'), ['apt_repository: ok', 'apt_repository: changed', 'apt_repository: ok'], removed.out);
    assert.equal((await s.sh('n1', 'test -e /etc/apt/sources.list.d/psm.list && echo yes || echo no')).trim(), 'no');
    const bad = await s.play(`- hosts: n1\n  gather_facts: false\n  become: true\n  tasks:\n    - apt_repository: {repo: "http://nowhere ./"}\n      ignore_errors: true\n`);
    assert.match(bad.out, /"msg": "Invalid repository string: http:\/\/nowhere \.\/"/);
  });

  test('apt_key: added from a URL (its id read from the key), removed by id; --check predicts; second runs are ok', { timeout: 90_000 }, async () => {
    const add = `- hosts: n2\n  gather_facts: false\n  become: true\n  tasks:\n    - apt_key: {url: "${files}psm/key.asc"}\n      register: k\n    - debug: {var: k.key_id}\n`;
    const check = await s.play(add, ['--check']);
    assert.deepEqual(statuses(check.out, 'n2'), ['apt_key: changed', 'debug: ok'], check.out);
    const listed = (): Promise<string> => s.sh('n2', `apt-key adv --list-public-keys --keyid-format=long 2>/dev/null | grep -c "/${keyId}" || true`).then((o) => o.trim());
    assert.equal(await listed(), '0');
    const run = await s.play(add);
    assert.deepEqual(statuses(run.out, 'n2'), ['apt_key: changed', 'debug: ok'], run.out);
    assert.match(run.out, new RegExp(`"k.key_id": "${keyId}"`));
    assert.equal(await listed(), '1');
    assert.deepEqual(recap((await s.play(add)).out, 'n2'), { ok: 2, changed: 0, ...ZERO });
    const del = `- hosts: n2\n  gather_facts: false\n  become: true\n  tasks:\n    - apt_key: {id: "0x${keyId}", state: absent}\n`;
    assert.deepEqual(statuses((await s.play(del)).out, 'n2'), ['apt_key: changed']);
    assert.equal(await listed(), '0');
    assert.deepEqual(statuses((await s.play(del)).out, 'n2'), ['apt_key: ok']);
    // The key as data (armored text in the playbook).
    const armored = readFileSync(join(s.lab.dir, 'www', 'psm', 'key.asc'), 'utf8');
    const data = `- hosts: n2\n  gather_facts: false\n  become: true\n  tasks:\n    - apt_key:\n        data: ${JSON.stringify(armored)}\n`;
    assert.deepEqual(statuses((await s.play(data)).out, 'n2'), ['apt_key: changed']);
    assert.equal(await listed(), '1');
  });
});
