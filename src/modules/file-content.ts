import { attributeChanges, atomicWriteScript, attributeCommands, readRemoteFile, type RemoteFile, type WantedAttributes } from './remote-file.js';
import type { ModuleContext, ModuleResult } from './types.js';
import { shellQuote } from '../util/shlex.js';

const DEFAULT_NEW_FILE_MODE = '0644';

/**
 * Makes a file hold exactly `content` with the wanted attributes: shared by copy, template,
 * lineinfile and blockinfile. Two round trips at most (read, then write); one when nothing changes.
 */
export async function ensureFileContent(
  ctx: ModuleContext,
  path: string,
  content: Buffer,
  want: WantedAttributes,
  known?: RemoteFile,
  createParents = false,
): Promise<ModuleResult> {
  const current = known ?? (await readRemoteFile(ctx, path));
  if (current.type === 'directory') return { changed: false, failed: true, msg: `${path} is a directory` };
  const contentChanged = current.type === 'absent' || !current.content?.equals(content);
  const attrs = attributeChanges(current, want);
  const attrsChanged = Object.keys(attrs).length > 0;
  const data = { dest: path, path, changed: contentChanged || attrsChanged };
  if (!contentChanged && !attrsChanged) return { changed: false, data };
  const diff = ctx.diff && contentChanged ? [{ path, before: current.content?.toString('utf8') ?? '', after: content.toString('utf8') }] : undefined;
  if (!ctx.check) {
    const script = contentChanged
      ? atomicWriteScript(path, content, {
          // An existing file keeps its owner and mode unless told otherwise.
          mode: attrs.mode ?? (current.type === 'absent' ? DEFAULT_NEW_FILE_MODE : (current.mode & 0o7777).toString(8).padStart(4, '0')),
          owner: attrs.owner ?? (current.type === 'absent' ? undefined : String(current.uid)),
          group: attrs.group ?? (current.type === 'absent' ? undefined : String(current.gid)),
        }, createParents)
      : attributeCommands(shellQuote(path), attrs).join('\n');
    const result = await ctx.run(script);
    if (result.rc !== 0) return { changed: false, failed: true, msg: `cannot write ${path}: ${result.stderr.trim() || `exit ${result.rc}`}` };
  }
  return { changed: true, data, ...(diff ? { diff } : {}) };
}
