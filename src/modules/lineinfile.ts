import { ConfigError } from '../errors.js';
import { hasTemplate } from '../template/templar.js';
import type { Vars } from '../util/data.js';
import { ATTRIBUTE_PARAMS, wantedAttributes } from './attributes.js';
import { ensureFileContent, wantsAttributes } from './file-content.js';
import { editBlock, editLines, pythonRegex } from './line-edit.js';
import { readRemoteFile } from './remote-file.js';
import type { Module, ModuleContext, ModuleResult } from './types.js';

/** Reads the file, applies a text edit on the controller, writes the result back atomically. */
async function editFile(ctx: ModuleContext, args: Vars, edit: (content: string) => { content: string; msg: string }): Promise<ModuleResult> {
  const path = String(args['path']);
  const current = await readRemoteFile(ctx, path, true, wantsAttributes(wantedAttributes(args)));
  if (current.type === 'absent') {
    if (args['state'] === 'absent') return { changed: false, data: { path } };
    if (!args['create']) return { changed: false, failed: true, msg: `Destination ${path} does not exist !`, data: { rc: 257 } };
  }
  const before = current.content?.toString('utf8') ?? '';
  const { content, msg } = edit(before);
  // As Ansible's lineinfile/blockinfile: `create` also makes missing parent directories.
  const result = await ensureFileContent(ctx, path, Buffer.from(content), wantedAttributes(args), current, args['create'] === true);
  return { ...result, ...(msg && result.changed ? { msg } : {}) };
}

function checkRegex(args: Vars, keys: string[], at: Parameters<NonNullable<Module['validate']>>[1]['at']): void {
  for (const key of keys) {
    const value = args[key];
    if (typeof value !== 'string' || hasTemplate(value) || value === 'EOF' || value === 'BOF') continue;
    try {
      pythonRegex(value);
    } catch (err) {
      throw new ConfigError(`invalid regular expression in "${key}": ${(err as Error).message}`, at);
    }
  }
}

export const lineinfileModule: Module = {
  spec: {
    name: 'lineinfile',
    params: {
      path: { type: 'str', required: true, aliases: ['dest', 'destfile', 'name'] },
      line: { type: 'str', aliases: ['value'] },
      regexp: { type: 'str', aliases: ['regex'] },
      search_string: { type: 'str' },
      state: { type: 'str', choices: ['present', 'absent'], default: 'present' },
      insertafter: { type: 'str' },
      insertbefore: { type: 'str' },
      backrefs: { type: 'bool', default: false },
      firstmatch: { type: 'bool', default: false },
      create: { type: 'bool', default: false },
      ...ATTRIBUTE_PARAMS,
    },
  },
  validate(args, context) {
    checkRegex(args, ['regexp', 'insertafter', 'insertbefore'], context.at);
    if (args['state'] !== 'absent' && args['line'] === undefined) throw new ConfigError('lineinfile: "line" is required with state=present', context.at);
    if (args['state'] === 'absent' && args['line'] === undefined && args['regexp'] === undefined && args['search_string'] === undefined) {
      throw new ConfigError('lineinfile: state=absent needs one of line, regexp or search_string', context.at);
    }
    if (args['backrefs'] === true && args['regexp'] === undefined) throw new ConfigError('lineinfile: backrefs needs regexp', context.at);
  },
  run(ctx, args) {
    return editFile(ctx, args, (content) =>
      editLines(content, {
        line: args['line'] as string | undefined,
        regexp: args['regexp'] as string | undefined,
        searchString: args['search_string'] as string | undefined,
        state: args['state'] as 'present' | 'absent',
        insertafter: args['insertafter'] as string | undefined,
        insertbefore: args['insertbefore'] as string | undefined,
        backrefs: args['backrefs'] as boolean,
        firstmatch: args['firstmatch'] as boolean,
      }),
    );
  },
};

export const blockinfileModule: Module = {
  spec: {
    name: 'blockinfile',
    params: {
      path: { type: 'str', required: true, aliases: ['dest', 'destfile', 'name'] },
      block: { type: 'str', aliases: ['content'], default: '' },
      marker: { type: 'str', default: '# {mark} ANSIBLE MANAGED BLOCK' },
      marker_begin: { type: 'str', default: 'BEGIN' },
      marker_end: { type: 'str', default: 'END' },
      state: { type: 'str', choices: ['present', 'absent'], default: 'present' },
      insertafter: { type: 'str' },
      insertbefore: { type: 'str' },
      create: { type: 'bool', default: false },
      ...ATTRIBUTE_PARAMS,
    },
  },
  validate(args, context) {
    checkRegex(args, ['insertafter', 'insertbefore'], context.at);
  },
  run(ctx, args) {
    return editFile(ctx, args, (content) =>
      editBlock(content, {
        block: String(args['block'] ?? ''),
        marker: String(args['marker']),
        markerBegin: String(args['marker_begin']),
        markerEnd: String(args['marker_end']),
        state: args['state'] as 'present' | 'absent',
        insertafter: args['insertafter'] as string | undefined,
        insertbefore: args['insertbefore'] as string | undefined,
      }),
    );
  },
};
