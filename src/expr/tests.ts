import { compare, contains, equal, PythonTypeError, truthy } from '../util/python-values.js';

/**
 * `x is <test>`: Jinja's tests and Ansible's result tests, as they decide. `undefined` is a value
 * that is not defined (only `defined`/`undefined` accept it; the caller checks that).
 */
export type Test = (value: unknown, ...args: unknown[]) => boolean;

const isMapping = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Ansible's result tests (`result is failed`) take a registered result. */
function resultTest(name: string, decide: (r: Record<string, unknown>) => boolean): Test {
  return (v) => {
    if (!isMapping(v)) throw new PythonTypeError(`The '${name}' test expects a dictionary`);
    return decide(v);
  };
}

const number = (v: unknown, name: string): number => {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  throw new PythonTypeError(`the ${name} test needs a number`);
};

/** A loop's result without its own `changed` is changed when an item is. */
function changed(r: Record<string, unknown>): boolean {
  if ('changed' in r) return truthy(r['changed']);
  const results = r['results'];
  return Array.isArray(results) && results.some((x) => isMapping(x) && truthy(x['changed']));
}

export const TESTS: Readonly<Record<string, Test>> = {
  defined: (v) => v !== undefined,
  undefined: (v) => v === undefined,
  none: (v) => v === null,
  // Jinja: a boolean is a number; a string, list or mapping is a sequence (it has a length).
  boolean: (v) => typeof v === 'boolean',
  true: (v) => v === true,
  false: (v) => v === false,
  integer: (v) => typeof v === 'number' && Number.isInteger(v),
  float: (v) => typeof v === 'number' && !Number.isInteger(v),
  number: (v) => typeof v === 'number' || typeof v === 'boolean',
  string: (v) => typeof v === 'string',
  mapping: (v) => isMapping(v),
  sequence: (v) => typeof v === 'string' || (v !== null && typeof v === 'object'),
  iterable: (v) => typeof v === 'string' || (v !== null && typeof v === 'object'),
  lower: (v) => typeof v === 'string' && v === v.toLowerCase(),
  upper: (v) => typeof v === 'string' && v === v.toUpperCase(),
  even: (v) => number(v, 'even') % 2 === 0,
  odd: (v) => Math.abs(number(v, 'odd') % 2) === 1,
  divisibleby: (v, n) => number(v, 'divisibleby') % number(n, 'divisibleby') === 0,
  eq: (v, other) => equal(v, other),
  equalto: (v, other) => equal(v, other),
  '==': (v, other) => equal(v, other),
  ne: (v, other) => !equal(v, other),
  '!=': (v, other) => !equal(v, other),
  lt: (v, other) => compare('<', v, other),
  le: (v, other) => compare('<=', v, other),
  gt: (v, other) => compare('>', v, other),
  ge: (v, other) => compare('>=', v, other),
  in: (v, container) => contains(container, v),
  sameas: (v, other) => v === other,
  truthy: (v) => truthy(v),
  falsy: (v) => !truthy(v),
  // Ansible's tests of a registered result.
  failed: resultTest('failed', (r) => truthy(r['failed'])),
  failure: resultTest('failure', (r) => truthy(r['failed'])),
  succeeded: resultTest('succeeded', (r) => !truthy(r['failed'])),
  success: resultTest('success', (r) => !truthy(r['failed'])),
  successful: resultTest('successful', (r) => !truthy(r['failed'])),
  changed: resultTest('changed', changed),
  change: resultTest('change', changed),
  skipped: resultTest('skipped', (r) => truthy(r['skipped'])),
  skip: resultTest('skip', (r) => truthy(r['skipped'])),
  unreachable: resultTest('unreachable', (r) => truthy(r['unreachable'])),
  reachable: resultTest('reachable', (r) => !truthy(r['unreachable'])),
};
