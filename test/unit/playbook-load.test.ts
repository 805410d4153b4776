import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError, ConfigErrors } from '../../src/errors.js';
import { moduleCatalog } from '../../src/modules/registry.js';
import { loadPlaybook } from '../../src/playbook/load.js';
import { tasksIn } from '../../src/playbook/model.js';
import { validatePlaybooks } from '../../src/playbook/validate.js';
import { Templar } from '../../src/template/templar.js';
import { REPO } from '../helpers/cli.js';

const dir = join(REPO, 'test/fixtures/invalid');
const load = (name: string) => loadPlaybook(join(dir, name), moduleCatalog, REPO);
const failsWith = (re: RegExp) => (e: unknown) => e instanceof ConfigError && re.test(e.message);

describe('playbook loading and validation', () => {
  test('an unknown module and a condition that does not parse are reported with their positions', () => {
    assert.throws(() => load('many-mistakes.yml'), failsWith(/many-mistakes\.yml:6:7: unknown module or task keyword "copyy"/));
    assert.throws(() => load('bad-condition.yml'), failsWith(/bad-condition\.yml:4:\d+: cannot parse condition "x =="/));
  });

  test('validation reports every mistake at once, each with file:line:col', () => {
    assert.throws(
      () => validatePlaybooks([load('validation-mistakes.yml')], new Templar()),
      (e: unknown) => {
        assert.ok(e instanceof ConfigErrors, String(e));
        const [missing, broken, notify] = e.errors.map((x) => x.message);
        assert.match(missing ?? '', /validation-mistakes\.yml:3:7: template: src not found: nowhere\.hbs/);
        assert.equal(broken, `${dir}/templates/broken.hbs:2:1: template syntax error: {{#each}} is never closed: end it with {{/each}}`, 'at the real line of the file');
        assert.match(notify ?? '', /validation-mistakes\.yml:7:7: task "notifies nobody" notifies "restart nothing", but the play has no handler/);
        return true;
      },
    );
  });

  test('roles (tasks, handlers, defaults, templates, params) and import_playbook with sudo', () => {
    const playbook = load('valid-with-role.yml');
    validatePlaybooks([playbook], new Templar());
    const [first, imported] = playbook.plays;
    const tasks = tasksIn(first?.blocks ?? []);
    assert.equal(tasks[0]?.role, 'weave');
    assert.equal(first?.roles[0]?.params['weave_peer'], 'mesos-master-1');
    assert.equal(first?.roles[0]?.defaults['weave_range'], '10.32.0.0/12');
    assert.equal(tasksIn(first?.handlers ?? [])[0]?.name, 'restart weave');
    assert.equal(tasks[1]?.module, 'command');
    assert.equal(imported?.hosts, 'mesos-agents');
    assert.equal(imported?.become, true);
  });
});
