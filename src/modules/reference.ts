import { collectionOf } from './registry.js';
import type { ArgSpec } from './schema.js';
import type { Module } from './types.js';

/**
 * The module reference (docs/modules.md), generated from the modules' own schemas: the one list
 * of arguments, so the reference cannot drift from what is accepted.
 */
export function moduleReference(modules: readonly Module[]): string {
  const out = [
    '# Modules',
    '',
    '<!-- Generated from the modules\' schemas by `npm run docs` (scripts/generate-reference.ts); a unit test fails when it is stale. -->',
    '',
    'Each module takes the arguments below, checked with their position before the first connection: an unknown',
    'argument, a wrong type, a value outside the choices, mutually exclusive arguments or a missing required one',
    'stop the run with exit 1. Arguments Ansible has that are not listed are not implemented, and refused.',
    "Each module also answers to its fully qualified name (given under its heading) and, for ansible.builtin's, to `ansible.legacy.` + its name.",
    'Editors can check playbooks with [playbook.schema.json](playbook.schema.json) (yaml-language-server).',
    '',
    ...modules.map((m) => `- [${m.name}](#${m.name.replace(/_/g, '')}): ${m.description}`),
    '',
  ];
  for (const module of modules) out.push(...moduleSection(module));
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

function moduleSection(module: Module): string[] {
  const { schema } = module;
  const kind =
    module.kind === 'planner'
      ? 'A planner: it reads the host\'s state in one round trip and returns the changes it would make. Check mode: reports exactly the changes a real run makes, and makes none; --diff shows the file content, state and attributes before and after, as Ansible\'s module does (under --check what Ansible\'s check mode shows).'
      : `An action: it learns its result by running${module.controllerOnly ? ' (on the controller: no connection)' : ''}. Check mode: ${module.checkMode}`;
  const lines = ['', `## ${module.name}`, '', module.description, '', `Fully qualified name: \`${collectionOf(module)}.${module.name}\`.`, '', kind, ''];
  const rows = Object.entries(schema.args).filter(([name]) => name !== '_raw_params');
  if (schema.freeForm) lines.push(`Free form: \`${module.name}: <command line> ${schema.freeForm.map((k) => `${k}=…`).join(' ')}\`.`, '');
  if (schema.anyArgs) lines.push('Any other argument name is a variable to set.', '');
  if (rows.length > 0) {
    lines.push('| argument | type | default | description |', '| --- | --- | --- | --- |');
    for (const [name, spec] of rows) lines.push(`| \`${name}\`${aliases(spec)} | ${typeOf(spec)} | ${defaultOf(spec)} | ${escapeCell(spec.description)} |`);
    lines.push('');
  }
  const rules = [
    ...(schema.mutuallyExclusive ?? []).map((g) => `mutually exclusive: ${g.map((a) => `\`${a}\``).join(', ')}`),
    ...(schema.requiredOneOf ?? []).map((g) => `one of ${g.map((a) => `\`${a}\``).join(', ')} is required`),
    ...(schema.requiredIf ?? []).map(([arg, value, needed]) => `with ${arg}=${String(value)}: ${needed.map((a) => `\`${a}\``).join(', ')} required`),
  ];
  if (rules.length > 0) lines.push(...rules.map((r) => `- ${r.replace(/_raw_params/g, 'free form')}`), '');
  if (schema.notImplemented?.length) lines.push(`Not implemented (refused): ${schema.notImplemented.map((a) => `\`${a}\``).join(', ')}.`, '');
  return lines;
}

function aliases(spec: ArgSpec): string {
  return spec.aliases?.length ? ` (${spec.aliases.map((a) => `\`${a}\``).join(', ')})` : '';
}

function typeOf(spec: ArgSpec): string {
  const base = spec.type === 'raw' ? 'any' : spec.type;
  return spec.choices ? `${base}: ${spec.choices.map((c) => `\`${c}\``).join(', ')}` : base;
}

function defaultOf(spec: ArgSpec): string {
  if (spec.required) return 'required';
  return spec.default === undefined ? '' : `\`${typeof spec.default === 'string' ? spec.default : JSON.stringify(spec.default)}\``;
}

const escapeCell = (text: string): string => text.replace(/\|/g, '\\|');
