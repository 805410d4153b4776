import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { KnownHosts, knownHostsName } from '../../src/connection/known-hosts.js';

function keyBlob(type: string, body: string): Buffer {
  const t = Buffer.from(type);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(t.length);
  return Buffer.concat([len, t, Buffer.from(body)]);
}

describe('known_hosts', () => {
  const key = keyBlob('ssh-ed25519', 'good-key-bytes');
  const other = keyBlob('ssh-ed25519', 'evil-key-bytes');
  const dir = mkdtempSync(join(tmpdir(), 'provision-kh-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const salt = randomBytes(20);
  const hashed = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update('10.0.15.11').digest('base64')}`;
  const file = join(dir, 'known_hosts');
  writeFileSync(file, `# comment\nmgmt,10.0.15.10 ssh-ed25519 ${key.toString('base64')}\n${hashed} ssh-ed25519 ${key.toString('base64')}\n[10.0.15.12]:2222 ssh-ed25519 ${key.toString('base64')}\n`);
  const kh = new KnownHosts([file]);

  test('plain, hashed and [host]:port entries match; another key is a mismatch; a stranger is unknown', () => {
    assert.equal(kh.check('10.0.15.10', key), 'match');
    assert.equal(kh.check('10.0.15.11', key), 'match');
    assert.equal(kh.check(knownHostsName('10.0.15.12', 2222), key), 'match');
    assert.equal(kh.check('10.0.15.12', key), 'unknown');
    assert.equal(kh.check('10.0.15.10', other), 'mismatch');
    assert.equal(kh.check('10.0.15.99', key), 'unknown');
    assert.deepEqual(kh.typesFor('10.0.15.11'), ['ssh-ed25519']);
  });
  test('accept-new appends the new host', () => {
    kh.add('10.0.15.99', other);
    assert.equal(kh.check('10.0.15.99', other), 'match');
    assert.match(readFileSync(file, 'utf8'), /^10\.0\.15\.99 ssh-ed25519 /m);
  });
});

describe('known_hosts changed during a run', () => {
  test('is read again at the next connection, as OpenSSH reads it every time', () => {
    const dir = mkdtempSync(join(tmpdir(), 'provision-kh-'));
    try {
      const file = join(dir, 'known_hosts');
      const known = new KnownHosts([file]);
      assert.deepEqual(known.typesFor('10.0.15.11'), []);
      writeFileSync(file, '10.0.15.11 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA==\n');
      assert.deepEqual(known.typesFor('10.0.15.11'), ['ssh-ed25519']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
