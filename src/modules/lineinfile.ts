import { ConfigError } from '../errors.js';
import { defineModule } from './define.js';
import { editLines } from './line-edit.js';
import { FILE_ATTRIBUTE_ARGS, UNIMPLEMENTED_FILE_ARGS } from './schema.js';
import { checkRegexes, editedFile, planTextEdit, textEditFacts } from './text-edit.js';
import { checkValidate, VALIDATE_BACKUP_ARGS, withValidateAndBackup } from './validate-backup.js';

export const lineinfileModule = defineModule({
  name: 'lineinfile',
  description: 'Makes sure one line is in a file (replacing the line a regular expression or a string finds), or that matching lines are not.',
  args: {
    args: {
      path: { type: 'path', required: true, aliases: ['dest', 'destfile', 'name'], description: 'The file to edit (through a link: its target).' },
      line: { type: 'str', aliases: ['value'], description: 'The line to have in the file (required with state=present).' },
      regexp: { type: 'str', aliases: ['regex'], description: 'A Python regular expression: the last matching line is replaced (state=present) or every matching line removed (state=absent).' },
      search_string: { type: 'str', description: 'A literal string, used like regexp.' },
      state: { type: 'str', choices: ['present', 'absent'], default: 'present', description: 'Whether the line must be there.' },
      insertafter: { type: 'str', description: 'Where a new line goes: after the last line matching this regular expression, or EOF (the default) or BOF.' },
      insertbefore: { type: 'str', description: 'Where a new line goes: before the last line matching this regular expression, or BOF.' },
      backrefs: { type: 'bool', default: false, description: 'Expand \\1 and \\g<name> in line from regexp\'s match; when nothing matches, the file is left alone.' },
      firstmatch: { type: 'bool', default: false, description: 'Use the first matching line (of regexp, or of insertafter/insertbefore) instead of the last.' },
      create: { type: 'bool', default: false, description: 'Create the file (and its missing directories) when it does not exist.' },
      ...FILE_ATTRIBUTE_ARGS,
      ...VALIDATE_BACKUP_ARGS,
    },
    notImplemented: [...UNIMPLEMENTED_FILE_ARGS],
    mutuallyExclusive: [['insertbefore', 'insertafter'], ['regexp', 'search_string'], ['backrefs', 'search_string']],
    requiredIf: [['state', 'present', ['line']]],
  },
  validate(args, context) {
    checkValidate(args, 'lineinfile', context.at);
    checkRegexes(args, ['regexp', 'insertafter', 'insertbefore'], context.at);
    if (args['state'] === 'absent' && args['line'] === undefined && args['regexp'] === undefined && args['search_string'] === undefined) {
      throw new ConfigError('lineinfile: one of line, search_string, or regexp is required with state=absent', context.at);
    }
    if (args['backrefs'] === true && args['regexp'] === undefined) throw new ConfigError('lineinfile: regexp is required with backrefs=true', context.at);
  },
  facts: (args, _local, context) => textEditFacts(args, context.diff),
  plan: (args, facts) =>
    withValidateAndBackup(planTextEdit(
      args,
      facts,
      (content) =>
        editLines(content ?? '', {
          line: args.line,
          regexp: args.regexp,
          searchString: args.search_string,
          state: args.state as 'present' | 'absent',
          insertafter: args.insertafter,
          insertbefore: args.insertbefore,
          backrefs: args.backrefs,
          firstmatch: args.firstmatch,
        }),
      { notPresent: 'file not present', missing: `Destination ${args.path} does not exist !` },
    ), args, editedFile(facts.file), 'lineinfile'),
});
