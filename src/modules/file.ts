import { shellQuote } from '../util/shlex.js';
import { ATTRIBUTE_PARAMS, wantedAttributes } from './attributes.js';
import { attributeCommands } from '../connection/file-transfer.js';
import { attributeChanges, readRemoteFile } from './remote-file.js';
import type { Module } from './types.js';

/** `file`: directories, links, touch, absent, and mode/owner/group of what is there. */
export const fileModule: Module = {
  spec: {
    name: 'file',
    params: {
      path: { type: 'str', required: true, aliases: ['dest', 'name'] },
      state: { type: 'str', choices: ['file', 'directory', 'touch', 'absent', 'link'] },
      src: { type: 'str' },
      ...ATTRIBUTE_PARAMS,
    },
  },
  async run(ctx, args) {
    const path = String(args['path']);
    const q = shellQuote(path);
    const current = await readRemoteFile(ctx, path, false);
    const state = String(args['state'] ?? (current.type === 'absent' ? 'file' : current.type === 'directory' ? 'directory' : 'file'));
    const data = { path, state };
    const apply = async (script: string): Promise<string | undefined> => {
      if (ctx.check || !script) return undefined;
      const r = await ctx.run(`set -e\n${script}`, { inline: true });
      return r.rc === 0 ? undefined : r.stderr.trim() || `exit ${r.rc}`;
    };
    if (state === 'absent') {
      if (current.type === 'absent') return { changed: false, data };
      const error = await apply(`rm -rf -- ${q}`);
      return error ? { changed: false, failed: true, msg: error } : { changed: true, data };
    }
    if (state === 'link') {
      if (typeof args['src'] !== 'string') return { changed: false, failed: true, msg: 'src is required for state=link' };
      const target = (await ctx.run(`readlink -- ${q}`, { inline: true })).stdout.trim();
      if (current.type === 'link' && target === args['src']) return { changed: false, data };
      const error = await apply(`ln -sfn -- ${shellQuote(args['src'])} ${q}`);
      return error ? { changed: false, failed: true, msg: error } : { changed: true, data };
    }
    if (state === 'file' && current.type === 'absent') return { changed: false, failed: true, msg: `file (${path}) is absent, cannot continue` };
    if (state === 'directory' && current.type !== 'absent' && current.type !== 'directory') {
      return { changed: false, failed: true, msg: `${path} already exists as a ${current.type}` };
    }
    const creates = current.type === 'absent' ? (state === 'directory' ? `mkdir -p -- ${q}` : `touch -- ${q}`) : state === 'touch' ? `touch -- ${q}` : '';
    const attrs = attributeChanges(current.type === 'absent' ? { ...current, type: state === 'directory' ? 'directory' : 'file', mode: state === 'directory' ? 0o755 : 0o644 } : current, wantedAttributes(args));
    const commands = [creates, ...attributeCommands(q, attrs)].filter(Boolean);
    if (commands.length === 0) return { changed: false, data };
    const error = await apply(commands.join('\n'));
    return error ? { changed: false, failed: true, msg: error } : { changed: true, data };
  },
};
