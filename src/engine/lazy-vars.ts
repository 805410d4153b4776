import { hasTemplate, type Templar } from '../template/templar.js';
import { isPlainObject, type Vars } from '../util/data.js';

function containsTemplate(value: unknown): boolean {
  if (typeof value === 'string') return hasTemplate(value);
  if (Array.isArray(value)) return value.some(containsTemplate);
  if (isPlainObject(value)) return Object.values(value).some(containsTemplate);
  return false;
}

/**
 * The named variables whose values are templates become getters that render on first read,
 * against the object they are read from (so a loop's `item` is seen), like Ansible's lazy
 * templating. A variable that is never used is never rendered, so it cannot fail the task.
 * Only configuration is named: facts and registered results are data from the host, never
 * templates (Ansible marks them unsafe).
 */
export function makeLazy(vars: Vars, templar: Templar, names: Iterable<string>): Vars {
  for (const name of new Set(names)) {
    const raw = vars[name];
    if (!containsTemplate(raw)) continue;
    const cache = new WeakMap<object, unknown>();
    const inProgress = new WeakSet<object>();
    Object.defineProperty(vars, name, {
      enumerable: true,
      configurable: true,
      get(this: Vars) {
        if (cache.has(this)) return cache.get(this);
        if (inProgress.has(this)) throw new Error(`recursive loop detected in the template of variable "${name}"`);
        inProgress.add(this);
        try {
          const value = templar.renderDeep(raw, this, undefined, `variable "${name}"`);
          cache.set(this, value);
          return value;
        } finally {
          inProgress.delete(this);
        }
      },
    });
  }
  return vars;
}

/** A copy of `base` plus `extra`, copying getters as getters (spreading would render them all). */
export function extendVars(base: Vars, extra: Vars): Vars {
  const out = Object.defineProperties({}, Object.getOwnPropertyDescriptors(base)) as Vars;
  for (const [k, v] of Object.entries(extra)) Object.defineProperty(out, k, { value: v, enumerable: true, configurable: true, writable: true });
  return out;
}
