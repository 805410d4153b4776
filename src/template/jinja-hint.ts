import { jinjaToHandlebars } from './jinja-to-handlebars.js';
import { lineColumnOf, type TemplateProblem } from './problem.js';

/**
 * Jinja written where Handlebars is expected: a problem that shows the Handlebars to write
 * instead (`{{ x | default('a') }}` is Jinja; in Handlebars write `{{default x 'a'}}`).
 */

const SEE = 'see docs/templates.md';

/** A Jinja statement (`{% if %}`, `{% for %}`, …) or comment (`{# #}`) anywhere in the text: Handlebars would print it as text. */
export function jinjaStatement(text: string): TemplateProblem | undefined {
  const statement = /\{%-?\s*(\w+)([^]*?)-?%\}/.exec(text);
  const comment = /(?<!\$)\{#[-\s][^]*?#\}/.exec(text);
  const first = [statement, comment].filter((m): m is RegExpExecArray => m !== null).sort((a, b) => a.index - b.index)[0];
  if (!first) return undefined;
  const where = lineColumnOf(text, first.index);
  if (first === comment) return { detail: `${first[0]} is a Jinja comment; in Handlebars write {{!-- … --}}`, ...where };
  const [written, keyword = '', rest = ''] = first;
  const handlebars = statementInHandlebars(keyword, rest.trim());
  return { detail: `${written} is Jinja; ${handlebars ?? `Handlebars has no such statement (${SEE})`}`, ...where };
}

function statementInHandlebars(keyword: string, rest: string): string | undefined {
  const condition = (): string | undefined => {
    const c = jinjaToHandlebars(rest);
    return c === undefined ? undefined : /\s/.test(c) ? `(${c})` : c;
  };
  switch (keyword) {
    case 'if': {
      const c = condition();
      return c && `in Handlebars write {{#if ${c}}}…{{/if}}`;
    }
    case 'elif': {
      const c = condition();
      return c && `in Handlebars write {{else if ${c}}}`;
    }
    case 'else':
      return 'in Handlebars write {{else}}';
    case 'endif':
      return 'in Handlebars write {{/if}}';
    case 'endfor':
      return 'in Handlebars write {{/each}}';
    case 'for': {
      const m = /^(\w+)\s+in\s+([^]+)$/.exec(rest);
      const list = m ? jinjaToHandlebars(m[2] ?? '') : undefined;
      return m && list ? `in Handlebars write {{#each ${/\s/.test(list) ? `(${list})` : list} as |${m[1]}|}}…{{/each}}` : undefined;
    }
    case 'set':
      return 'set variables with vars: or set_fact: in the playbook';
    case 'raw':
    case 'endraw':
      return 'in Handlebars a backslash keeps a mustache as text: \\{{not_a_template}}';
    default:
      return undefined;
  }
}

/**
 * Whether one `{{…}}` is written as Jinja: a `|` filter, a call `f(…)`, a subscript `x[…]`,
 * or an operator. Undefined when it reads as Handlebars.
 */
export function jinjaExpression(mustache: string, at: { line: number; column: number }): TemplateProblem | undefined {
  const inner = mustache.replace(/^\{\{~?/, '').replace(/~?\}\}$/, '').trim();
  if (/^[#/^>!&]|^else\b/.test(inner)) return undefined;
  const bare = inner.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""');
  const jinja =
    /\|/.test(bare) ||
    /[\w\]]\(/.test(bare) ||
    /[\w\])]\[/.test(bare) ||
    /==|!=|<=|>=|[<>~+*%]|\s(and|or|not|in|is|if)\s/.test(bare);
  if (!jinja) return undefined;
  const handlebars = jinjaToHandlebars(inner);
  const detail = handlebars
    ? `${mustache} is Jinja; in Handlebars write {{${handlebars}}}`
    : `${mustache} is Jinja; in Handlebars a helper comes first and takes its arguments after it, as in {{default x 'y'}} or {{#if (eq a b)}} (${SEE})`;
  return { detail, ...at };
}
