import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The identity files OpenSSH tries when none is given (ssh_config's IdentityFile default), in its order. */
const DEFAULT_IDENTITIES = ['id_rsa', 'id_ecdsa', 'id_ed25519'];

/**
 * The private key OpenSSH (and so ansible-playbook) would offer without `-i`: the first of
 * ~/.ssh/id_rsa, id_ecdsa, id_ed25519 that exists and needs no passphrase. A key with a
 * passphrase is skipped (there is no one to ask; an ssh-agent holding it is used instead).
 */
export function defaultIdentity(home = homedir()): string | undefined {
  for (const name of DEFAULT_IDENTITIES) {
    let text: string;
    try {
      text = readFileSync(join(home, '.ssh', name), 'utf8');
    } catch {
      continue;
    }
    if (!isEncrypted(text)) return text;
  }
  return undefined;
}

/** Whether a PEM or OpenSSH-format private key is protected by a passphrase. */
export function isEncrypted(text: string): boolean {
  if (/^Proc-Type:\s*4,ENCRYPTED/m.test(text) || text.includes('BEGIN ENCRYPTED PRIVATE KEY')) return true;
  const body = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/.exec(text)?.[1];
  if (body === undefined) return false;
  // openssh-key-v1\0, then the cipher's name as a length-prefixed string: "none" when unprotected.
  const bytes = Buffer.from(body.replace(/\s+/g, ''), 'base64');
  const magic = 'openssh-key-v1\0';
  if (bytes.subarray(0, magic.length).toString('latin1') !== magic || bytes.length < magic.length + 4) return true;
  const length = bytes.readUInt32BE(magic.length);
  return bytes.subarray(magic.length + 4, magic.length + 4 + length).toString('latin1') !== 'none';
}
