import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { ConfigError } from '../errors.js';
import { hasTemplate } from '../template/templar.js';
import { defineModule } from './define.js';
import { placedFile, placement, placementFacts, planPlacement } from './file-placement.js';
import { FILE_ATTRIBUTE_ARGS, UNIMPLEMENTED_FILE_ARGS } from './schema.js';
import { ModuleFailure } from './types.js';
import { checkValidate, VALIDATE_BACKUP_ARGS, withValidateAndBackup } from './validate-backup.js';

export const templateModule = defineModule({
  name: 'template',
  description: 'Renders a Handlebars template on the controller and places the result on the host like `copy`.',
  args: {
    args: {
      src: { type: 'path', required: true, description: 'The template, looked up in templates/ beside the role, the playbook and the project.' },
      dest: { type: 'path', required: true, description: 'Where the rendered file goes (ending in "/": inside that directory, under the template\'s name).' },
      force: { type: 'bool', default: true, description: 'Replace a file whose content differs; with false, only create a missing one.' },
      follow: { type: 'bool', default: false, description: 'When dest is a link, write through it to its target instead of replacing the link.' },
      ...FILE_ATTRIBUTE_ARGS,
      ...VALIDATE_BACKUP_ARGS,
    },
    notImplemented: ['newline_sequence', 'block_start_string', 'block_end_string', 'variable_start_string', 'variable_end_string', 'comment_start_string', 'comment_end_string', 'trim_blocks', 'lstrip_blocks', 'output_encoding', ...UNIMPLEMENTED_FILE_ARGS],
  },
  validate(args, context) {
    checkValidate(args, 'template', context.at);
    const src = args['src'];
    if (typeof src !== 'string' || hasTemplate(src)) return;
    const path = context.findFile('templates', src);
    if (!path) throw new ConfigError(`template: src not found: ${src} (looked in templates/ beside the role, the playbook and the project)`, context.at);
    context.templar.check(readFileSync(path, 'utf8'), { file: path, line: 1, col: 1 });
  },
  local(args, context) {
    const path = context.findFile('templates', args.src);
    if (!path) throw new ModuleFailure(`could not find template src=${args.src}`);
    const text = context.templar.renderString(readFileSync(path, 'utf8'), context.vars, { file: path, line: 1, col: 1 }, `template ${args.src}`);
    return placement(Buffer.from(text), false, basename(args.src));
  },
  facts: (args, local, context) => placementFacts(args, local, context.diff),
  plan: (args, facts, local) => withValidateAndBackup(planPlacement(args, facts, local), args, placedFile(facts.dest), 'copy'),
});
