import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { defaultIdentity, isEncrypted } from '../../src/connection/default-identity.js';

describe('default identity: the key OpenSSH offers without -i', () => {
  const home = mkdtempSync(join(tmpdir(), 'provision-identity-'));
  mkdirSync(join(home, '.ssh'));
  after(() => rmSync(home, { recursive: true, force: true }));
  const keygen = (name: string, passphrase: string, type = 'ed25519'): string => {
    execFileSync('ssh-keygen', ['-q', '-t', type, '-N', passphrase, '-f', join(home, '.ssh', name)]);
    return join(home, '.ssh', name);
  };

  test('none there: undefined', () => {
    assert.equal(defaultIdentity(home), undefined);
  });
  test('a key with a passphrase is skipped; the next unprotected one in OpenSSH order is used', () => {
    keygen('id_rsa', 'secret words', 'rsa');
    assert.equal(defaultIdentity(home), undefined);
    keygen('id_ed25519', '');
    assert.match(defaultIdentity(home) ?? '', /BEGIN OPENSSH PRIVATE KEY/);
    rmSync(join(home, '.ssh', 'id_rsa'));
    keygen('id_rsa', '', 'rsa');
    const chosen = defaultIdentity(home) ?? '';
    assert.equal(chosen, execFileSync('cat', [join(home, '.ssh', 'id_rsa')]).toString());
  });
  test('PEM keys: encrypted or not', () => {
    assert.equal(isEncrypted('-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nxx\n-----END RSA PRIVATE KEY-----\n'), true);
    assert.equal(isEncrypted('-----BEGIN RSA PRIVATE KEY-----\nMIIx\n-----END RSA PRIVATE KEY-----\n'), false);
  });
});
