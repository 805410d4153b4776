import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { placement } from '../../src/modules/file-placement.js';
import type { Plan } from '../../src/modules/plan.js';
import { modules } from '../../src/modules/registry.js';
import type { LocalContext } from '../../src/modules/types.js';
import { validateArgs } from '../../src/modules/validate-args.js';
import { Templar } from '../../src/template/templar.js';

/**
 * Planners on plans alone, as pyinfra tests its operations: each JSON file in test/modules/<module>/
 * gives arguments and the facts the module declared, and the plan it must return. No host.
 */
const DIR = new URL('../modules/', import.meta.url).pathname;
const at = { file: 'fixture.yml', line: 1, col: 1 };

interface Fixture {
  readonly description?: string;
  readonly args: Record<string, unknown>;
  /** copy/template: the bytes made on the controller, instead of reading files. */
  readonly local?: { readonly content: string; readonly sourceName?: string; readonly fromContent?: boolean };
  /** Planned as under --diff (the module may then declare more facts: ids, a tree). */
  readonly diff?: boolean;
  readonly facts: Record<string, unknown>;
  readonly plan: Record<string, unknown>;
}

/** A plan as JSON: written bytes as text; an empty msg, and diffs the fixture does not state, left out. */
function asJson(plan: Plan, fixture: Record<string, unknown>): Record<string, unknown> {
  const { diff, checkDiff, msg, ...rest } = plan;
  const changes = plan.changes.map((c) => (c.kind === 'write' ? { ...c, content: c.content.toString('utf8') } : c));
  return JSON.parse(JSON.stringify({ ...rest, changes, ...(msg ? { msg } : {}), ...('diff' in fixture ? { diff } : {}), ...('checkDiff' in fixture ? { checkDiff } : {}) })) as Record<string, unknown>;
}

for (const name of readdirSync(DIR).sort()) {
  const module = modules.get(name);
  describe(`${name} plans`, () => {
    for (const file of readdirSync(join(DIR, name)).filter((f) => f.endsWith('.json')).sort()) {
      const fixture = JSON.parse(readFileSync(join(DIR, name, file), 'utf8')) as Fixture;
      test(`${file.replace(/\.json$/, '')}${fixture.description ? `: ${fixture.description}` : ''}`, () => {
        assert.ok(module && module.kind === 'planner', `${name} is not a planner`);
        const args = validateArgs(name, module.schema, fixture.args, at, true);
        const context: LocalContext = { at, templar: new Templar(), vars: {}, diff: fixture.diff ?? false, findFile: () => undefined };
        const local = fixture.local
          ? placement(Buffer.from(fixture.local.content), fixture.local.fromContent ?? false, fixture.local.sourceName)
          : module.local(args, context);
        const declared = Object.entries(module.facts(args, local, context)).filter(([, f]) => f !== undefined).map(([k]) => k);
        assert.deepEqual(declared.sort(), Object.keys(fixture.facts).sort(), 'the facts the module declares');
        const plan = module.plan(args, fixture.facts, local);
        assert.deepEqual(asJson(plan, fixture.plan), fixture.plan);
      });
    }
  });
}
