import { dirname, isAbsolute, join, resolve } from 'node:path';
import { ConfigError, type SourcePosition } from '../errors.js';
import { loadYamlFile } from '../config/yaml.js';
import { describeType, isPlainObject, type Vars } from '../util/data.js';
import { kindOf } from '../util/safe-fs.js';
import { defineAction } from './define.js';
import { ModuleFailure } from './types.js';

/**
 * Where a relative vars file is looked for, as Ansible's search path does for a task: beside the
 * file the task is written in and in its vars/ (and a role's vars/ when the task is in tasks/),
 * then the playbook's directory and its vars/.
 */
function candidates(file: string, at: SourcePosition, playbookDir: unknown): string[] {
  if (isAbsolute(file)) return [file];
  const here = dirname(at.file);
  const dirs = [join(dirname(here), 'vars'), here, join(here, 'vars'), ...(typeof playbookDir === 'string' ? [playbookDir, join(playbookDir, 'vars')] : [])];
  return [...new Set(dirs)].map((d) => resolve(d, file));
}

function readVarsFile(path: string): Vars {
  const { data } = loadYamlFile(path);
  if (data === null) return {};
  if (!isPlainObject(data)) throw new ModuleFailure(`${path} must hold a mapping of variables, found ${describeType(data)}`);
  return data;
}

/** `include_vars`: a YAML file's variables for the host, from then on (at set_fact's precedence). */
export const includeVarsModule = defineAction({
  name: 'include_vars',
  description: "Reads variables from a YAML file on the controller into the host's variables (found beside the task, in vars/, or beside the playbook).",
  controllerOnly: true,
  args: {
    args: {
      file: { type: 'str', aliases: ['_raw_params'], description: 'The YAML file of variables (free form).' },
      name: { type: 'str', description: 'Put the variables under this one name instead of at the top.' },
    },
    freeForm: ['file', 'name'],
    requiredOneOf: [['file']],
  },
  validate(args, context) {
    const file = args.file;
    if (typeof file !== 'string' || file.includes('{{')) return;
    if (!candidates(file, context.at, undefined).some((p) => kindOf(p) === 'file')) {
      throw new ConfigError(`include_vars: file not found: ${file}`, context.at);
    }
  },
  async run(ctx, args) {
    const file = String(args.file);
    const path = candidates(file, ctx.at, ctx.vars['playbook_dir']).find((p) => kindOf(p) === 'file');
    if (!path) throw new ModuleFailure(`Could not find or access '${file}'`);
    const vars = readVarsFile(path);
    const facts = args.name !== undefined ? { [String(args.name)]: vars } : vars;
    return { changed: false, facts, data: { ansible_facts: facts, ansible_included_var_files: [path] } };
  },
});
