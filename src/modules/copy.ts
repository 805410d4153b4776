import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { ConfigError } from '../errors.js';
import { hasTemplate } from '../template/templar.js';
import { defineModule } from './define.js';
import { placedFile, placement, placementFacts, planPlacement } from './file-placement.js';
import { pythonJsonDumps } from './python-json.js';
import { FILE_ATTRIBUTE_ARGS, UNIMPLEMENTED_FILE_ARGS } from './schema.js';
import { ModuleFailure } from './types.js';
import { checkValidate, VALIDATE_BACKUP_ARGS, withValidateAndBackup } from './validate-backup.js';

export const copyModule = defineModule({
  name: 'copy',
  description: 'Places a file from the controller (`src`) or given text (`content`) on the host, unless it already holds those bytes (compared by SHA-1 on the host).',
  args: {
    args: {
      src: { type: 'path', description: 'A file on the controller, looked up in files/ beside the role, the playbook and the project. Directories are not supported.' },
      content: { type: 'raw', description: 'The text to write. A mapping or a list is written as JSON, as Python\'s json.dumps writes it.' },
      dest: { type: 'path', required: true, description: 'Where the file goes. Ending in "/" (with src) or naming a directory: the file goes inside it under the source\'s name.' },
      force: { type: 'bool', default: true, description: 'Replace a file whose content differs; with false, only create a missing one.' },
      follow: { type: 'bool', default: false, description: 'When dest is a link, write through it to its target instead of replacing the link.' },
      ...FILE_ATTRIBUTE_ARGS,
      ...VALIDATE_BACKUP_ARGS,
    },
    notImplemented: ['directory_mode', 'remote_src', 'local_follow', 'checksum', 'decrypt', ...UNIMPLEMENTED_FILE_ARGS],
    mutuallyExclusive: [['src', 'content']],
    requiredOneOf: [['src', 'content']],
  },
  validate(args, context) {
    checkValidate(args, 'copy', context.at);
    const src = args['src'];
    if (typeof src !== 'string' || hasTemplate(src)) return;
    const path = context.findFile('files', src);
    if (!path) throw new ConfigError(`copy: src file not found: ${src} (looked in files/ beside the role, the playbook and the project)`, context.at);
    if (statSync(path).isDirectory()) throw new ConfigError(`copy: src ${src} is a directory; copying directories is not supported by provision`, context.at);
  },
  local(args, context) {
    if (args.content !== undefined && args.content !== null) {
      const text = typeof args.content === 'string' ? args.content : pythonJsonDumps(args.content);
      return placement(Buffer.from(text), true);
    }
    const src = String(args.src);
    const path = context.findFile('files', src);
    if (!path) throw new ModuleFailure(`could not find src=${src}`);
    if (statSync(path).isDirectory()) throw new ModuleFailure(`src ${src} is a directory; copying directories is not supported by provision`);
    return placement(readFileSync(path), false, basename(src));
  },
  facts: (args, local, context) => placementFacts(args, local, context.diff),
  plan: (args, facts, local) => withValidateAndBackup(planPlacement(args, facts, local), args, placedFile(facts.dest), 'copy'),
});
