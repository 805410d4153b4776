import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { modules } from '../../src/modules/registry.js';
import { validateArgs } from '../../src/modules/validate-args.js';

const at = { file: 't.yml', line: 1, col: 1 };
const check = (name: string, args: Record<string, unknown>): Record<string, unknown> => {
  const module = modules.get(name)!;
  const out = validateArgs(name, module.schema, args, at, false);
  module.validate?.(out, { at, templar: undefined as never, findFile: () => undefined });
  return out;
};

describe('system modules: arguments refused before any host is touched', () => {
  test('apt and package', () => {
    assert.throws(() => check('apt', { name: 'a', deb: '/x.deb' }), /apt: parameters are mutually exclusive: deb\|name/);
    assert.throws(() => check('apt', { state: 'present' }), /apt: one of the following is required: autoremove, deb, name, update_cache/);
    assert.throws(() => check('apt', { name: 'a', state: 'installed' }), /must be one of absent, present, latest/);
    assert.throws(() => check('apt', { name: 'a', upgrade: 'dist' }), /apt: argument "upgrade" is not implemented by provision/);
    assert.deepEqual(check('apt', { pkg: 'a, b', 'update-cache': 'yes' })['name'], ['a', 'b']);
    assert.throws(() => check('package', { name: 'a', state: 'installed' }), /package: argument "state" must be one of present, latest, absent/);
    assert.throws(() => check('package', { name: 'a' }), /package: missing required argument "state"/);
  });
  test('service and systemd', () => {
    assert.throws(() => check('service', { name: 'x', state: 'running' }), /service: argument "state" must be one of started, stopped, restarted, reloaded/);
    assert.throws(() => check('service', { name: 'x' }), /service: one of the following is required: state, enabled/);
    assert.throws(() => check('systemd', { state: 'started' }), /systemd: missing parameter\(s\) required by 'state': name/);
    assert.throws(() => check('systemd', { name: 'x' }), /one of the following is required: state, enabled, masked, daemon_reload, daemon_reexec/);
    assert.equal(check('systemd', { unit: 'docker', 'daemon-reload': true })['daemon_reload'], true);
  });
  test('get_url', () => {
    assert.throws(() => check('get_url', { url: 'http://x/a', dest: '/a', checksum: 'sha256' }), /The checksum parameter has to be in format <algorithm>:<checksum>/);
    assert.throws(() => check('get_url', { url: 'http://x/a', dest: '/a', checksum: 'sha256:zz' }), /The checksum format is invalid/);
    assert.throws(() => check('get_url', { url: 'http://x/a', dest: '/a', url_password: 'p' }), /not implemented by provision/);
    assert.equal(check('get_url', { url: 'http://x/a', dest: '/a', checksum: '{{ sum }}' })['checksum'], '{{ sum }}');
  });
  test('reboot, wait_for_connection, wait_for', () => {
    assert.throws(() => check('reboot', { reboot_timeout: 'soon' }), /reboot: argument "reboot_timeout" must be a whole number/);
    assert.throws(() => check('reboot', { boot_time_command: 'x' }), /not implemented by provision/);
    assert.equal(check('reboot', { reboot_timeout_sec: 5 })['reboot_timeout'], 5);
    assert.throws(() => check('wait_for_connection', { timeout: 'x' }), /must be a whole number/);
    assert.throws(() => check('wait_for', { port: 22, path: '/x' }), /wait_for: parameters are mutually exclusive: port\|path/);
    assert.throws(() => check('wait_for', { path: '/x', state: 'stopped' }), /state=stopped should only be used for checking a port/);
    assert.throws(() => check('wait_for', { path: '/x', search_regex: '(' }), /wait_for: Invalid regular expression/);
  });
});
