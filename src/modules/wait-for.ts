import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError } from '../errors.js';
import { shellQuote } from '../util/shlex.js';
import { defineAction } from './define.js';
import { pythonRegex } from './python-regex.js';

const STATES = ['started', 'stopped', 'present', 'absent'] as const;

interface WaitForArgs {
  readonly host: string;
  readonly port?: number | undefined;
  readonly path?: string | undefined;
  readonly connect_timeout: number;
}

/**
 * One look at the host: whether the port takes a connection (bash's /dev/tcp, else nc) and what
 * it sends first, or whether the path exists and its content (base64, only when a regex needs it).
 */
export function probeScript(args: WaitForArgs, wantContent: boolean): string {
  const t = Math.max(1, args.connect_timeout);
  if (args.port !== undefined) {
    const hp = `${shellQuote(args.host)} ${shellQuote(String(args.port))}`;
    const read = wantContent ? '; timeout 1 cat <&3 | head -c 65536 | base64 -w0; echo' : '';
    return [
      'if command -v bash >/dev/null 2>&1; then',
      `  if out=$(timeout ${t} bash -c 'exec 3<>"/dev/tcp/$0/$1" || exit 1; echo open${read.replace(/'/g, "'\\''")}' ${hp} 2>/dev/null); then echo "$out"; else echo closed; fi`,
      'elif command -v nc >/dev/null 2>&1; then',
      `  if nc -z -w ${t} ${hp} 2>/dev/null; then echo open; else echo closed; fi`,
      "else echo 'notool'; fi",
    ].join('\n');
  }
  const p = shellQuote(args.path ?? '');
  return `if [ -e ${p} ]; then echo present;${wantContent ? ` base64 -w0 < ${p} 2>/dev/null; echo;` : ''} else echo absent; fi`;
}

/** Ansible's wait_for: a port that opens or closes, a path that appears (with text in it) or goes, within timeout. */
export const waitForModule = defineAction({
  name: 'wait_for',
  checkMode: 'Skipped, as Ansible does (its wait_for does not support check mode).',
  description: 'Waits, on the host, until a TCP port accepts connections (or stops), or a file exists (or contains a regex match, or is gone), within a timeout; or simply sleeps for timeout.',
  args: {
    args: {
      host: { type: 'str', default: '127.0.0.1', description: 'The address whose port is checked (from the host).' },
      port: { type: 'int', description: 'The TCP port to wait for.' },
      path: { type: 'path', description: 'The file to wait for.' },
      state: { type: 'str', choices: STATES, default: 'started', description: 'started/present: until the port opens or the path exists; stopped: the port closes; absent: the path is gone.' },
      search_regex: { type: 'str', description: 'A Python regex the file (or what the port sends first) must match.' },
      timeout: { type: 'int', default: 300, description: 'Seconds to wait at most (the whole wait, when neither port nor path is given).' },
      delay: { type: 'int', default: 0, description: 'Seconds before the first check.' },
      sleep: { type: 'int', default: 1, description: 'Seconds between checks.' },
      connect_timeout: { type: 'int', default: 5, description: 'Seconds one connection attempt may take.' },
      msg: { type: 'str', description: 'The failure message instead of the default one.' },
    },
    mutuallyExclusive: [['port', 'path']],
    notImplemented: ['exclude_hosts', 'active_connection_states'],
  },
  validate(args, context) {
    if (args['state'] === 'stopped' && args['path'] !== undefined) throw new ConfigError('wait_for: state=stopped should only be used for checking a port in the wait_for module', context.at);
    const re = args['search_regex'];
    if (typeof re === 'string' && !re.includes('{{')) {
      try {
        pythonRegex(re);
      } catch (err) {
        throw new ConfigError(`wait_for: Invalid regular expression: ${(err as Error).message}`, context.at);
      }
    }
  },
  async run(ctx, args) {
    if (ctx.check) return { changed: false, skipped: true, msg: 'remote module (wait_for) does not support check mode' };
    const started = Date.now();
    const elapsed = (): number => Math.floor((Date.now() - started) / 1000);
    const end = started + args.timeout * 1000;
    const base = { state: args.state, port: args.port ?? null, path: args.path ?? null, search_regex: args.search_regex ?? null };
    if (args.delay > 0) await sleep(args.delay * 1000);
    if (args.port === undefined && args.path === undefined) {
      await sleep(args.timeout * 1000);
      return { changed: false, data: { ...base, match_groups: [], match_groupdict: {}, elapsed: elapsed() } };
    }
    const regex = args.search_regex !== undefined ? pythonRegex(args.search_regex) : undefined;
    const waitGone = args.state === 'stopped' || args.state === 'absent';
    const script = probeScript(args, regex !== undefined && !waitGone);
    for (;;) {
      const checked = await ctx.exec(script);
      // A probe that fails is an error, never read as "absent" or "stopped".
      if (checked.rc !== 0) return { changed: false, failed: true, msg: `checking the host failed: ${checked.stderr.trim() || `exit ${checked.rc}`}`, data: { elapsed: elapsed() } };
      const r = checked.stdout.trim();
      const [state = '', encoded = ''] = r.split('\n');
      if (state === 'notool') return { changed: false, failed: true, msg: 'wait_for needs bash or nc on the host to check a port', data: { elapsed: elapsed() } };
      const up = state === 'open' || state === 'present';
      if (waitGone && !up) return { changed: false, data: { ...base, match_groups: [], match_groupdict: {}, elapsed: elapsed() } };
      if (!waitGone && up) {
        if (!regex) return { changed: false, data: { ...base, match_groups: [], match_groupdict: {}, elapsed: elapsed() } };
        const m = regex.exec(Buffer.from(encoded, 'base64').toString('utf8'));
        if (m) return { changed: false, data: { ...base, match_groups: m.slice(1), match_groupdict: { ...m.groups }, elapsed: elapsed() } };
      }
      if (Date.now() + args.sleep * 1000 > end) break;
      await sleep(args.sleep * 1000);
    }
    const where = args.port !== undefined ? `${args.host}:${args.port}` : (args.path ?? '');
    const msg = args.msg ?? (args.state === 'stopped' ? `Timeout when waiting for ${where} to stop.` : args.state === 'absent' ? `Timeout when waiting for ${where} to be absent.` : regex ? `Timeout when waiting for search string ${args.search_regex ?? ''} in ${where}` : args.port !== undefined ? `Timeout when waiting for ${where}` : `Timeout when waiting for file ${where}`);
    return { changed: false, failed: true, msg, data: { elapsed: elapsed() } };
  },
});
