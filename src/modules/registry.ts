import type { ModuleCatalog } from '../playbook/task-parse.js';
import { commandModule, rawModule, shellModule } from './command.js';
import { assertModule, debugModule, failModule, setFactModule } from './controller.js';
import { copyModule } from './copy.js';
import { fileModule } from './file.js';
import { blockinfileModule, lineinfileModule } from './lineinfile.js';
import { statModule } from './stat.js';
import { templateModule } from './template.js';
import type { Module } from './types.js';

const ALL: readonly Module[] = [
  commandModule, shellModule, rawModule, copyModule, templateModule, fileModule, lineinfileModule,
  blockinfileModule, statModule, debugModule, setFactModule, assertModule, failModule,
];

export const modules: ReadonlyMap<string, Module> = new Map(ALL.map((m) => [m.spec.name, m]));

export function getModule(name: string): Module {
  const module = modules.get(name);
  if (!module) throw new Error(`no module ${name}`);
  return module;
}

export const moduleCatalog: ModuleCatalog = {
  has: (name) => modules.has(name),
  takesFreeForm: (name) => modules.get(name)?.spec.freeFormKeys !== undefined,
  freeFormKeys: (name) => modules.get(name)?.spec.freeFormKeys ?? [],
};
