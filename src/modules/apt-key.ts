import { shellQuote } from '../util/shlex.js';
import { defineAction } from './define.js';

/** Ansible's parse_key_id: [short (last 8), fingerprint for comparison (last 16), the id as given (upper case, no 0x)]. */
export function parseKeyId(id: string): { short: string; fingerprint: string; keyId: string } | undefined {
  let key = id.toUpperCase();
  if (key.startsWith('0X')) key = key.slice(2);
  if (!/^[0-9A-F]+$/.test(key)) return undefined;
  if (key.length !== 8 && key.length !== 16 && key.length <= 16) return undefined;
  return { short: key.slice(-8), fingerprint: key.length > 16 ? key.slice(-16) : key, keyId: key };
}

/** Key ids in `apt-key adv --list-public-keys --keyid-format=long` or `gpg --with-colons` output (pub and sub lines, not expired). */
export function keysInListing(output: string, short = false): string[] {
  const found: string[] = [];
  for (const line of output.split('\n')) {
    if (!(line.startsWith('pub') || line.startsWith('sub')) || line.includes('expired')) continue;
    const tokens = line.split(/\s+/);
    const slash = tokens[1]?.split('/');
    if (slash && slash.length === 2 && slash[1]) found.push(slash[1]);
    else {
      const colon = line.split(':')[4];
      if (colon) found.push(colon);
    }
  }
  return short ? found.map((k) => k.slice(-8)) : found;
}

/**
 * Ansible's apt_key through apt-key on the host: the key's id (from `id`, or read by gpg from the
 * data, file or URL, downloaded with the host's curl) compared with apt-key's list, then
 * `apt-key add` (the key bytes as stdin) or `apt-key del`.
 */
export const aptKeyModule = defineAction({
  name: 'apt_key',
  checkMode: "Reads the key's id and apt's keys and reports the change adding or removing would make, without making it.",
  description: "Adds or removes an APT signing key with apt-key (from data, a file on the host or a URL the host downloads), by the key's id.",
  args: {
    args: {
      id: { type: 'str', description: 'The key id (8, 16 or more hex digits); read from the key itself when not given.' },
      data: { type: 'str', description: 'The key itself (armored or binary).' },
      file: { type: 'path', description: 'A key file on the host.' },
      url: { type: 'str', description: 'A URL the host downloads the key from (with curl).' },
      keyring: { type: 'path', description: 'The keyring apt-key uses instead of the default (/etc/apt/trusted.gpg).' },
      state: { type: 'str', choices: ['present', 'absent'], default: 'present', description: 'present: the key is known to apt; absent: it is not.' },
      validate_certs: { type: 'bool', default: true, description: 'Check the HTTPS certificate of url.' },
    },
    mutuallyExclusive: [['data', 'file', 'url']],
    notImplemented: ['keyserver'],
  },
  async run(ctx, args) {
    const keyring = args.keyring !== undefined ? `--keyring ${shellQuote(args.keyring)} ` : '';
    const fetchKey = args.url !== undefined ? `curl -fsSL ${args.validate_certs ? '' : '-k '}-- ${shellQuote(args.url)}` : args.file !== undefined ? `cat -- ${shellQuote(args.file)}` : 'cat';
    const stdin = args.data !== undefined ? args.data : undefined;
    const needsKey = args.id === undefined && (args.url !== undefined || args.file !== undefined || args.data !== undefined);
    const read = [
      'export LANG=C LC_ALL=C',
      ...(needsKey ? [`k=$(mktemp); trap 'rm -f "$k"' EXIT; if ! ${fetchKey} >"$k"; then echo '@@key fetch-failed'; exit 0; fi`, 'echo "@@key colons"; gpg --batch --with-colons --show-keys "$k" 2>/dev/null'] : []),
      `echo "@@key list"; apt-key ${keyring}adv --list-public-keys --keyid-format=long 2>/dev/null`,
    ].join('\n');
    const r = await ctx.exec(read, stdin !== undefined ? { stdin } : {});
    if (/^@@key fetch-failed$/m.test(r.stdout)) return { changed: false, failed: true, msg: args.url !== undefined ? `Failed to download key at ${args.url}: ${r.stderr.trim()}` : `Unable to extract key from '${args.file ?? 'inline data'}'` };
    const colons = /@@key colons\n([\s\S]*?)@@key list/.exec(r.stdout)?.[1] ?? '';
    const listing = r.stdout.slice(r.stdout.indexOf('@@key list') + '@@key list'.length);
    const rawId = args.id ?? keysInListing(colons)[0];
    if (rawId === undefined) return { changed: false, failed: true, msg: needsKey ? `Unable to extract key from '${args.file ?? (args.url ? args.url : 'inline data')}'` : 'key is required to remove a key' };
    const parsed = parseKeyId(rawId);
    const result: Record<string, unknown> = { id: rawId };
    if (!parsed) return { changed: false, failed: true, msg: 'Invalid key_id', data: result };
    Object.assign(result, { short_id: parsed.short, fp: parsed.fingerprint, key_id: parsed.keyId });
    const shortFormat = parsed.keyId.length === 8;
    const keys = keysInListing(listing, shortFormat);
    result['before'] = keys;
    const has = keys.includes(shortFormat ? parsed.short : parsed.fingerprint);
    let action: string | undefined;
    if (args.state === 'present' && !has) {
      if (args.url === undefined && args.file === undefined && args.data === undefined) return { changed: false, failed: true, msg: 'No key to add ... how did i get here?!?!', data: result };
      action = `${fetchKey} | apt-key ${keyring}add - >/dev/null`;
    } else if (args.state === 'absent' && keys.includes(parsed.fingerprint)) {
      action = `apt-key ${keyring}del ${shellQuote(parsed.short)} >/dev/null`;
    }
    if (action === undefined) return { changed: false, data: result };
    if (ctx.check) return { changed: true, data: result };
    const done = await ctx.exec(`export LANG=C LC_ALL=C\n${action} || exit 1\necho "@@key list"; apt-key ${keyring}adv --list-public-keys --keyid-format=long 2>/dev/null`, stdin !== undefined ? { stdin } : {});
    if (done.rc !== 0) return { changed: false, failed: true, msg: args.state === 'present' ? 'Unable to add a key from binary data' : `Unable to remove a key with id ${parsed.short}`, data: { ...result, stderr: done.stderr } };
    const after = keysInListing(done.stdout.slice(done.stdout.indexOf('@@key list')), shortFormat);
    result['after'] = after;
    const hasAfter = after.includes(shortFormat ? parsed.short : parsed.fingerprint);
    if (args.state === 'present' && !hasAfter) return { changed: false, failed: true, msg: 'apt-key did not return an error, but failed to add the key (check that the id is correct and *not* a subkey)', data: result };
    if (args.state === 'absent' && after.includes(parsed.fingerprint)) return { changed: false, failed: true, msg: 'apt-key did not return an error, but the key was not removed (check that the id is correct and *not* a subkey)', data: result };
    return { changed: true, data: result };
  },
});
