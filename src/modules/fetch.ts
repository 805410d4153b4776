import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, posix, sep } from 'node:path';
import { shellQuote } from '../util/shlex.js';
import { defineAction } from './define.js';
import { parseSlurp, slurpScript } from './slurp.js';
import type { ModuleResult } from './types.js';

const hash = (algorithm: 'sha1' | 'md5', bytes: Buffer): string => createHash(algorithm).update(bytes).digest('hex');

/** The controller file's SHA-1 (Ansible's checksum()), or undefined when it is not a file. */
function localChecksum(path: string): string | undefined {
  try {
    return statSync(path).isFile() ? hash('sha1', readFileSync(path)) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where the file goes on the controller, as the fetch action computes it: relative to the
 * playbook's directory; with flat, dest itself (or the source's name in a dest ending in "/");
 * otherwise dest/<inventory_hostname>/<src>.
 */
export function fetchDestination(args: { src: string; dest: string; flat: boolean }, host: string, playbookDir: string): string | { error: string } {
  const dwim = (p: string): string => (isAbsolute(p) ? p : join(playbookDir, p));
  if (args.flat) {
    let dest = args.dest;
    if (!dest.endsWith(sep) && existsSync(dest) && statSync(dest).isDirectory()) {
      return { error: 'dest is an existing directory, use a trailing slash if you want to fetch src into that directory' };
    }
    if (dest.endsWith(sep)) dest = join(dest, posix.basename(args.src));
    return normalize(dwim(dest));
  }
  return normalize(`${dwim(args.dest)}/${host}/${args.src}`);
}

/** Ansible's fetch: a file from the host to the controller, unless the controller's copy has the same SHA-1. */
export const fetchModule = defineAction({
  name: 'fetch',
  description: 'Copies a file from the host to the controller (under dest/<host>/<path>, or to dest itself with flat), unless the copy there already has the same SHA-1.',
  checkMode: 'Skipped ("check mode not (yet) supported for this module"), as Ansible does.',
  args: {
    args: {
      src: { type: 'path', required: true, description: 'The file on the host (not a directory).' },
      dest: { type: 'path', required: true, description: 'A directory on the controller (relative: to the playbook\'s directory); with flat, the file itself, or a directory ending in "/".' },
      flat: { type: 'bool', default: false, description: 'Put the file at dest instead of under dest/<inventory_hostname>/<src>.' },
      fail_on_missing: { type: 'bool', default: true, description: 'Fail when src does not exist or cannot be read (otherwise the task is ok with a message).' },
      validate_checksum: { type: 'bool', default: true, description: 'Fail when the written copy\'s SHA-1 differs from the host\'s.' },
    },
  },
  async run(ctx, args): Promise<ModuleResult> {
    if (ctx.check) return { changed: false, skipped: true, msg: 'check mode not (yet) supported for this module' };
    const src = args.src;
    // One round trip for what is there and its checksum; the bytes only when they are needed.
    const stat = await ctx.exec(`p=${shellQuote(src)}\nif [ -d "$p" ]; then echo directory; elif [ -f "$p" ] && [ -r "$p" ]; then sha1sum < "$p"; else echo none; fi`);
    if (stat.rc !== 0) return { changed: false, failed: true, msg: `could not stat ${src}: ${stat.stderr.trim()}` };
    const first = stat.stdout.trim();
    if (first === 'directory') {
      return args.fail_on_missing
        ? { changed: false, failed: true, msg: 'remote file is a directory, fetch cannot work on directories' }
        : { changed: false, msg: 'remote file is a directory, fetch cannot work on directories, not transferring, ignored' };
    }
    let remoteChecksum = first === 'none' ? undefined : first.split(' ')[0];
    let data: Buffer | undefined;
    if (remoteChecksum === undefined) {
      const r = await ctx.exec(slurpScript(src));
      const slurped = parseSlurp(src, r.stdout);
      if ('error' in slurped) {
        const msg = slurped.error.includes('not found') ? 'the remote file does not exist, not transferring, ignored' : slurped.error;
        return args.fail_on_missing ? { changed: false, failed: true, msg } : { changed: false, ...(slurped.error.includes('not found') ? { msg } : {}), data: { file: src } };
      }
      data = Buffer.from(slurped.content, 'base64');
      remoteChecksum = hash('sha1', data);
    }
    const dest = fetchDestination(args, String(ctx.vars['inventory_hostname']), String(ctx.vars['playbook_dir'] ?? process.cwd()));
    if (typeof dest !== 'string') return { changed: false, failed: true, msg: dest.error };
    const local = localChecksum(dest);
    if (local === remoteChecksum) {
      return { changed: false, data: { md5sum: hash('md5', readFileSync(dest)), file: src, dest, checksum: local } };
    }
    if (data === undefined) {
      const r = await ctx.exec(slurpScript(src));
      const slurped = parseSlurp(src, r.stdout);
      if ('error' in slurped) return { changed: false, failed: true, msg: slurped.error, data: { file: src } };
      data = Buffer.from(slurped.content, 'base64');
    }
    try {
      mkdirSync(dirname(dest), { recursive: true });
      const tmp = `${dest}.provision-${process.pid}`;
      writeFileSync(tmp, data);
      renameSync(tmp, dest);
    } catch (err) {
      return { changed: false, failed: true, msg: `Failed to fetch the file: ${(err as Error).message}` };
    }
    const written = readFileSync(dest);
    const checksum = hash('sha1', written);
    const md5sum = hash('md5', written);
    if (args.validate_checksum && checksum !== remoteChecksum) {
      return { changed: false, failed: true, msg: 'checksum mismatch', data: { md5sum, file: src, dest, remote_md5sum: null, checksum, remote_checksum: remoteChecksum } };
    }
    return { changed: true, data: { md5sum, dest, remote_md5sum: null, checksum, remote_checksum: remoteChecksum } };
  },
});
