import { createHmac } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/** strict: the host must be known; accept-new: remember unknown hosts, refuse changed keys; off: trust any key. */
export type HostKeyPolicy = 'strict' | 'accept-new' | 'off';

interface Entry {
  readonly patterns: string;
  readonly type: string;
  readonly key: string;
  /** Whether a host name matches `patterns`, compiled once (every host of a run is checked against every entry). */
  readonly matches: (name: string) => boolean;
}

/** OpenSSH's name for a host in known_hosts: `addr`, or `[addr]:port` off port 22. */
export function knownHostsName(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

/**
 * known_hosts checking, which ssh2 does not do by itself (it accepts any key when no verifier is
 * set). Plain and hashed (`|1|salt|hmac`) names, comma lists, wildcards and negations.
 */
export class KnownHosts {
  private entries: Entry[] = [];
  /** Each file's size and mtime when read: a file changed during the run (the known_hosts module, a keyscan) is read again, as OpenSSH reads it at every connection. */
  private signature = '';

  constructor(private readonly files: readonly string[]) {
    this.refresh();
  }

  private refresh(): void {
    const signature = this.files.map((file) => {
      const stat = statSync(file, { throwIfNoEntry: false });
      return stat ? `${stat.size}:${stat.mtimeMs}` : '-';
    }).join('|');
    if (signature === this.signature) return;
    this.signature = signature;
    this.entries = [];
    for (const file of this.files) {
      if (!existsSync(file)) continue;
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        const trimmed = line.trim();
        if (!trimmed || trimmed.startsWith('#') || trimmed.startsWith('@')) continue;
        const [patterns = '', type = '', key = ''] = trimmed.split(/\s+/);
        this.entries.push({ patterns, type, key, matches: matcher(patterns) });
      }
    }
  }

  /** Key types known for a host, so the SSH handshake asks for one of those. */
  typesFor(name: string): string[] {
    this.refresh();
    return [...new Set(this.entries.filter((e) => e.matches(name)).map((e) => e.type))];
  }

  /** 'match', 'mismatch' (known with another key: refuse) or 'unknown'. */
  check(name: string, keyBlob: Buffer): 'match' | 'mismatch' | 'unknown' {
    const base64 = keyBlob.toString('base64');
    const type = keyBlob.subarray(4, 4 + keyBlob.readUInt32BE(0)).toString();
    const known = this.entries.filter((e) => e.matches(name));
    if (known.some((e) => e.key === base64)) return 'match';
    return known.some((e) => e.type === type) ? 'mismatch' : 'unknown';
  }

  /** Remembers a new host key (accept-new) in the first known_hosts file. */
  add(name: string, keyBlob: Buffer): void {
    const file = this.files[0];
    if (!file) return;
    const type = keyBlob.subarray(4, 4 + keyBlob.readUInt32BE(0)).toString();
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    appendFileSync(file, `${name} ${type} ${keyBlob.toString('base64')}\n`, { mode: 0o600 });
    this.entries.push({ patterns: name, type, key: keyBlob.toString('base64'), matches: matcher(name) });
  }
}

function matcher(patterns: string): (name: string) => boolean {
  if (patterns.startsWith('|1|')) {
    const [, , salt = '', hash = ''] = patterns.split('|');
    const key = Buffer.from(salt, 'base64');
    return (name) => createHmac('sha1', key).update(name).digest('base64') === hash;
  }
  const terms = patterns.split(',').map((raw) => {
    const negated = raw.startsWith('!');
    const pattern = negated ? raw.slice(1) : raw;
    return { negated, regex: new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`) };
  });
  return (name) => {
    let matched = false;
    for (const { negated, regex } of terms) {
      if (regex.test(name)) {
        if (negated) return false;
        matched = true;
      }
    }
    return matched;
  };
}
