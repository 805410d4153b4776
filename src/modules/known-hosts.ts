import { createHmac, randomBytes } from 'node:crypto';
import { shellQuote } from '../util/shlex.js';
import { defineModule } from './define.js';
import type { Fact } from './facts/fact.js';
import { type Change, failure, type Plan } from './plan.js';

interface HostKey {
  readonly options?: string;
  readonly host: string;
  readonly type: string;
  readonly key: string;
}

/** normalize_known_hosts_key: the marker, host field, type and key of a line (the rest dropped). */
export function normalizeHostKey(line: string): HostKey | undefined {
  const k = line.trim().split(/\s+/);
  if (k.length < 3 || k[0] === '') return undefined;
  const [a = '', b = '', c = '', d = ''] = k;
  return a.startsWith('@') ? { options: a, host: b, type: c, key: d } : { host: a, type: b, key: c };
}

/** OpenSSH's pattern match for one host name: `*` and `?` wildcards. */
function matchPattern(pattern: string, host: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return re.test(host);
}

/** Whether a known_hosts host field names this host, as `ssh-keygen -F` decides (hashed `|1|salt|hash` too). */
export function hostFieldMatches(field: string, host: string): boolean {
  if (field.startsWith('|1|')) {
    const [, , salt = '', hash = ''] = field.split('|');
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(host).digest('base64') === hash;
  }
  let matched = false;
  for (const pattern of field.split(',')) {
    if (pattern.startsWith('!')) {
      if (matchPattern(pattern.slice(1), host)) return false;
    } else if (matchPattern(pattern, host)) matched = true;
  }
  return matched;
}

