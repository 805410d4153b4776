import { shellQuote } from '../util/shlex.js';
import { defineAction } from './define.js';

/** The shell that reads a file as slurp does, with its failures in Ansible's words (errno order: missing, directory, unreadable). */
export function slurpScript(path: string): string {
  return [
    `p=${shellQuote(path)}`,
    'if [ ! -e "$p" ]; then echo missing; exit 0; fi',
    'if [ -d "$p" ]; then echo directory; exit 0; fi',
    'if ! [ -r "$p" ] || ! c=$(base64 -w0 < "$p"); then echo unreadable; exit 0; fi',
    'echo "content $c"',
  ].join('\n');
}

export type Slurped = { readonly content: string } | { readonly error: string };

/** slurp's result or its fail_json message. */
export function parseSlurp(path: string, stdout: string): Slurped {
  const out = stdout.trim();
  if (out === 'missing') return { error: `file not found: ${path}` };
  if (out === 'directory') return { error: `source is a directory and must be a file: ${path}` };
  if (out.startsWith('content')) return { content: out.slice('content'.length).trim() };
  return { error: `file is not readable: ${path}` };
}

/** Ansible's slurp: a file's bytes, base64-encoded, in `content`. */
export const slurpModule = defineAction({
  name: 'slurp',
  description: 'Reads a file on the host and returns its bytes base64-encoded in `content` (with `source` and `encoding`). Changes nothing.',
  checkMode: 'Runs as without --check: it changes nothing on the host.',
  args: {
    args: {
      src: { type: 'path', required: true, aliases: ['path'], description: 'The file to read.' },
    },
  },
  async run(ctx, args) {
    const r = await ctx.exec(slurpScript(args.src));
    if (r.rc !== 0) return { changed: false, failed: true, msg: `unable to slurp file: ${r.stderr.trim()}` };
    const slurped = parseSlurp(args.src, r.stdout);
    if ('error' in slurped) return { changed: false, failed: true, msg: slurped.error };
    return { changed: false, data: { content: slurped.content, source: args.src, encoding: 'base64' } };
  },
});
