import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decideApt, parseAptPolicy, splitPackage } from '../../src/modules/apt-state.js';

const POLICY = `hello:
  Installed: (none)
  Candidate: 2.10-3
  Version table:
     2.10-3 500
        500 http://deb.debian.org/debian bookworm/main amd64 Packages
coreutils:
  Installed: 9.1-1
  Candidate: 9.1-1
  Version table:
 *** 9.1-1 500
        500 http://deb.debian.org/debian bookworm/main amd64 Packages
        100 /var/lib/dpkg/status
psm:
  Installed: 1.0
  Candidate: 2.0
  Version table:
     2.0 500
        500 http://10.0.16.10:8880/debian ./ Packages
 *** 1.0 100
        100 /var/lib/dpkg/status
`;

describe('apt: package state in, apt-get words out', () => {
  const policy = parseAptPolicy(POLICY);

  test('apt-cache policy is parsed per package (installed, candidate, versions)', () => {
    assert.deepEqual(policy.get('hello'), { installed: undefined, candidate: '2.10-3', versions: ['2.10-3'] });
    assert.deepEqual(policy.get('psm'), { installed: '1.0', candidate: '2.0', versions: ['2.0', '1.0'] });
    assert.equal(policy.has('nosuch'), false);
  });

  test('present installs only what is missing, all in one list', () => {
    assert.deepEqual(decideApt('present', ['hello', 'coreutils', 'psm'], policy), { install: ['hello'], remove: [] });
    assert.deepEqual(decideApt('present', ['coreutils'], policy), { install: [], remove: [] });
  });

  test('latest also upgrades what has a newer candidate', () => {
    assert.deepEqual(decideApt('latest', ['hello', 'coreutils', 'psm'], policy).install, ['hello', 'psm']);
  });

  test('a version: installed at that version or installed as name=version (fnmatch)', () => {
    assert.deepEqual(decideApt('present', ['psm=1.0'], policy).install, []);
    assert.deepEqual(decideApt('present', ['psm=2.*'], policy).install, ['psm=2.0']);
    assert.equal(decideApt('present', ['psm=3.0'], policy).failed, 'no available installation candidate for psm=3.0');
    assert.equal(decideApt('present', ['a=1=2'], policy).failed, 'invalid package spec: a=1=2');
    assert.deepEqual(splitPackage('x>=1.2'), { name: 'x', op: '>=', version: '1.2' });
  });

  test('an unknown package fails present with Ansible\'s message; absent ignores it', () => {
    assert.equal(decideApt('present', ['nosuch'], policy).failed, "No package matching 'nosuch' is available");
    assert.deepEqual(decideApt('absent', ['nosuch', 'hello'], policy), { install: [], remove: [] });
  });

  test('absent removes what is installed; with purge also what left configuration files', () => {
    assert.deepEqual(decideApt('absent', ['coreutils', 'hello'], policy).remove, ['coreutils']);
    assert.deepEqual(decideApt('absent', ['hello'], policy, { configFiles: new Set(['hello']) }).remove, ['hello']);
  });

  test('only_upgrade never installs what is not installed', () => {
    assert.deepEqual(decideApt('latest', ['hello', 'psm'], policy, { onlyUpgrade: true }).install, ['psm']);
  });
});
