import { namesOf } from '../modules/registry.js';
import type { ArgSpec } from '../modules/schema.js';
import type { Module } from '../modules/types.js';
import { PLAY_KEYWORDS, TASK_KEYWORDS } from './keywords.js';

type JsonSchema = Record<string, unknown>;

/**
 * A JSON Schema for playbooks (yaml-language-server, editors), generated from the modules' own
 * schemas and the keyword lists the loader uses. A templated value ("{{ x }}") is a string, so
 * every typed argument also accepts one.
 */
export function playbookJsonSchema(modules: readonly Module[]): JsonSchema {
  const moduleNames = modules.flatMap((m) => namesOf(m));
  const taskProperties: Record<string, JsonSchema> = {};
  for (const keyword of TASK_KEYWORDS) taskProperties[keyword] = { description: `Task keyword ${keyword}.` };
  for (const module of modules) {
    const ref = { $ref: `#/definitions/module_${module.name}` };
    for (const name of namesOf(module)) {
      taskProperties[name] = { description: module.description, anyOf: [ref, { type: 'string', description: 'key=value arguments (or a command line)' }, { type: 'null' }] };
    }
  }
  const task = {
    type: 'object',
    properties: taskProperties,
    additionalProperties: false,
    oneOf: moduleNames.map((name) => ({ required: [name] })).concat([{ required: ['action'] }]),
  };
  const keywords = Object.fromEntries([...TASK_KEYWORDS].map((k) => [k, { description: `Task keyword ${k}.` }]));
  const taskList = { type: 'array', items: { anyOf: [{ $ref: '#/definitions/task' }, { $ref: '#/definitions/block' }, { $ref: '#/definitions/reuse' }] } };
  // block/rescue/always with the keywords their tasks inherit; meta and the include/import forms.
  const block = { type: 'object', properties: { ...keywords, block: taskList, rescue: taskList, always: taskList }, required: ['block'], additionalProperties: false };
  const reuseKeys = ['meta', 'include_tasks', 'import_tasks', 'include', 'include_role', 'import_role'].flatMap((k) => [k, `ansible.builtin.${k}`]);
  const reuse = {
    type: 'object',
    properties: { ...keywords, ...Object.fromEntries(reuseKeys.map((k) => [k, { description: `${k.replace('ansible.builtin.', '')}: a task file, a role, or a meta action.` }])) },
    oneOf: reuseKeys.map((k) => ({ required: [k] })),
    additionalProperties: false,
  };
  const playProperties: Record<string, JsonSchema> = {};
  for (const keyword of PLAY_KEYWORDS) playProperties[keyword] = { description: `Play keyword ${keyword}.` };
  for (const key of ['tasks', 'pre_tasks', 'post_tasks', 'handlers']) playProperties[key] = taskList;
  const definitions: Record<string, JsonSchema> = { task, block, reuse };
  for (const module of modules) definitions[`module_${module.name}`] = moduleArgsSchema(module);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://provision.invalid/playbook.schema.json',
    title: 'provision playbook',
    description: 'Generated from the modules\' schemas by `npm run docs`; do not edit.',
    type: 'array',
    items: {
      anyOf: [
        { type: 'object', properties: { import_playbook: { type: 'string' }, name: { type: 'string' }, when: {}, vars: { type: 'object' }, tags: {} }, required: ['import_playbook'], additionalProperties: false },
        { type: 'object', properties: playProperties, required: ['hosts'], additionalProperties: false },
      ],
    },
    definitions,
  };
}

function moduleArgsSchema(module: Module): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const [name, spec] of Object.entries(module.schema.args)) {
    if (name === '_raw_params') continue;
    for (const key of [name, ...(spec.aliases ?? [])]) properties[key] = argSchema(spec, key === name ? spec.description : `Alias of ${name}.`);
  }
  const required = Object.entries(module.schema.args).filter(([n, s]) => s.required && n !== '_raw_params');
  return {
    type: 'object',
    description: module.description,
    properties,
    additionalProperties: module.schema.anyArgs === true,
    ...(required.length > 0 ? { allOf: required.map(([n, s]) => ({ anyOf: [n, ...(s.aliases ?? [])].map((k) => ({ required: [k] })) })) } : {}),
  };
}

const TEMPLATED = { type: 'string', pattern: '\\{\\{' };

function argSchema(spec: ArgSpec, description: string): JsonSchema {
  const typed: Record<ArgSpec['type'], JsonSchema> = {
    str: spec.choices ? { enum: [...spec.choices] } : { type: ['string', 'number', 'boolean'] },
    path: { type: 'string' },
    bool: { type: ['boolean', 'string'], enum: [true, false, 'yes', 'no', 'true', 'false', 'True', 'False', 'on', 'off', 'y', 'n', '1', '0'] },
    int: { type: 'integer' },
    list: { type: ['array', 'string'] },
    dict: { type: 'object' },
    mode: { type: ['string', 'integer'] },
    raw: {},
  };
  const base = typed[spec.type];
  const withTemplates = spec.type === 'raw' || spec.type === 'path' || (spec.type === 'str' && !spec.choices) || spec.type === 'list' || spec.type === 'mode' ? base : { anyOf: [base, TEMPLATED] };
  return { description, ...withTemplates, ...(spec.default !== undefined ? { default: spec.default } : {}) };
}
