import { shellJoin, shellQuote } from '../util/shlex.js';
import { checkRequestArgs, curlValue, requestProblem } from './get-url.js';
import type { Vars } from '../util/data.js';
import { defineAction } from './define.js';
import { pythonJsonDumps } from './python-json.js';
import type { ModuleResult } from './types.js';

const JSON_TYPES = ['json', 'javascript'];

/** Python's urlencode of a mapping (form-urlencoded bodies). */
function formUrlencoded(body: unknown): string {
  if (typeof body === 'string') return body;
  const pairs = Array.isArray(body) ? (body as [unknown, unknown][]) : Object.entries(body as Record<string, unknown>);
  return pairs.map(([k, v]) => `${encodeURIComponent(String(k)).replace(/%20/g, '+')}=${encodeURIComponent(String(v)).replace(/%20/g, '+')}`).join('&');
}

/** The last response's status line and headers from curl's -D output (one block per redirect). */
export function parseHeaders(text: string): { reason: string; headers: Record<string, string> } {
  const blocks = text.split(/\r?\n\r?\n/).filter((b) => b.trim() !== '');
  const last = (blocks[blocks.length - 1] ?? '').split(/\r?\n/);
  const status = last[0] ?? '';
  const reason = status.replace(/^HTTP\/[\d.]+ \d+ ?/, '');
  const headers: Record<string, string> = {};
  for (const line of last.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase().replace(/-/g, '_')] = line.slice(colon + 1).trim();
  }
  return { reason, headers };
}

/**
 * The request with the host's curl: the body as stdin (never in argv), the response's headers and
 * body back base64-encoded, curl's exit and error for a request that got no response.
 */
function curlScript(argv: readonly string[]): string {
  return [
    'command -v curl >/dev/null 2>&1 || { echo "uri needs curl on the host" >&2; exit 127; }',
    'd=$(mktemp -d) || exit 1',
    'trap \'rm -rf -- "$d"\' EXIT',
    `w=$(${shellJoin(argv)} -D "$d/h" -o "$d/b" -w '%{http_code} %{url_effective}' 2>"$d/e"); r=$?`,
    'echo "rc $r"',
    'echo "w $w"',
    'printf "h "; base64 -w0 < "$d/h" 2>/dev/null; echo',
    'printf "b "; base64 -w0 < "$d/b" 2>/dev/null; echo',
    'printf "e "; base64 -w0 < "$d/e"; echo',
  ].join('\n');
}

