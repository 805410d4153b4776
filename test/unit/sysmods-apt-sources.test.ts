import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { keysInListing, parseKeyId } from '../../src/modules/apt-key.js';
import { planAptRepository, suggestFilename } from '../../src/modules/apt-repository.js';

const LAB = 'deb [trusted=yes] http://10.0.16.10:8880/debian/ ./\n';
const args = (repo: string, extra: object = {}) => ({ repo, state: 'present' as const, update_cache: false, ...extra });

describe('apt_repository: sources files in, files written out', () => {
  test('a new line goes to a file named after its URL, mode 0644', () => {
    const plan = planAptRepository(args('deb http://dl.example.com/linux/deb/ stable main'), new Map([['/etc/apt/sources.list', LAB]]));
    assert.equal(plan.changes.length, 1);
    const write = plan.changes[0];
    assert.equal(write?.kind, 'write');
    if (write?.kind === 'write') {
      assert.equal(write.path, '/etc/apt/sources.list.d/dl_example_com_linux_deb.list');
      assert.equal(write.content.toString(), 'deb http://dl.example.com/linux/deb/ stable main\n');
      assert.equal(write.mode, '0644');
    }
    assert.deepEqual(plan.diff, [{ path: '/etc/apt/sources.list.d/dl_example_com_linux_deb.list', before: '', after: 'deb http://dl.example.com/linux/deb/ stable main\n' }]);
  });

  test('a line already there (any spacing) is no change; a disabled copy is enabled in place', () => {
    assert.deepEqual(planAptRepository(args('deb  [trusted=yes]   http://10.0.16.10:8880/debian/ ./'), new Map([['/etc/apt/sources.list', LAB]])).changes, []);
    const plan = planAptRepository(args('deb http://x/ ./'), new Map([['/etc/apt/sources.list.d/x.list', '# deb http://x/ ./ # was off\n']]));
    assert.deepEqual(plan.diff, [{ path: '/etc/apt/sources.list.d/x.list', before: '# deb http://x/ ./ # was off\n', after: 'deb http://x/ ./ # was off\n' }]);
  });

  test('absent removes enabled copies; a file left empty is deleted; update_cache adds apt-get update', () => {
    const plan = planAptRepository({ ...args('deb http://x/ ./'), state: 'absent', update_cache: true }, new Map([['/etc/apt/sources.list.d/x.list', 'deb http://x/ ./\n'], ['/etc/apt/sources.list', LAB]]));
    assert.deepEqual(plan.changes.map((c) => c.what), ['remove /etc/apt/sources.list.d/x.list', 'apt-get update']);
  });

  test('invalid lines and file names', () => {
    assert.equal(planAptRepository(args('http://x ./'), new Map()).failed, 'Invalid repository string: http://x ./');
    assert.equal(suggestFilename('deb [arch=amd64] https://user:pw@download.docker.com/linux/debian bookworm stable'), 'download_docker_com_linux_debian.list');
    assert.equal(suggestFilename('deb http://x/ ./', 'docker'), 'docker.list');
  });
});

describe('apt_key: key ids', () => {
  test('parse_key_id as Ansible', () => {
    assert.deepEqual(parseKeyId('0x9dc858229fc7dd38854ae2d88d81803c0ebfcd88'), { short: '0EBFCD88', fingerprint: '8D81803C0EBFCD88', keyId: '9DC858229FC7DD38854AE2D88D81803C0EBFCD88' });
    assert.equal(parseKeyId('12345'), undefined);
    assert.equal(parseKeyId('xyz12345'), undefined);
  });
  test('ids in apt-key and gpg listings', () => {
    const listing = 'pub   ed25519/8D81803C0EBFCD88 2026-11-30 [SC]\n      9DC858229FC7DD38854AE2D88D81803C0EBFCD88\nuid   [ unknown] x\npub   rsa1024/0000000011111111 2001-01-01 [SC] [expired: 2002-01-01]\n';
    assert.deepEqual(keysInListing(listing), ['8D81803C0EBFCD88']);
    assert.deepEqual(keysInListing('pub:-:255:22:8D81803C0EBFCD88:1:::::::scSC:::::ed25519:::0:\n', true), ['0EBFCD88']);
  });
});
