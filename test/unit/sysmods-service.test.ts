import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseChecksum, urlFilename } from '../../src/modules/get-url.js';
import { decideSystemd, decideSysv, parseSystemctlShow, type SystemdFacts } from '../../src/modules/service-state.js';
import { parseSystemdState } from '../../src/modules/systemd.js';

const facts = (active: string, enabled: string, rc: number, load = 'loaded'): SystemdFacts => ({ status: { LoadState: load, ActiveState: active }, isEnabled: { out: enabled, rc }, initScript: false, sysvEnabled: false });
const want = { name: 'docker', scope: 'system' as const };

describe('systemd and service: unit state in, systemctl verbs out', () => {
  test('systemctl show is parsed as Ansible does (only Exec* values span lines)', () => {
    const show = parseSystemctlShow('Id=docker.service\nExecStart={ path=/usr/bin/dockerd ; argv[]=/usr/bin/dockerd\n -H fd:// }\nDescription={ not multi-line\nActiveState=active\n');
    assert.equal(show['ExecStart'], '{ path=/usr/bin/dockerd ; argv[]=/usr/bin/dockerd\n -H fd:// }');
    assert.equal(show['Description'], '{ not multi-line');
    assert.equal(show['ActiveState'], 'active');
  });

  test('started/stopped only when needed; restarted and reloaded always (start when stopped)', () => {
    assert.deepEqual(decideSystemd({ ...want, state: 'started' }, facts('active', 'enabled', 0)).actions, []);
    assert.deepEqual(decideSystemd({ ...want, state: 'started' }, facts('inactive', 'enabled', 0)).actions, ['start']);
    assert.deepEqual(decideSystemd({ ...want, state: 'stopped' }, facts('deactivating', 'enabled', 0)).actions, ['stop']);
    assert.deepEqual(decideSystemd({ ...want, state: 'restarted' }, facts('active', 'enabled', 0)).actions, ['restart']);
    assert.deepEqual(decideSystemd({ ...want, state: 'reloaded' }, facts('failed', 'enabled', 0)).actions, ['start']);
    assert.equal(decideSystemd({ ...want, state: 'reloaded' }, facts('active', 'enabled', 0)).result['state'], 'started');
  });

  test('masked, then enabled, then state, in that order; indirect counts as not enabled', () => {
    assert.deepEqual(decideSystemd({ ...want, masked: false, enabled: true, state: 'started' }, facts('inactive', 'masked', 1, 'masked')).actions, ['unmask', 'enable', 'start']);
    assert.deepEqual(decideSystemd({ ...want, enabled: true }, facts('active', 'indirect', 0)).actions, ['enable']);
    assert.deepEqual(decideSystemd({ ...want, enabled: false }, facts('active', 'disabled', 1)).actions, []);
  });

  test('a unit that is not there fails with Ansible\'s message', () => {
    assert.equal(decideSystemd({ ...want, state: 'started' }, facts('inactive', '', 1, 'not-found')).failed, 'Could not find the requested service docker: host');
  });

  test('the state script\'s sections', () => {
    const f = parseSystemdState("@@svc show\nLoadState=loaded\nActiveState=active\n@@svc enabled\nenabled\n@@svc enabled-rc 0\n@@svc initd\n");
    assert.deepEqual(f, { status: { LoadState: 'loaded', ActiveState: 'active' }, isEnabled: { out: 'enabled', rc: 0 }, initScript: true, sysvEnabled: false });
  });

  test('init scripts: update-rc.d defaults only without any links; restarted is stop then start', () => {
    const sysv = (running: boolean, startLinks: boolean, killLinks: boolean) => ({ exists: true, running, startLinks, killLinks });
    assert.deepEqual(decideSysv({ name: 'x', state: 'started', enabled: true }, sysv(false, false, false)).commands, [['update-rc.d', 'x', 'defaults'], ['update-rc.d', 'x', 'enable'], ['/etc/init.d/x', 'start']]);
    assert.deepEqual(decideSysv({ name: 'x', enabled: true }, sysv(false, false, true)).commands, [['update-rc.d', 'x', 'enable']]);
    assert.deepEqual(decideSysv({ name: 'x', state: 'started', enabled: true }, sysv(true, true, true)).commands, []);
    assert.deepEqual(decideSysv({ name: 'x', state: 'restarted' }, sysv(true, true, true)).commands, [['sh', '-c', '"$0" stop "$@"; "$0" start "$@"', '/etc/init.d/x']]);
    assert.equal(decideSysv({ name: 'x', state: 'started' }, { exists: false, running: false, startLinks: false, killLinks: false }).failed, 'Could not find the requested service x: ');
  });
});

describe('get_url: checksums and file names', () => {
  test('checksum as Ansible reads it', () => {
    assert.deepEqual(parseChecksum('sha256:AB:cd'), { algorithm: 'sha256', digest: 'abcd' });
    assert.equal(parseChecksum('sha256'), 'The checksum parameter has to be in format <algorithm>:<checksum>');
    assert.match(String(parseChecksum('sha256:http://x/SUMS')), /not implemented/);
  });
  test('the file name of a URL', () => {
    assert.equal(urlFilename('http://h:8880/files/a%20b.tar?x=1'), 'a b.tar');
    assert.equal(urlFilename('http://h/'), 'index.html');
  });
});
