import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseYaml } from '../../src/config/yaml.js';
import { normalizeMode, resolveMode } from '../../src/modules/file-mode.js';
import { modules } from '../../src/modules/registry.js';
import { validateArgs } from '../../src/modules/validate-args.js';
import { parseKeyValues } from '../../src/playbook/task-parse.js';

const normalizeArgs = (name: string, args: Record<string, unknown>, where: typeof at, rendered: boolean) => validateArgs(name, modules.get(name)!.schema, args, where, rendered);
const at = { file: 't.yml', line: 1, col: 1 };

describe('module arguments', () => {
  test('modes: YAML 1.1 octal ints, octal strings, symbolic', () => {
    assert.equal(normalizeMode(0o644), '0644');
    assert.equal(normalizeMode('644'), '0644');
    assert.equal(normalizeMode('0750'), '0750');
    assert.equal(normalizeMode('u=rw,g=r,o=r'), 'u=rw,g=r,o=r');
    assert.equal(normalizeMode('rw'), undefined);
    assert.equal(resolveMode('u=rw,g=r,o=r', 0o755, false), '0644');
    assert.equal(resolveMode('a+x', 0o644, false), '0755');
    assert.equal(resolveMode('u=rwx,g=rx,o=rx', 0, false), '0755');
    assert.equal(resolveMode('go-w', 0o777, true), '0755');
  });
  test('aliases, defaults, booleans, and the position of an unknown argument', () => {
    const { data } = parseYaml('lineinfile:\n  dest: /etc/hosts\n  line: x\n  create: yes\n  lien: y\n', 'play.yml');
    const args = (data as { lineinfile: Record<string, unknown> }).lineinfile;
    assert.throws(() => normalizeArgs('lineinfile', args, at, false), /play\.yml:5:3: lineinfile: unknown argument "lien"/);
    delete args['lien'];
    const out = normalizeArgs('lineinfile', args, at, false);
    assert.deepEqual([out['path'], out['create'], out['state'], out['backrefs']], ['/etc/hosts', true, 'present', false]);
  });
  test('types and choices are checked; templated values wait until rendered', () => {
    assert.throws(() => normalizeArgs('file', { path: '/x', state: 'folder' }, at, false), /must be one of file, directory/);
    assert.throws(() => normalizeArgs('copy', { dest: '/x', content: 'a', force: 'maybe' }, at, false), /"force" must be a boolean/);
    assert.throws(() => normalizeArgs('copy', { dest: '/x' }, at, false), /one of the following is required: src, content/);
    assert.equal(normalizeArgs('file', { path: '/x', state: '{{s}}' }, at, false)['state'], '{{s}}');
    assert.throws(() => normalizeArgs('file', { path: '/x', state: 'folder' }, at, true), /must be one of/);
  });
  test('Ansible arguments provision does not implement are refused by name; mutually exclusive and required_if as Ansible', () => {
    assert.throws(() => normalizeArgs('copy', { content: 'x', dest: '/x', directory_mode: '0755' }, at, false), /copy: argument "directory_mode" is not implemented by provision/);
    assert.throws(() => normalizeArgs('file', { path: '/x', state: 'directory', recurse: true }, at, false), /file: argument "recurse" is not implemented/);
    assert.throws(() => normalizeArgs('copy', { content: 'x', src: 'a', dest: '/x' }, at, false), /parameters are mutually exclusive: src\|content/);
    assert.throws(() => normalizeArgs('lineinfile', { path: '/x', regexp: 'a', search_string: 'b', line: 'c' }, at, false), /mutually exclusive: regexp\|search_string/);
    assert.throws(() => normalizeArgs('lineinfile', { path: '/x', regexp: 'a' }, at, false), /state is present but all of the following are missing: line/);
    assert.throws(() => normalizeArgs('file', { path: '~/x' }, at, true), /"~" and \$VARIABLES in paths are not expanded/);
    assert.equal(normalizeArgs('lineinfile', { path: '/x', regexp: 'a', state: 'absent' }, at, false)['state'], 'absent');
  });
  test('k=v strings, with quotes, escapes and templates kept whole', () => {
    assert.deepEqual(parseKeyValues('dest=/etc/hosts line="{{ a }}  {{ b }}" mode=u=rw,g=r', at), { dest: '/etc/hosts', line: '{{ a }}  {{ b }}', mode: 'u=rw,g=r' });
    assert.deepEqual(parseKeyValues('content="x\\ny"', at), { content: 'x\ny' });
    assert.deepEqual(parseKeyValues('echo hi > /tmp/x creates=/tmp/x', at, ['creates', 'chdir']), { creates: '/tmp/x', _raw_params: 'echo hi > /tmp/x' });
    assert.throws(() => parseKeyValues('dest=/x oops', at), /expected key=value/);
  });
});
