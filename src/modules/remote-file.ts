import { shellQuote } from '../util/shlex.js';
import { resolveMode } from './args.js';
import type { ModuleContext } from './types.js';

export interface RemoteFile {
  readonly type: 'absent' | 'file' | 'directory' | 'link' | 'other';
  readonly mode: number;
  readonly owner: string;
  readonly group: string;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly content: Buffer | undefined;
}

export interface WantedAttributes {
  /** Normalised mode (octal or symbolic); owner and group as names or numbers. */
  readonly mode?: string | undefined;
  readonly owner?: string | undefined;
  readonly group?: string | undefined;
}

const ABSENT: RemoteFile = { type: 'absent', mode: 0, owner: '', group: '', uid: -1, gid: -1, size: 0, content: undefined };

/**
 * One round trip: the file's type, and as asked its mode, owner and size (one `stat`) and its
 * bytes (one `base64`). Each exec costs the target a process, so only what the task needs is read.
 */
export function probeScript(path: string, withContent: boolean, withAttributes = true): string {
  return [
    `p=${shellQuote(path)}`,
    'if [ -L "$p" ]; then t=link; elif [ -d "$p" ]; then t=directory; elif [ -f "$p" ]; then t=file; elif [ -e "$p" ]; then t=other; else t=absent; fi',
    'if [ "$t" = absent ]; then echo absent; else',
    withAttributes ? 'stat -c "$t %a %U %G %u %g %s" -- "$p"' : 'echo "$t"',
    withContent ? 'if [ "$t" = file ]; then base64 -w0 -- "$p"; fi; echo' : '',
    'fi',
  ].join('\n');
}

/** Mode, owner, group and size are -1/empty when the probe did not read them. */
export function parseProbe(stdout: string): RemoteFile {
  const [head = '', body = ''] = stdout.split('\n');
  if (head.trim() === 'absent') return ABSENT;
  const [type = 'other', mode = '-1', owner = '', group = '', uid = '-1', gid = '-1', size = '-1'] = head.trim().split(' ');
  return {
    type: type as RemoteFile['type'],
    mode: mode === '-1' ? -1 : parseInt(mode, 8),
    owner,
    group,
    uid: Number(uid),
    gid: Number(gid),
    size: Number(size),
    content: type === 'file' && stdout.includes('\n') ? Buffer.from(body.trim(), 'base64') : undefined,
  };
}

export async function readRemoteFile(ctx: ModuleContext, path: string, withContent = true, withAttributes = true): Promise<RemoteFile> {
  const result = await ctx.run(probeScript(path, withContent, withAttributes), { inline: true });
  if (result.rc !== 0) throw new Error(`cannot read ${path}: ${result.stderr.trim() || `exit ${result.rc}`}`);
  return parseProbe(result.stdout);
}

/** What must change for the file to have the wanted mode, owner and group (empty when none). */
export function attributeChanges(current: RemoteFile, want: WantedAttributes): { mode?: string; owner?: string; group?: string } {
  const changes: { mode?: string; owner?: string; group?: string } = {};
  if (want.mode !== undefined) {
    const mode = resolveMode(want.mode, current.type === 'absent' ? 0 : current.mode, current.type === 'directory');
    if (current.type === 'absent' || parseInt(mode, 8) !== current.mode) changes.mode = mode;
  }
  if (want.owner !== undefined && want.owner !== current.owner && want.owner !== String(current.uid)) changes.owner = want.owner;
  if (want.group !== undefined && want.group !== current.group && want.group !== String(current.gid)) changes.group = want.group;
  return changes;
}
