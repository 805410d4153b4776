import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { ConfigError, type SourcePosition } from '../errors.js';
import { type Vars, isPlainObject } from '../util/data.js';
import { filters, getPath } from './filters.js';

type Compiled = (context: unknown) => string;

/** Handlebars compiled strict (an undefined variable is an error) and never HTML-escaped. */
const handlebars = Handlebars.create();
// Output is config files, not HTML. Replacing escapeExpression (instead of `noEscape`) also avoids
// handlebars#2167, still in 4.7.10: with noEscape, `{{a}}{{b}}` on numbers 1 and 2 renders "3".
handlebars.Utils.escapeExpression = (value: unknown): string => (value === undefined || value === null ? '' : String(value));

const helperArgs = (args: unknown[]): unknown[] => args.slice(0, -1); // the last one is Handlebars' options
for (const [name, fn] of Object.entries(filters)) handlebars.registerHelper(name, (...args: unknown[]) => fn(...helperArgs(args)));

/** A value from another host: `{{hostvar host "ansible_eth1.ipv4.address"}}`. */
handlebars.registerHelper('hostvar', (host: unknown, path: unknown, options: Handlebars.HelperOptions) => {
  const hostvars = (options.data as { root?: Vars }).root?.['hostvars'];
  const value = getPath(getPath(hostvars, String(host)), String(path));
  // Strict like the rest: a missing fact is an error, not an empty line in a config file.
  if (value === undefined) throw new Error(`hostvar: host "${String(host)}" has no variable "${String(path)}" (were its facts gathered?)`);
  return value;
});

// Carries the value of a whole-value expression out of Handlebars without turning it into text.
let captured: unknown;
handlebars.registerHelper('__native', (value: unknown) => {
  captured = value;
  return '';
});

/** Reads a file on the controller, like Jinja's lookup('file', …): trailing newlines dropped. */
let fileBases: readonly string[] = [];
handlebars.registerHelper('file', (path: unknown) => {
  const p = String(path);
  for (const base of p.startsWith('/') ? [''] : fileBases) {
    try {
      return readFileSync(base ? `${base}/${p}` : p, 'utf8').replace(/\n+$/, '');
    } catch {
      // try the next base
    }
  }
  throw new Error(`file: cannot read ${p}`);
});

/** A whole value that is one expression (`"{{groups.all}}"`) keeps its type, as in Ansible. */
const SINGLE_EXPRESSION = /^\{\{\s*([^{}#/^!>&~][^{}]*?)\s*\}\}$/;

export class TemplateError extends ConfigError {}

export function hasTemplate(text: string): boolean {
  return text.includes('{{');
}

/** Renders Handlebars in playbook values and template files, with errors that name file:line. */
export class Templar {
  private readonly cache = new Map<string, Compiled>();

  /** Directories `{{file "…"}}` looks in, in order (role's, playbook's, project's). */
  setFileBases(bases: readonly string[]): void {
    fileBases = bases;
  }

  /** Compiles now so a syntax error is found before any host is touched. */
  check(text: string, at: SourcePosition | undefined): void {
    try {
      handlebars.parse(text);
    } catch (err) {
      throw new ConfigError(`template syntax error: ${oneLine((err as Error).message)}`, at);
    }
  }

  render(text: string, vars: Vars, at?: SourcePosition, where = ''): unknown {
    if (!hasTemplate(text)) return text;
    const single = SINGLE_EXPRESSION.exec(text);
    if (single) {
      const expression = (single[1] ?? '').trim();
      captured = undefined;
      this.run(`{{__native ${/\s/.test(expression) ? `(${expression})` : expression}}}`, vars, at, where, text);
      if (captured === undefined) throw undefinedVariable(expression, at, where);
      return captured;
    }
    return this.run(text, vars, at, where, text);
  }

  renderString(text: string, vars: Vars, at?: SourcePosition, where = ''): string {
    const value = this.render(text, vars, at, where);
    return typeof value === 'string' ? value : value !== null && typeof value === 'object' ? JSON.stringify(value) : String(value);
  }

  /** Renders every string inside a value (lists and mappings included). */
  renderDeep(value: unknown, vars: Vars, at?: SourcePosition, where = ''): unknown {
    if (typeof value === 'string') return this.render(value, vars, at, where);
    if (Array.isArray(value)) return value.map((v) => this.renderDeep(v, vars, at, where));
    if (isPlainObject(value)) {
      const out: Vars = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.renderDeep(v, vars, at, where);
      return out;
    }
    return value;
  }

  private run(source: string, vars: Vars, at: SourcePosition | undefined, where: string, original: string): string {
    let compiled = this.cache.get(source);
    if (!compiled) {
      try {
        compiled = handlebars.compile(source, { strict: true }) as Compiled;
      } catch (err) {
        throw new TemplateError(`template syntax error: ${oneLine((err as Error).message)}`, at);
      }
      this.cache.set(source, compiled);
    }
    try {
      return compiled(vars);
    } catch (err) {
      const e = err as Error & { lineNumber?: number; column?: number };
      const missing = /^"(.+)" not defined in/.exec(e.message);
      if (missing) {
        const expression = source === original ? mustacheAt(original, e.lineNumber, e.column) : undefined;
        throw undefinedVariable(expression ?? missing[1] ?? '?', shift(at, e.lineNumber, source === original), where);
      }
      throw new TemplateError(`template error${where ? ` in ${where}` : ''}: ${oneLine(e.message)}`, at);
    }
  }
}

function undefinedVariable(expression: string, at: SourcePosition | undefined, where: string): TemplateError {
  return new TemplateError(`undefined variable in {{${expression}}}${where ? ` (${where})` : ''}`, at);
}

/** The `{{…}}` around a line:col of a template, to name the whole path that was undefined. */
function mustacheAt(text: string, line: number | undefined, col: number | undefined): string | undefined {
  if (line === undefined || col === undefined) return undefined;
  const lines = text.split('\n');
  const offset = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + col;
  const open = text.lastIndexOf('{{', offset);
  const close = text.indexOf('}}', offset);
  return open >= 0 && close > open ? text.slice(open + 2, close).replace(/^[{~]|[}~]$/g, '').trim() : undefined;
}

/** For a template file, the error's own line is the best position. */
function shift(at: SourcePosition | undefined, line: number | undefined, sameText: boolean): SourcePosition | undefined {
  if (!at || line === undefined || !sameText || at.line !== 1 || at.col !== 1) return at;
  return { ...at, line };
}

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}
