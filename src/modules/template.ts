import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { hasTemplate } from '../template/templar.js';
import { ATTRIBUTE_PARAMS } from './attributes.js';
import { placeFile } from './copy.js';
import type { Module } from './types.js';

/** Renders a Handlebars file on the controller, then places it like `copy`. */
export const templateModule: Module = {
  spec: {
    name: 'template',
    params: { src: { type: 'str', required: true }, dest: { type: 'str', required: true }, force: { type: 'bool', default: true }, ...ATTRIBUTE_PARAMS },
  },
  validate(args, context) {
    const src = args['src'];
    if (typeof src !== 'string' || hasTemplate(src)) return;
    const path = context.findFile('templates', src);
    if (!path) throw new ConfigError(`template: src not found: ${src} (looked in templates/ beside the role, the playbook and the project)`, context.at);
    context.templar.check(readFileSync(path, 'utf8'), { file: path, line: 1, col: 1 });
  },
  async run(ctx, args) {
    const src = String(args['src']);
    const path = ctx.findFile('templates', src);
    if (!path) return { changed: false, failed: true, msg: `could not find template src=${src}` };
    const text = ctx.templar.renderString(readFileSync(path, 'utf8'), ctx.vars, { file: path, line: 1, col: 1 }, `template ${src}`);
    return placeFile(ctx, args, Buffer.from(text));
  },
};
