import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { ConfigError } from '../errors.js';
import { hasTemplate } from '../template/templar.js';
import type { Vars } from '../util/data.js';
import { ATTRIBUTE_PARAMS, wantedAttributes } from './attributes.js';
import { ensureFileContent, wantsAttributes } from './file-content.js';
import { readRemoteFile } from './remote-file.js';
import type { Module, ModuleContext, ModuleResult } from './types.js';

/** Writes `content` (or the bytes of a controller file) to `dest` unless it already holds them. */
export async function placeFile(ctx: ModuleContext, args: Vars, content: Buffer, source?: string): Promise<ModuleResult> {
  let dest = String(args['dest']);
  if (source && dest.endsWith('/')) dest += basename(source);
  const withAttributes = wantsAttributes(wantedAttributes(args));
  let current = await readRemoteFile(ctx, dest, true, withAttributes);
  if (current.type === 'directory' && source) {
    dest = `${dest.replace(/\/$/, '')}/${basename(source)}`;
    current = await readRemoteFile(ctx, dest, true, withAttributes);
  }
  if (args['force'] === false && current.type !== 'absent') return { changed: false, data: { dest } };
  return ensureFileContent(ctx, dest, content, wantedAttributes(args), current);
}

export const copyModule: Module = {
  spec: {
    name: 'copy',
    params: { src: { type: 'str' }, content: { type: 'raw' }, dest: { type: 'str', required: true }, force: { type: 'bool', default: true }, ...ATTRIBUTE_PARAMS },
    oneOf: [['src', 'content']],
  },
  validate(args, context) {
    const src = args['src'];
    if (typeof src === 'string' && !hasTemplate(src) && !context.findFile('files', src)) {
      throw new ConfigError(`copy: src file not found: ${src} (looked in files/ beside the role, the playbook and the project)`, context.at);
    }
  },
  async run(ctx, args) {
    if (args['content'] !== undefined) {
      const content = args['content'];
      const text = typeof content === 'string' ? content : JSON.stringify(content);
      return placeFile(ctx, args, Buffer.from(text));
    }
    const src = String(args['src']);
    const path = ctx.findFile('files', src);
    if (!path) return { changed: false, failed: true, msg: `could not find src=${src}` };
    return placeFile(ctx, args, readFileSync(path), src);
  },
};
