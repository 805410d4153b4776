import { posix } from 'node:path';
import { attributeCommands } from '../connection/file-transfer.js';
import { ConfigError, type SourcePosition } from '../errors.js';
import { hasTemplate } from '../template/templar.js';
import { isPlainObject } from '../util/data.js';
import { shellQuote } from '../util/shlex.js';
import { defineAction } from './define.js';
import type { Fact } from './facts/fact.js';
import { type FileState, fileFact } from './facts/file.js';
import { attributeChanges, hasChanges, wantedAttributes } from './file-attributes.js';
import { resolveMode } from './file-mode.js';
import { FILE_ATTRIBUTE_ARGS } from './schema.js';

const ALGORITHMS = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'] as const;
type Algorithm = (typeof ALGORITHMS)[number];

/** `sha256:abc…` as Ansible reads it: the algorithm, then the hex digest with non-word characters dropped, lower case. */
export function parseChecksum(text: string): { algorithm: Algorithm; digest: string } | string {
  const colon = text.indexOf(':');
  if (colon < 0) return 'The checksum parameter has to be in format <algorithm>:<checksum>';
  const algorithm = text.slice(0, colon) as Algorithm;
  const rest = text.slice(colon + 1);
  if (/^[a-z]+:\/\//i.test(rest)) return 'a checksum read from a URL is not implemented by provision: give the digest itself';
  if (!ALGORITHMS.includes(algorithm)) return `checksum algorithm ${algorithm} is not one of ${ALGORITHMS.join(', ')}`;
  const digest = rest.replace(/\W+/g, '').toLowerCase();
  if (!/^[0-9a-f]+$/.test(digest)) return 'The checksum format is invalid';
  return { algorithm, digest };
}

/** The file name a URL gives (its path's last part), as Ansible's url_filename; index.html for none. */
export function urlFilename(url: string): string {
  let path = url;
  try {
    path = new URL(url).pathname;
  } catch {
    // Not a URL Node parses: take the text after the last slash.
  }
  const name = decodeURIComponent(posix.basename(path));
  return name === '' ? 'index.html' : name;
}

/** The digest of a regular file at the path, and at the URL's file name inside it (dest a directory). */
function digestFact(dest: string, filename: string, algorithm: Algorithm): Fact<Record<string, string>> {
  return {
    key: `digest ${algorithm} ${dest} ${filename}`,
    command: `for p in ${shellQuote(dest)} ${shellQuote(posix.join(dest, filename))}; do if [ -f "$p" ]; then printf '%s ' "$(printf '%s' "$p" | base64 -w0)"; ${algorithm}sum <"$p" | cut -d' ' -f1; fi; done`,
    parse: (output) => Object.fromEntries(output.split('\n').filter((l) => l.includes(' ')).map((l) => [Buffer.from(l.slice(0, l.indexOf(' ')), 'base64').toString('utf8'), l.slice(l.indexOf(' ') + 1).trim()])),
  };
}

/**
 * A URL or header that would change the request's shape (a line break starts another header or
 * config line; a NUL ends the text): refused, as Python's http.client refuses such headers.
 */
export function requestProblem(url: string, headers: Readonly<Record<string, unknown>> | undefined): string | undefined {
  // eslint-disable-next-line no-control-regex
  const control = /[\0-\x1f\x7f]/;
  // The URL is not quoted back: it may hold a user's password.
  if (control.test(url)) return 'the URL holds a control character (line break, NUL, tab)';
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) return `invalid header name ${JSON.stringify(name)}`;
    // eslint-disable-next-line no-control-regex
    if (/[\0\r\n]/.test(String(value))) return `Invalid header value for ${name}: it holds a line break or NUL`;
  }
  return undefined;
}

