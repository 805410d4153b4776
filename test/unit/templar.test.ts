import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError } from '../../src/errors.js';
import { Templar, TemplateError } from '../../src/template/templar.js';

const t = new Templar();
const at = { file: 'play.yml', line: 7, col: 5 };

describe('Handlebars templating', () => {
  test('numbers next to each other are not added (handlebars#2167) and nothing is HTML-escaped', () => {
    assert.equal(t.render('{{a}}{{b}}', { a: 1, b: 2 }), '12');
    assert.equal(t.render('DOCKER_OPTS="{{o}}"', { o: '--bridge=weave & <x>' }), 'DOCKER_OPTS="--bridge=weave & <x>"');
  });
  test("a whole value keeps its type as Ansible's templating does: a variable's number, any expression's list, mapping or boolean; anything else is text", () => {
    assert.deepEqual(t.render('{{groups.all}}', { groups: { all: ['a', 'b'] } }), ['a', 'b']);
    assert.equal(t.render('{{n}}', { n: 3 }), 3);
    assert.equal(t.render('{{none}}', { none: null }), null);
    assert.equal(t.render('{{r.rc}}', { r: { rc: 0 } }), '0', 'a number from an expression is text ("{{ r.rc }}" is "0" in Ansible)');
    assert.equal(t.render('{{add n 1}}', { n: 3 }), '4');
    assert.equal(t.render('{{r.none}}', { r: { none: null } }), '');
    assert.equal(t.render('{{r.ok}}', { r: { ok: true } }), true);
    assert.deepEqual(t.render('{{r.list}}', { r: { list: [1] } }), [1]);
    assert.equal(t.render('{{n}}\n', { n: 3 }), '3\n');
    assert.equal(t.render('{{join xs ","}}', { xs: ['a', 'b'] }), 'a,b');
  });
  test("split, as Ansible's filter: on runs of whitespace without a separator, else on the separator", () => {
    assert.deepEqual(t.render('{{split s}}', { s: ' 10.0.15.201  10.0.15.202\n' }), ['10.0.15.201', '10.0.15.202']);
    assert.deepEqual(t.render('{{split s ","}}', { s: 'a,,b' }), ['a', '', 'b']);
    assert.deepEqual(t.render("{{split (replace s ',' ' ')}}", { s: 'a,b c' }), ['a', 'b', 'c']);
    assert.deepEqual(t.render('{{split s}}', { s: '' }), []);
  });
  test('an undefined variable names the variable and where it was used', () => {
    assert.throws(
      () => t.render('x {{weave.cidr}} y', { weave: {} }, at, 'task "Weave"'),
      (e: unknown) => e instanceof TemplateError && e.message === 'play.yml:7:5: undefined variable in {{weave.cidr}} (task "Weave")',
    );
    assert.throws(() => t.render('{{missing}}', {}, at), /undefined variable in \{\{missing\}\}/);
  });
  test('default, conditions and loops', () => {
    assert.equal(t.render('{{default missing "d"}}', {}), 'd');
    assert.equal(t.render('{{#if missing}}y{{else}}n{{/if}}', {}), 'n');
    assert.equal(t.render('{{#each xs}}{{this}}{{#unless @last}},{{/unless}}{{/each}}', { xs: [1, 2, 3] }), '1,2,3');
    assert.equal(t.render('{{groups.[mesos-masters].[0]}}', { groups: { 'mesos-masters': ['m1'] } }), 'm1');
    assert.equal(t.render('{{int (round (div (length xs) 2))}}', { xs: [1, 2, 3] }), '2', 'quorum of 3 masters (text, as Jinja gives it)');
    assert.equal(t.render('{{basename p}}', { p: '/usr/local/bin/weave' }), 'weave');
  });
  test('the IP toolkit (ip-num)', () => {
    assert.equal(t.render('{{ip_subnet "10.2.0.0/16" 24 3}}', {}), '10.2.3.0/24');
    assert.equal(t.render('{{ip_address "10.2.0.0/16" 1}}', {}), '10.2.0.1');
    assert.equal(t.render('{{ip_address "10.2.0.0/16" -2}}', {}), '10.2.255.254');
    assert.equal(t.render('{{ip_netmask "10.0.15.0/24"}}', {}), '255.255.255.0');
    assert.equal(t.render('{{ip_broadcast "10.0.15.0/24"}}', {}), '10.0.15.255');
    assert.equal(t.render('{{ip_prefix "10.32.0.0/12"}}', {}), '12');
    assert.equal(t.render('{{ip_contains "10.0.15.0/24" "10.0.15.201"}}', {}), true);
    assert.equal(t.render('{{ip_overlaps "10.32.0.0/12" "10.0.15.0/24"}}', {}), false);
    assert.throws(() => t.render('{{ip_subnet "10.2.0.0/16" 24 256}}', {}), /outside/);
  });
  test('hostvar reads another host and is strict', () => {
    const hostvars = { m1: { ansible_eth1: { ipv4: { address: '10.0.15.101' } } } };
    assert.equal(t.render('{{hostvar "m1" "ansible_eth1.ipv4.address"}}', { hostvars }), '10.0.15.101');
    assert.throws(() => t.render('{{hostvar "m1" "ansible_eth2.ipv4.address"}}', { hostvars }), /has no variable "ansible_eth2\.ipv4\.address"/);
  });
  test('syntax errors are found by check(), before any host is touched', () => {
    assert.throws(() => t.check('{{#if x}}never closed', at), (e: unknown) => e instanceof ConfigError && /^play\.yml:7:5: template syntax error/.test((e as Error).message));
    t.check('{{#if x}}fine{{/if}}', at);
  });
});

describe('values written into text, as Ansible writes them (checked with ansible-playbook)', () => {
  test('True/False, Python lists and mappings, nothing for None; a whole value keeps its type', () => {
    const t = new Templar();
    const vars = { flag: true, off: false, list: [1, 'a', true], map: { k: "it's" }, none: null, n: 3 };
    assert.equal(t.render('{{flag}} {{off}} {{list}} {{map}} [{{none}}] {{n}}', vars), "True False [1, 'a', True] {'k': \"it's\"} [] 3");
    assert.deepEqual(t.render('{{list}}', vars), [1, 'a', true]);
    assert.equal(t.renderString('{{flag}}', vars), 'True');
  });
});

describe('variables named like helpers (first, last, length, join, default)', () => {
  test('a bare {{name}} is the variable, as in Jinja; with arguments it is the helper', () => {
    const t = new Templar();
    assert.equal(t.render('{{first}} {{ last }} {{length}} {{first list}}', { first: 'one', last: 'two', length: 3, list: ['a', 'b'] }), 'one two 3 a');
    assert.throws(() => t.render('x {{first}}', {}), /undefined variable in \{\{first\}\}/);
  });
});
