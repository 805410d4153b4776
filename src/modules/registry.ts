import { aptKeyModule } from './apt-key.js';
import { aptRepositoryModule } from './apt-repository.js';
import { aptModule } from './apt.js';
import { asyncStatusModule } from './async-status.js';
import { blockinfileModule } from './blockinfile.js';
import { commandModule, rawModule, shellModule } from './command.js';
import { assertModule, debugModule, failModule, setFactModule } from './controller.js';
import { copyModule } from './copy.js';
import { fileModule } from './file.js';
import { getUrlModule } from './get-url.js';
import { includeVarsModule } from './include-vars.js';
import { setupModule } from './setup.js';
import { lineinfileModule } from './lineinfile.js';
import { packageModule } from './package.js';
import { rebootModule, waitForConnectionModule } from './reboot.js';
import { serviceModule } from './service.js';
import { statModule } from './stat.js';
import { systemdModule } from './systemd.js';
import { templateModule } from './template.js';
import { waitForModule } from './wait-for.js';
import type { Module } from './types.js';
import { SYSTEM_MODULES_B } from './system-modules-b.js';
import { weaveModule } from './weave.js';

/** Every module, in the order of the reference. The playbook parser reads this; modules never read the parser. */
const ALL: readonly Module[] = [
  commandModule, shellModule, rawModule, copyModule, templateModule, fileModule, lineinfileModule,
  blockinfileModule, statModule, debugModule, setFactModule, assertModule, failModule, includeVarsModule, setupModule,
  asyncStatusModule,
  // System modules (issue 10).
  aptModule, packageModule, serviceModule, systemdModule, getUrlModule, rebootModule, waitForConnectionModule, waitForModule,
  aptKeyModule, aptRepositoryModule,
  ...SYSTEM_MODULES_B,
  weaveModule,
];

export const modules: ReadonlyMap<string, Module> = new Map(ALL.map((m) => [m.name, m]));

/** The collection a module belongs to in Ansible (ansible.builtin unless its definition names another). */
export function collectionOf(module: Module): string {
  return module.collection ?? 'ansible.builtin';
}

/**
 * Every name a task may use for a module: its own, its fully qualified one
 * (`ansible.builtin.copy`, `ansible.posix.authorized_key`), and `ansible.legacy.` for builtins.
 * Derived from the modules' definitions, so a new module gets its names with it.
 */
export function namesOf(m: Module): string[] {
  return [m.name, `${collectionOf(m)}.${m.name}`, ...(collectionOf(m) === 'ansible.builtin' ? [`ansible.legacy.${m.name}`] : [])];
}

const NAMES: ReadonlyMap<string, string> = new Map(ALL.flatMap((m) => namesOf(m).map((n) => [n, m.name] as const)));

/** A module's own name from the name a task uses (`copy`, `ansible.builtin.copy`); undefined if unknown. */
export function resolveModuleName(name: string): string | undefined {
  return NAMES.get(name);
}


export function getModule(name: string): Module {
  const module = modules.get(resolveModuleName(name) ?? name);
  if (!module) throw new Error(`no module ${name}`);
  return module;
}

/** What the playbook parser needs to know about modules. */
export interface ModuleCatalog {
  /** The module's own name, or undefined when no module has that name. */
  resolve(name: string): string | undefined;
  /** Modules whose string argument is a command line (command, shell, raw). */
  takesFreeForm(name: string): boolean;
  /** Keys a free-form module still takes from `k=v` words (chdir=, creates=, …). */
  freeFormKeys(name: string): readonly string[];
}

export const moduleCatalog: ModuleCatalog = {
  resolve: resolveModuleName,
  takesFreeForm: (name) => modules.get(name)?.schema.freeForm !== undefined,
  freeFormKeys: (name) => modules.get(name)?.schema.freeForm ?? [],
};
