import { attributeCommands } from '../connection/file-transfer.js';
import { attributeChanges, readRemoteFile, type RemoteFile, type WantedAttributes } from './remote-file.js';
import type { ModuleContext, ModuleResult } from './types.js';
import { shellQuote } from '../util/shlex.js';

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
  const current = known ?? (await readRemoteFile(ctx, path, true, wantsAttributes(want)));
  if (current.type === 'directory') return { changed: false, failed: true, msg: `${path} is a directory` };
  const contentChanged = current.type === 'absent' || !current.content?.equals(content);
  const attrs = wantsAttributes(want) ? attributeChanges(current, want) : {};
  const attrsChanged = Object.keys(attrs).length > 0;
  const data = { dest: path, path, changed: contentChanged || attrsChanged };
  if (!contentChanged && !attrsChanged) return { changed: false, data };
  const diff = ctx.diff && contentChanged ? [{ path, before: current.content?.toString('utf8') ?? '', after: content.toString('utf8') }] : undefined;
  if (!ctx.check) {
    if (contentChanged) {
      // The bytes travel as the write's stdin: data, never script text.
      try {
        await ctx.put(path, content, { ...attrs, createParents });
      } catch (err) {
        return { changed: false, failed: true, msg: (err as Error).message };
      }
    } else {
      const result = await ctx.run(attributeCommands(shellQuote(path), attrs).join('\n'), { inline: true });
      if (result.rc !== 0) return { changed: false, failed: true, msg: `cannot write ${path}: ${result.stderr.trim() || `exit ${result.rc}`}` };
    }
  }
  return { changed: true, data, ...(diff ? { diff } : {}) };
}

/** Whether the task sets mode, owner or group (else they are only kept, never read). */
export function wantsAttributes(want: WantedAttributes): boolean {
  return want.mode !== undefined || want.owner !== undefined || want.group !== undefined;
}
