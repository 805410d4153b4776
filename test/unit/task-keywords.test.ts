import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { becomeFor, remoteUserFor, taskForHost } from '../../src/engine/task-keywords.js';
import type { RunSettings } from '../../src/engine/run-state.js';
import type { KeywordTemplates } from '../../src/playbook/keyword-values.js';
import type { Play, Task } from '../../src/playbook/model.js';
import { Templar } from '../../src/template/templar.js';

const at = { file: 'site.yml', line: 3, col: 5 };
const templates = (spec: Record<string, string>): KeywordTemplates => Object.fromEntries(Object.entries(spec).map(([k, text]) => [k, { text, at }]));
const task = (fields: Partial<Task> = {}): Task => ({ kind: 'task', name: 't', ignoreErrors: false, noLog: false, templated: {}, ...fields }) as Task;
const play = (fields: Partial<Play> = {}): Play => ({ templated: {}, ...fields }) as Play;
const settings = (fields: Partial<RunSettings> = {}): RunSettings => ({ become: undefined, becomeUser: undefined, becomePassword: undefined, ...fields }) as RunSettings;
const templar = new Templar();

describe('keywords written as templates, rendered per host and item (checked with ansible-playbook: ignore_errors, no_log, become, become_user per item)', () => {
  test('ignore_errors, no_log, check_mode, diff take the host\'s values; plain tasks are used as they are', () => {
    const t = task({ templated: templates({ ignore_errors: '{{lenient}}', no_log: '{{quiet}}' }) });
    const onHost = taskForHost(t, { lenient: 'true', quiet: 'yes' }, templar);
    assert.deepEqual([onHost.ignoreErrors, onHost.noLog], [true, true]);
    const plain = task();
    assert.equal(taskForHost(plain, {}, templar), plain);
    assert.throws(() => taskForHost(task({ templated: templates({ no_log: '{{x}}' }) }), { x: 'maybe' }, templar), /site\.yml:3:5: the field 'no_log' has an invalid value \(maybe\), and could not be converted to a bool/);
  });
  test("become: the host's ansible_become* variables > task > play > command line; become_user from the item", () => {
    const t = task({ templated: templates({ become: '{{on}}', become_user: '{{item}}' }) });
    assert.deepEqual(becomeFor(t, play(), { inventory_hostname: 'h', on: true, item: 'nobody' }, templar, settings()), { user: 'nobody', password: undefined });
    assert.equal(becomeFor(t, play(), { inventory_hostname: 'h', on: false, item: 'x' }, templar, settings({ become: true })), undefined);
    const p = play({ become: true, templated: templates({ become_user: '{{app_user}}' }) });
    assert.deepEqual(becomeFor(task(), p, { inventory_hostname: 'h', app_user: 'app' }, templar, settings({ becomeUser: 'cli' })), { user: 'app', password: undefined });
    assert.deepEqual(becomeFor(task({ becomeUser: 'task' }), p, { inventory_hostname: 'h', ansible_become_user: 'var', app_user: 'app' }, templar, settings()), { user: 'var', password: undefined });
    assert.deepEqual(becomeFor(task(), play(), { inventory_hostname: 'h' }, templar, settings({ become: true })), { user: 'root', password: undefined });
  });
  test('remote_user of the play, per host', () => {
    assert.equal(remoteUserFor(play({ templated: templates({ remote_user: '{{u}}' }) }), { u: 'deploy' }, templar), 'deploy');
    assert.equal(remoteUserFor(play({ remoteUser: 'plain' }), {}, templar), 'plain');
  });
});
