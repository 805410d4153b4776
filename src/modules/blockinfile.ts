import { defineModule } from './define.js';
import { editBlock } from './line-edit.js';
import { FILE_ATTRIBUTE_ARGS, UNIMPLEMENTED_FILE_ARGS } from './schema.js';
import { checkRegexes, editedFile, planTextEdit, textEditFacts } from './text-edit.js';
import { checkValidate, VALIDATE_BACKUP_ARGS, withValidateAndBackup } from './validate-backup.js';

export const blockinfileModule = defineModule({
  name: 'blockinfile',
  description: 'Keeps a block of lines between two marker lines in a file: inserted, replaced, or removed.',
  args: {
    args: {
      path: { type: 'path', required: true, aliases: ['dest', 'destfile', 'name'], description: 'The file to edit (through a link: its target).' },
      block: { type: 'str', aliases: ['content'], default: '', description: 'The lines between the markers; empty removes the block.' },
      marker: { type: 'str', default: '# {mark} ANSIBLE MANAGED BLOCK', description: 'The marker line; {mark} becomes marker_begin or marker_end.' },
      marker_begin: { type: 'str', default: 'BEGIN', description: '{mark} in the first marker line.' },
      marker_end: { type: 'str', default: 'END', description: '{mark} in the last marker line.' },
      state: { type: 'str', choices: ['present', 'absent'], default: 'present', description: 'Whether the block must be there.' },
      insertafter: { type: 'str', description: 'Where a new block goes: after the last line matching this regular expression, or EOF (the default).' },
      insertbefore: { type: 'str', description: 'Where a new block goes: before the last line matching this regular expression, or BOF.' },
      create: { type: 'bool', default: false, description: 'Create the file (and its missing directories) when it does not exist.' },
      ...FILE_ATTRIBUTE_ARGS,
      ...VALIDATE_BACKUP_ARGS,
    },
    notImplemented: [...UNIMPLEMENTED_FILE_ARGS],
    mutuallyExclusive: [['insertbefore', 'insertafter']],
  },
  validate(args, context) {
    checkValidate(args, 'blockinfile', context.at);
    checkRegexes(args, ['insertafter', 'insertbefore'], context.at);
  },
  facts: (args, _local, context) => textEditFacts(args, context.diff),
  plan: (args, facts) =>
    withValidateAndBackup(planTextEdit(
      args,
      facts,
      (content) =>
        editBlock(content, {
          block: args.block,
          marker: args.marker,
          markerBegin: args.marker_begin,
          markerEnd: args.marker_end,
          state: args.state as 'present' | 'absent',
          insertafter: args.insertafter,
          insertbefore: args.insertbefore,
        }),
      { notPresent: `File ${args.path} not present`, missing: `Path ${args.path} does not exist !`, missingFailsFirst: true },
    ), args, editedFile(facts.file), 'lineinfile'),
});