/** Ansible's uri: an HTTP request from the host (with its curl), the response's status, headers and content. */
export const uriModule = defineAction({
  name: 'uri',
  description: 'Makes an HTTP request from the host (with its curl) and returns the status, headers and, with return_content or a JSON response, the body; fails on a status not in status_code.',
  checkMode: 'Skipped ("remote module (uri) does not support check mode"), as Ansible does.',
  args: {
    args: {
      url: { type: 'str', required: true, description: 'The URL (http or https).' },
      method: { type: 'str', default: 'GET', description: 'The HTTP method, one word in uppercase.' },
      body: { type: 'raw', description: 'The request body; with body_format json a mapping or list is sent as JSON.' },
      body_format: { type: 'str', choices: ['raw', 'json', 'form-urlencoded'], default: 'raw', description: 'How body is encoded (json and form-urlencoded also set Content-Type).' },
      headers: { type: 'dict', default: {}, description: 'Request headers.' },
      status_code: { type: 'list', default: [200], description: 'The statuses that mean success.' },
      return_content: { type: 'bool', default: false, description: 'Return the body as `content` (a JSON body is always returned as `json`).' },
      timeout: { type: 'int', default: 30, description: 'Seconds before the request fails.' },
      follow_redirects: { type: 'str', choices: ['all', 'no', 'none', 'safe', 'urllib2', 'yes'], default: 'safe', description: 'safe: follow redirects of GET and HEAD only; all/yes: all; none/no: none.' },
      validate_certs: { type: 'bool', default: true, description: 'Check the server\'s TLS certificate.' },
      url_username: { type: 'str', aliases: ['user'], description: 'Basic auth user.' },
      url_password: { type: 'str', aliases: ['password'], description: 'Basic auth password (given to curl as data, never on its command line).' },
      force_basic_auth: { type: 'bool', default: false, description: 'Accepted: curl sends basic auth at once.' },
      creates: { type: 'path', description: 'Skip the request when this path exists on the host.' },
      removes: { type: 'path', description: 'Skip the request when this path does not exist on the host.' },
    },
    notImplemented: ['dest', 'src', 'unix_socket', 'remote_src', 'ca_path', 'unredirected_headers', 'decompress', 'ciphers', 'use_netrc', 'client_cert', 'client_key', 'http_agent', 'use_proxy', 'use_gssapi', 'mode', 'owner', 'group'],
  },
  validate(args, context) {
    checkRequestArgs('uri', args, context.at);
  },
  async run(ctx, args): Promise<ModuleResult> {
    if (ctx.check) return { changed: false, skipped: true, msg: 'remote module (uri) does not support check mode' };
    const method = args.method.toUpperCase();
    if (!/^[A-Z]+$/.test(method)) return { changed: false, failed: true, msg: "Parameter 'method' needs to be a single word in uppercase, like GET or POST." };
    const headers: Record<string, string> = Object.fromEntries(Object.entries(args.headers).map(([k, v]) => [k, String(v)]));
    let body: string | undefined;
    if (args.body !== undefined && args.body !== null) {
      if (args.body_format === 'json') {
        body = typeof args.body === 'string' ? args.body : pythonJsonDumps(args.body);
        if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
      } else if (args.body_format === 'form-urlencoded') {
        body = formUrlencoded(args.body);
        if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/x-www-form-urlencoded';
      } else body = String(args.body);
    }
    if (args.creates !== undefined || args.removes !== undefined) {
      const r = await ctx.exec(`${args.creates !== undefined ? `[ -e ${shellQuote(args.creates)} ] && echo creates; ` : ''}${args.removes !== undefined ? `[ -e ${shellQuote(args.removes)} ] || echo removes; ` : ''}:`);
      if (r.stdout.includes('creates')) return { changed: false, data: { stdout: `skipped, since '${args.creates}' exists` } };
      if (r.stdout.includes('removes')) return { changed: false, data: { stdout: `skipped, since '${args.removes}' does not exist` } };
    }
    const follow = args.follow_redirects === 'all' || args.follow_redirects === 'yes' || ((args.follow_redirects === 'safe' || args.follow_redirects === 'urllib2') && (method === 'GET' || method === 'HEAD'));
    // The URL, headers and credentials (any of them may hold a secret: a token, user:password@) and
    // the body travel on stdin: curl reads its options from a config on fd 3 and the body from the rest.
    const problem = requestProblem(args.url, headers);
    if (problem) return { changed: false, failed: true, msg: problem };
    const config: string[] = [`url = ${curlValue(args.url)}`, ...Object.entries(headers).map(([k, v]) => `header = ${curlValue(`${k}: ${v}`)}`)];
    if (args.url_username !== undefined) config.push(`user = ${curlValue(`${args.url_username}:${args.url_password ?? ''}`)}`);
    const argv = ['curl', '-sS', '-X', method, '--max-time', String(args.timeout), ...(follow ? ['-L'] : []), ...(args.validate_certs ? [] : ['-k']), ...(method === 'HEAD' ? ['-I'] : []), '-K', '/dev/fd/3'];
    const stdin = config.join('\n');
    if (body !== undefined) argv.push('--data-binary', '@-');
    const started = Date.now();
    // The config first (its length known), then the body: two parts of one stdin.
    const script = `IFS= read -r cfg; exec 3<<EOF\n$(printf '%s' "$cfg" | base64 -d)\nEOF\n${curlScript(argv)}`;
    const input = `${Buffer.from(stdin).toString('base64')}\n${body ?? ''}`;
    const r = await ctx.exec(script, { stdin: input });
    const elapsed = Math.floor((Date.now() - started) / 1000);
    if (r.rc !== 0) return { changed: false, failed: true, msg: r.stderr.trim() || `exit ${r.rc}` };
    const field = (w: string): string => r.stdout.split('\n').find((l) => l.startsWith(`${w} `))?.slice(w.length + 1) ?? '';
    const b64 = (w: string): Buffer => Buffer.from(field(w).trim(), 'base64');
    const curlRc = Number(field('rc'));
    const [code = '0', ...urlParts] = field('w').split(' ');
    const finalUrl = urlParts.join(' ') || args.url;
    const statusCodes = args.status_code.map(Number);
    if (curlRc !== 0 && Number(code) === 0) {
      const data: Vars = { status: -1, url: args.url, redirected: false, elapsed, changed: false };
      return { changed: false, failed: true, msg: `Status code was -1 and not ${pyList(statusCodes)}: Request failed: ${b64('e').toString('utf8').trim()}`, data };
    }
    const status = Number(code);
    const { reason, headers: respHeaders } = parseHeaders(b64('h').toString('latin1'));
    const content = b64('b');
    const contentType = respHeaders['content_type'] ?? 'application/octet-stream';
    const subType = (contentType.split(';')[0] ?? '').split('/')[1] ?? '';
    const suffix = subType.includes('+') ? subType.split('+')[1] ?? '' : subType;
    const maybeJson = JSON_TYPES.includes(suffix.toLowerCase());
    const ok = statusCodes.includes(status);
    const data: Vars = {
      redirected: finalUrl !== args.url,
      url: finalUrl,
      ...respHeaders,
      status,
      elapsed,
      changed: false,
      cookies_string: '',
      cookies: {},
      msg: status >= 400 ? `HTTP Error ${status}: ${reason}` : `OK (${respHeaders['content_length'] ?? 'unknown'} bytes)`,
    };
    if (respHeaders['location'] !== undefined) data['location'] = new URL(respHeaders['location'], args.url).toString();
    const text = content.toString('utf8');
    if (maybeJson) {
      try {
        data['json'] = JSON.parse(text);
      } catch {
        // Not JSON after all: left out, as Ansible does.
      }
    }
    if (args.return_content || (!ok && args.return_content)) data['content'] = text;
    if (!ok) return { changed: false, failed: true, msg: `Status code was ${status} and not ${pyList(statusCodes)}: ${String(data['msg'])}`, data };
    const { msg, ...rest } = data;
    return { changed: false, msg: String(msg), data: rest };
  },
});

const pyList = (l: readonly number[]): string => `[${l.join(', ')}]`;