/** requestProblem for the url and headers given as they are (templated ones are checked when they render), before the first connection. */
export function checkRequestArgs(module: string, args: Readonly<Record<string, unknown>>, at: SourcePosition): void {
  const url = args['url'];
  const headers = args['headers'];
  const literal = (v: unknown): v is string => typeof v === 'string' && !hasTemplate(v);
  const problem = requestProblem(literal(url) ? url : '', isPlainObject(headers) ? Object.fromEntries(Object.entries(headers).filter(([k, v]) => !hasTemplate(k) && (literal(v) || typeof v !== 'string'))) : undefined);
  if (problem) throw new ConfigError(`${module}: ${problem}`, at);
}

/** A value for curl's config file (given on stdin): double-quoted, backslash and quote escaped. */
export const curlValue = (text: string): string => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

function markers(output: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of output.matchAll(/^@@get (\S+)(?: (.*))?$/gm)) out.set(m[1] ?? '', m[2] ?? '');
  return out;
}

/**
 * Ansible's get_url, downloading on the host with its curl (or wget): to a temp file beside
 * dest, verified against the checksum, then renamed over dest only when the content differs.
 * With a checksum that dest already has (and no force), nothing is downloaded.
 */
export const getUrlModule = defineAction({
  name: 'get_url',
  checkMode: 'Downloads to a temp file and compares (then removes it), so it predicts exactly whether the real run changes dest; with a matching checksum nothing is downloaded. (Ansible sends a HEAD request and reports a change unless the checksum matches.)',
  description: "Downloads a file over HTTP(S) on the host (with the host's curl, else wget) to a temp file beside dest, checks it, then renames it over dest; idempotent by checksum without downloading, else by content.",
  args: {
    args: {
      url: { type: 'str', required: true, description: 'HTTP, HTTPS or FTP URL.' },
      dest: { type: 'path', required: true, description: 'Where the file goes; a directory: the file is named after the URL.' },
      checksum: { type: 'str', default: '', description: '`algorithm:digest` (sha256:…, sha1, md5, sha224, sha384, sha512): the download must have it; when dest has it already, nothing is downloaded.' },
      force: { type: 'bool', default: false, aliases: ['thirsty'], description: 'Download even when dest has the checksum (the file is still replaced only if its content differs).' },
      timeout: { type: 'int', default: 10, description: 'Seconds to connect, and seconds a transfer may stall, before the request fails.' },
      headers: { type: 'dict', description: 'HTTP request headers (given to curl or wget on its stdin, never in its arguments); a line break or NUL in one is refused.' },
      validate_certs: { type: 'bool', default: true, description: 'Check the server certificate for HTTPS.' },
      use_proxy: { type: 'bool', default: true, description: "Use the host's proxy environment variables." },
      ...FILE_ATTRIBUTE_ARGS,
    },
    notImplemented: ['backup', 'tmp_dest', 'url_username', 'username', 'url_password', 'password', 'force_basic_auth', 'client_cert', 'client_key', 'http_agent', 'unredirected_headers', 'decompress', 'ciphers', 'use_netrc', 'use_gssapi', 'sha256sum', 'attributes', 'attr', 'seuser', 'serole', 'setype', 'selevel', 'unsafe_writes'],
  },
  validate(args, context) {
    checkRequestArgs('get_url', args, context.at);
    const checksum = args['checksum'];
    if (typeof checksum === 'string' && checksum !== '' && !hasTemplate(checksum)) {
      const parsed = parseChecksum(checksum);
      if (typeof parsed === 'string') throw new ConfigError(`get_url: ${parsed}`, context.at);
    }
  },
  facts(args) {
    const filename = urlFilename(args.url);
    const parsed = args.checksum ? parseChecksum(args.checksum) : undefined;
    return {
      dest: fileFact(args.dest, { attributes: true, follow: true, child: filename }),
      digest: parsed && typeof parsed !== 'string' ? digestFact(args.dest, filename, parsed.algorithm) : undefined,
    };
  },
  async run(ctx, args, facts) {
    const parsed = args.checksum ? parseChecksum(args.checksum) : undefined;
    const base = { dest: args.dest, url: args.url, checksum_dest: null, checksum_src: null, elapsed: 0 };
    if (typeof parsed === 'string') return { changed: false, failed: true, msg: parsed, data: base };
    const destState = facts.dest.type === 'link' && facts.dest.resolved ? facts.dest.resolved : facts.dest;
    const isDir = destState.type === 'directory';
    const final = isDir ? posix.join(args.dest, urlFilename(args.url)) : args.dest;
    const current: FileState = isDir ? (destState.child ?? { path: final, type: 'absent' }) : destState;
    const want = wantedAttributes(args);
    const result = { ...base, dest: final };
    const q = shellQuote(final);

    // The checksum dest has already: no download, only its attributes.
    if (current.type !== 'absent' && !args.force && parsed && facts.digest?.[final] === parsed.digest) {
      const attrs = attributeChanges(current, want);
      if (!hasChanges(attrs)) return { changed: false, msg: 'file already exists', data: result };
      if (!ctx.check) {
        const r = await ctx.exec(attributeCommands(q, attrs).join('\n'));
        if (r.rc !== 0) return { changed: false, failed: true, msg: r.stderr.trim(), data: result };
      }
      return { changed: true, msg: 'file already exists but file attributes changed', data: result };
    }

    const newBase = current.type === 'file' ? current : { type: 'file' as const, mode: 0o644 };
    const onTemp = { ...(want.mode !== undefined ? { mode: resolveMode(want.mode, newBase.mode ?? 0o644, false) } : {}), ...(want.owner !== undefined ? { owner: want.owner } : {}), ...(want.group !== undefined ? { group: want.group } : {}) };
    const attrsIfKept = current.type === 'file' ? attributeChanges(current, want) : {};
    const problem = requestProblem(args.url, args.headers);
    if (problem) return { changed: false, failed: true, msg: problem, data: result };
    const headers = Object.entries(args.headers ?? {}).map(([k, v]) => `${k}: ${String(v)}`);
    // stdin carries the URL and headers (they may hold credentials) for either tool: curl's config,
    // then wget's (a wgetrc), then the URL for wget's -i -. Never argv, never script text.
    const config = [`url = ${curlValue(args.url)}`, ...headers.map((h) => `header = ${curlValue(h)}`), '@@wget', ...headers.map((h) => `header = ${h}`), '@@url', args.url].join('\n');
    const t = Math.max(1, args.timeout);
    const script = [
      'in=$(cat)',
      `d=${q}; dir=$(dirname -- "$d")`,
      `[ -d "$dir" ] || { echo "@@get nodir $dir"; exit 0; }`,
      `t=$(mktemp -- "$dir/.provision-get_url.XXXXXX") || exit 1`,
      `trap 'rm -f -- "$t" "$t.h" "$t.c"' EXIT`,
      `start=$(date +%s)`,
      'if command -v curl >/dev/null 2>&1; then',
      `  code=$(printf '%s\\n' "$in" | sed '/^@@wget$/,$d' | curl -sS -L ${args.validate_certs ? '' : '-k '}${args.use_proxy ? '' : "--noproxy '*' "}--connect-timeout ${t} --speed-limit 1 --speed-time ${t} -o "$t" -w '%{http_code}' -K - 2>"$t.h"); rc=$?`,
      'elif command -v wget >/dev/null 2>&1; then',
      `  (umask 077; printf '%s\\n' "$in" | sed -n '/^@@wget$/,/^@@url$/p' | sed '1d;$d' >"$t.c")`,
      `  printf '%s\\n' "$in" | sed '1,/^@@url$/d' | wget -S -q ${args.validate_certs ? '' : '--no-check-certificate '}${args.use_proxy ? '' : '--no-proxy '}--config="$t.c" -T ${t} -O "$t" -i - 2>"$t.h"; rc=$?; code=$(awk '/^ *HTTP\\//{c=$2} END{print c}' "$t.h")`,
      'else echo "@@get notool"; exit 0; fi',
      'echo "@@get elapsed $(( $(date +%s) - start ))"; echo "@@get code $code"',
      // 000: no HTTP status (file://, ftp://), then curl's own exit status says.
      `case "$code" in 2??|000) : ;; *) echo "@@get failed $rc $(head -c 300 "$t.h" | tr '\\n' ' ')"; exit 0 ;; esac`,
      '[ "$rc" -eq 0 ] || { echo "@@get failed $rc $(head -c 300 "$t.h" | tr \'\\n\' \' \')"; exit 0; }',
      'echo "@@get sha1 $(sha1sum <"$t" | cut -d" " -f1)"; echo "@@get md5 $(md5sum <"$t" | cut -d" " -f1)"; echo "@@get size $(wc -c <"$t")"',
      ...(parsed ? [`h=$(${parsed.algorithm}sum <"$t" | cut -d" " -f1); if [ "$h" != ${shellQuote(parsed.digest)} ]; then echo "@@get mismatch $h"; exit 0; fi`] : []),
      'if [ -f "$d" ]; then echo "@@get dest_sha1 $(sha1sum <"$d" | cut -d" " -f1)"; fi',
      ...(ctx.check
        ? []
        : [
            `if [ -f "$d" ] && [ "$(sha1sum <"$d")" = "$(sha1sum <"$t")" ]; then`,
            `  ${[...attributeCommands('"$d"', attrsIfKept), ':'].join('; ')}`,
            'else',
            `  if [ -e "$d" ]; then chmod --reference="$d" -- "$t" && chown --reference="$d" -- "$t"; else chmod "$(printf '%o' $((0666 & ~$(umask))))" -- "$t"; fi`,
            `  ${[...attributeCommands('"$t"', onTemp), ':'].join(' && ')}`,
            '  mv -f -- "$t" "$d" && echo "@@get moved"',
            'fi',
          ]),
    ].join('\n');
    const r = await ctx.exec(script, { stdin: `${config}\n` });
    const m = markers(r.stdout);
    if (r.rc !== 0) return { changed: false, failed: true, msg: r.stderr.trim() || `exit ${r.rc}`, data: result };
    if (m.has('nodir')) return { changed: false, failed: true, msg: `Destination ${m.get('nodir')} does not exist`, data: result };
    if (m.has('notool')) return { changed: false, failed: true, msg: 'neither curl nor wget is installed on the host: get_url downloads with one of them', data: result };
    const status = Number(m.get('code') ?? 0);
    const elapsed = Number(m.get('elapsed') ?? 0);
    if (m.has('failed')) {
      const [rc = '', ...why] = (m.get('failed') ?? '').split(' ');
      const response = status > 0 ? `HTTP Error ${status}` : `Request failed: ${why.join(' ').trim() || `curl exit ${rc}`}`;
      return { changed: false, failed: true, msg: 'Request failed', data: { ...result, elapsed, status_code: status || -1, response } };
    }
    const sha1 = m.get('sha1') ?? null;
    const destSha1 = m.get('dest_sha1') ?? null;
    const fields = { ...result, elapsed, checksum_src: sha1, checksum_dest: destSha1, status_code: status, md5sum: m.get('md5') ?? null, size: Number(m.get('size') ?? 0), state: 'file', msg: `OK (${(m.get('size') ?? '0').trim()} bytes)` };
    // As Ansible: check mode reports the download as a change before the checksum is verified.
    if (m.has('mismatch') && ctx.check) return { changed: true, msg: fields.msg, data: fields };
    if (m.has('mismatch')) {
      // Ansible has moved the download over dest by then: its failed result says changed when the content differed.
      return { changed: sha1 !== destSha1, failed: true, msg: `The checksum for ${final} did not match ${parsed && typeof parsed !== 'string' ? parsed.digest : ''}; it was ${m.get('mismatch')}.`, data: fields };
    }
    const contentChanged = sha1 !== destSha1;
    const changed = contentChanged || hasChanges(attrsIfKept);
    return { changed, msg: fields.msg, data: fields };
  },
});