/** hash_host_key: the key line with its host field hashed under a fresh salt. */
export function hashHostKey(host: string, key: string, salt: Buffer = randomBytes(20)): string {
  const parts = key.trim().split(/\s+/);
  const i = parts[0]?.startsWith('@') ? 1 : 0;
  parts[i] = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(host).digest('base64')}`;
  return parts.join(' ');
}

interface Search {
  readonly found: boolean;
  readonly replaceOrAdd: boolean;
  /** 1-based. */
  readonly foundLine?: number;
}

/** search_for_host_key over the file's lines (what ssh-keygen -F finds, in order). */
export function searchHostKey(content: string | undefined, host: string, key: string | undefined): Search {
  if (content === undefined) return { found: false, replaceOrAdd: false };
  const hits: { line: number; text: string }[] = [];
  content.split('\n').forEach((text, i) => {
    const t = text.trim();
    if (t === '' || t.startsWith('#')) return;
    const k = normalizeHostKey(t);
    if (k && hostFieldMatches(k.host, host)) hits.push({ line: i + 1, text: t });
  });
  if (hits.length === 0) return { found: false, replaceOrAdd: false };
  if (!key) return { found: true, replaceOrAdd: false };
  const wanted = normalizeHostKey(key);
  for (const hit of hits) {
    const found = normalizeHostKey(hit.text);
    if (!wanted || !found) continue;
    const want = wanted.host.startsWith('|1|') && found.host.startsWith('|1|') ? { ...wanted, host: found.host } : wanted;
    if (JSON.stringify(want) === JSON.stringify(found)) return { found: true, replaceOrAdd: false, foundLine: hit.line };
    if (want.type === found.type) return { found: true, replaceOrAdd: true, foundLine: hit.line };
  }
  return { found: true, replaceOrAdd: true };
}

export interface KnownHostsFile {
  readonly path: string;
  readonly content?: string;
}

function knownHostsFact(path: string | undefined): Fact<KnownHostsFile> {
  return {
    key: `known_hosts ${path ?? '~'}`,
    command: [
      path !== undefined ? `f=${shellQuote(path)}` : 'f="$HOME/.ssh/known_hosts"',
      'printf \'path \'; printf %s "$f" | base64 -w0; echo',
      'if [ -f "$f" ]; then printf \'content \'; base64 -w0 < "$f"; echo; fi',
    ].join('\n'),
    parse(output) {
      const line = (w: string): string | undefined => output.split('\n').find((l) => l.startsWith(`${w} `) || l === w)?.slice(w.length + 1);
      const content = line('content');
      return { path: Buffer.from(line('path') ?? '', 'base64').toString('utf8'), ...(content !== undefined ? { content: Buffer.from(content, 'base64').toString('utf8') } : {}) };
    },
  };
}

const linesOf = (text: string): string[] => text.match(/[^\n]*\n|[^\n]+$/g) ?? [];

/** Ansible's known_hosts: one host's key in a known_hosts file (hashed or not), or the host's keys out of it. */
export const knownHostsModule = defineModule({
  name: 'known_hosts',
  description: 'Adds, replaces or removes a host\'s key in a known_hosts file (by default ~/.ssh/known_hosts of the user the task runs as).',
  args: {
    args: {
      name: { type: 'str', required: true, aliases: ['host'], description: 'The host (one name; [host]:port for another port).' },
      key: { type: 'str', description: 'The known_hosts line: host field, key type, key. Required with state=present.' },
      path: { type: 'path', description: 'The known_hosts file; by default ~/.ssh/known_hosts of the remote user.' },
      hash_host: { type: 'bool', default: false, description: 'Write the host field hashed.' },
      state: { type: 'str', choices: ['present', 'absent'], default: 'present', description: 'Whether the key (or, absent without key, every key of the host) must be in the file.' },
    },
  },
  facts: (args) => ({ file: knownHostsFact(args.path) }),
  plan(args, facts): Plan {
    const host = args.name.toLowerCase();
    const file = facts.file;
    const path = file.path;
    const result = { name: args.name, key: args.key ?? null, path, hash_host: args.hash_host, state: args.state };
    if (!args.key && args.state !== 'absent') return failure('No key specified when adding a host', result);
    if (/\S+(\s+)?,(\s+)?/.test(host)) return failure('Comma separated list of names is not supported. Please pass a single name to lookup in the known_hosts file.', result);
    let key = args.key ? (args.hash_host ? hashHostKey(host, args.key) : args.key) : undefined;
    if (key !== undefined && !key.endsWith('\n')) key += '\n';
    if (key !== undefined) {
      const own = normalizeHostKey(key);
      if (!own || !hostFieldMatches(own.host, host)) return failure('Host parameter does not match hashed host field in supplied key', result);
    }
    const search = searchHostKey(file.content, host, key);
    const before = file.content ?? '';
    const lines = linesOf(before);
    const after = [...lines];
    if ((search.replaceOrAdd || args.state === 'absent') && search.foundLine !== undefined && search.foundLine <= lines.length) after.splice(search.foundLine - 1, 1);
    if (args.state === 'present' && key !== undefined && (search.replaceOrAdd || search.foundLine === undefined)) after.push(key);
    const diffOf = (text: string) => [{ path, before, after: text }];
    if (args.state === 'absent' && search.foundLine === undefined && key) return { changes: [], result: { ...result, diff: { before_header: file.content === undefined ? '/dev/null' : path, after_header: path, before, after: after.join('') } } };
    const changes: Change[] = [];
    let text = after.join('');
    if (search.found && !key && args.state === 'absent') {
      // ssh-keygen -R: every line of the host goes, the old file is kept as path.old.
      text = lines.filter((l) => !(l.trim() && !l.trim().startsWith('#') && hostFieldMatches(normalizeHostKey(l)?.host ?? '', host))).join('');
      changes.push({ kind: 'script', what: `keep ${path}.old`, script: `cp -p -- ${shellQuote(path)} ${shellQuote(`${path}.old`)}` });
    }
    if (search.replaceOrAdd || search.found !== (args.state === 'present')) {
      changes.push({ kind: 'write', what: `write ${path}`, path, content: Buffer.from(text) });
    }
    return { changes, result: { ...result, diff: { before_header: file.content === undefined ? '/dev/null' : path, after_header: path, before, after: text } }, ...(changes.length ? { diff: diffOf(text) } : {}) };
  },
});
