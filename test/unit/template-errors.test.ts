import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parseYaml, valueLocator } from '../../src/config/yaml.js';
import { TemplateError, Templar } from '../../src/template/templar.js';

const file = { file: 't.hbs', line: 1, col: 1 };
/** The message check() gives for a template file's text, or 'ok'. */
function checked(text: string, templar = new Templar()): string {
  try {
    templar.check(text, file);
    return 'ok';
  } catch (e) {
    assert.ok(e instanceof TemplateError, String(e));
    return e.message;
  }
}

describe('template syntax errors at their real line:col', () => {
  test('a parse error inside a file', () => {
    assert.equal(checked('line 1\nline 2 {{#if x}}\n  {{ x }\n{{/if}}\n'), 't.hbs:3:8: template syntax error: "}" does not belong here');
    assert.equal(checked("{{'unclosed}}"), `t.hbs:1:3: template syntax error: "'" does not belong here`);
  });
  test('a block never closed points at its opening', () => {
    assert.equal(checked('l1\n  {{#each hosts}}never closed'), 't.hbs:2:3: template syntax error: {{#each}} is never closed: end it with {{/each}}');
  });
  test('a mismatched close', () => {
    assert.equal(checked('{{#each xs}}{{this}}{{/eachh}}'), "t.hbs:1:4: template syntax error: each doesn't match eachh");
  });
  test('inside a YAML value: the YAML position plus the offset in the value', () => {
    const data = parseYaml('a: plain {{x}\nb: |\n  one\n    two {{#if}}\n', 'play.yml').data as Record<string, string>;
    const at = { file: 'play.yml', line: 1, col: 1 };
    const problem = (key: string): string => {
      try {
        new Templar().check(data[key] ?? '', at, valueLocator(data, key));
        return 'ok';
      } catch (e) {
        return (e as Error).message;
      }
    };
    assert.equal(problem('a'), 'play.yml:1:13: template syntax error: "}" does not belong here');
    assert.equal(problem('b'), 'play.yml:4:9: template syntax error: {{#if}} is never closed: end it with {{/if}}');
  });
});

describe('Jinja written where Handlebars is expected', () => {
  test('filters, lookups, subscripts and operators get the Handlebars to write', () => {
    assert.equal(checked("{{ x | default('a') }}"), "t.hbs:1:1: {{ x | default('a') }} is Jinja; in Handlebars write {{default x 'a'}}");
    assert.equal(checked("a\n {{ lookup('file', '/home/vagrant/.ssh/id_rsa.pub') }}"), "t.hbs:2:2: {{ lookup('file', '/home/vagrant/.ssh/id_rsa.pub') }} is Jinja; in Handlebars write {{file '/home/vagrant/.ssh/id_rsa.pub'}}");
    assert.equal(checked("{{ groups['mesos-masters'] | join(',') }}"), "t.hbs:1:1: {{ groups['mesos-masters'] | join(',') }} is Jinja; in Handlebars write {{join groups.[mesos-masters] ','}}");
    assert.equal(checked("{{ hostvars[host]['ansible_fqdn'] }}"), "t.hbs:1:1: {{ hostvars[host]['ansible_fqdn'] }} is Jinja; in Handlebars write {{hostvar host 'ansible_fqdn'}}");
    assert.equal(checked("{{ (groups['m'] | length / 2) | round | int }}"), "t.hbs:1:1: {{ (groups['m'] | length / 2) | round | int }} is Jinja; in Handlebars write {{int (round (div (length groups.m) 2))}}");
    assert.equal(checked('{{ item in groups.all }}'), 't.hbs:1:1: {{ item in groups.all }} is Jinja; in Handlebars write {{contains groups.all item}}');
  });
  test('without a one-to-one rewrite, the rule and a pointer to the docs', () => {
    assert.equal(checked('{{ x if y else z }}'), "t.hbs:1:1: {{ x if y else z }} is Jinja; in Handlebars a helper comes first and takes its arguments after it, as in {{default x 'y'}} or {{#if (eq a b)}} (see docs/templates.md)");
  });
  test('statements and comments, which Handlebars would print as text', () => {
    assert.equal(checked('a\n{% if x == 1 %}y{% endif %}'), 't.hbs:2:1: {% if x == 1 %} is Jinja; in Handlebars write {{#if (eq x 1)}}…{{/if}}');
    assert.equal(checked("{% for h in groups['all'] %}{{h}}{% endfor %}"), "t.hbs:1:1: {% for h in groups['all'] %} is Jinja; in Handlebars write {{#each groups.all as |h|}}…{{/each}}");
    assert.equal(checked('{# note #}'), 't.hbs:1:1: {# note #} is a Jinja comment; in Handlebars write {{!-- … --}}');
    assert.equal(checked('echo ${#list[@]} {{n}}'), 'ok', 'a shell ${#…} is not a Jinja comment');
    assert.equal(new Templar().render('{{string "{%"}} if x %}{{string "{#"}} c #}', {}), '{% if x %}{# c #}', 'the documented way to write them literally');
  });
});

describe('helpers, partials and file lookups', () => {
  test('an unknown helper is named with its position (it used to pass as an undefined variable)', () => {
    assert.equal(checked('line1\n  {{frobnicate x}}'), 't.hbs:2:3: unknown helper "frobnicate" in {{frobnicate x}} (see the helpers in docs/templates.md)');
    assert.equal(checked("{{defualt x 'a'}}"), `t.hbs:1:1: unknown helper "defualt" in {{defualt x 'a'}} (did you mean default?)`);
    assert.equal(checked('{{#if (is_ok x)}}y{{/if}}'), 't.hbs:1:7: unknown helper "is_ok" in {{#if (is_ok x)}} (see the helpers in docs/templates.md)');
    assert.equal(checked('{{foo.bar 1}}'), 't.hbs:1:1: unknown helper "foo.bar" in {{foo.bar 1}} (see the helpers in docs/templates.md)');
  });
  test('known helpers, sections and block parameters pass', () => {
    assert.equal(checked('{{#each xs as |x|}}{{x}}{{/each}}{{#section}}y{{/section}}{{lookup a "b"}}{{join xs ","}}{{not x}}'), 'ok');
  });
  test('partials are refused', () => {
    assert.equal(checked('{{> header}}'), 't.hbs:1:1: {{> header}}: partials are not supported: there is nothing to include');
  });
  test('an unknown helper at render time is the same error, not "undefined variable"', () => {
    assert.throws(() => new Templar().render('x {{frobnicate y}}', { y: 1 }, file), (e: unknown) => e instanceof TemplateError && e.message === 't.hbs:1:3: unknown helper "frobnicate" in {{frobnicate y}} (see the helpers in docs/templates.md)');
  });
  const dir = mkdtempSync(join(tmpdir(), 'provision-tpl-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  test('{{file "literal"}} must exist in the file bases', () => {
    writeFileSync(join(dir, 'present.txt'), 'x\n');
    const templar = new Templar();
    templar.setFileBases([dir]);
    assert.equal(checked('{{file "present.txt"}}', templar), 'ok');
    assert.equal(checked('a {{file "absent.txt"}}', templar), `t.hbs:1:3: file: cannot read absent.txt (looked in ${dir})`);
  });
});
