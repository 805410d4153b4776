import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import Handlebars from 'handlebars';
import { literalLocator, type TextLocator } from '../config/yaml.js';
import { ConfigError, type SourcePosition } from '../errors.js';
import { type Vars, isPlainObject } from '../util/data.js';
import { templateText } from '../util/python-values.js';
import { kindOf } from '../util/safe-fs.js';
import { filters, getPath } from './filters.js';
import { templateCalls } from './helper-check.js';
import { jinjaExpression, jinjaStatement } from './jinja-hint.js';
import { lineColumnOf, mustacheAround, offsetOf, type TemplateProblem } from './problem.js';
import { syntaxProblem } from './syntax-error.js';

type Compiled = (context: unknown) => string;

// Output is config files, not HTML, and values are written as Ansible's Jinja writes them (True,
// [1, 'a'], nothing for None). Replacing escapeExpression (instead of `noEscape`) also avoids
// handlebars#2167, still in 4.7.10: with noEscape, `{{a}}{{b}}` on numbers 1 and 2 renders "3".
// Handlebars shares its Utils between environments, so this holds for the whole process.
Handlebars.Utils.escapeExpression = templateText;

const helperArgs = (args: unknown[]): unknown[] => args.slice(0, -1); // the last one is Handlebars' options

/** A value from another host: `{{hostvar host "ansible_eth1.ipv4.address"}}`. */
function hostvar(host: unknown, path: unknown, options: Handlebars.HelperOptions): unknown {
  const hostvars = (options.data as { root?: Vars }).root?.['hostvars'];
  const value = getPath(getPath(hostvars, String(host)), String(path));
  // Strict like the rest: a missing fact is an error, not an empty line in a config file.
  if (value === undefined) throw new Error(`hostvar: host "${String(host)}" has no variable "${String(path)}" (were its facts gathered?)`);
  return value;
}

/** A whole value that is one expression (`"{{groups.all}}"`) keeps its type, as in Ansible. */
const SINGLE_EXPRESSION = /^\{\{\s*([^{}#/^!>&~][^{}]*?)\s*\}\}$/;

export class TemplateError extends ConfigError {}

export function hasTemplate(text: string): boolean {
  return text.includes('{{');
}

/** Text worth checking: Handlebars, or Jinja statements that Handlebars would print as they are. */
export function mayHoldTemplate(text: string): boolean {
  return text.includes('{{') || text.includes('{%') || text.includes('{#');
}

/** Helpers of Handlebars' own that are internal, not for templates to call. */
const INTERNAL_HELPERS = new Set(['__native', 'helperMissing', 'blockHelperMissing']);

/** Renders Handlebars in playbook values and template files, with errors that name file:line. */
export class Templar {
  private readonly cache = new Map<string, Compiled>();
  /** Handlebars compiled strict (an undefined variable is an error), with this templar's helpers. */
  private readonly handlebars = Handlebars.create();
  /** Directories `{{file "…"}}` looks in, in order (the playbook's, then the project's). */
  private fileBases: readonly string[] = [];
  /** Carries the value of a whole-value expression out of Handlebars without turning it into text. */
  private captured: unknown;
  /** Texts already checked (validation, then every render of the same text, checks once). */
  private readonly checked = new Set<string>();

  constructor() {
    const hb = this.handlebars;
    for (const [name, fn] of Object.entries(filters)) hb.registerHelper(name, (...args: unknown[]) => fn(...helperArgs(args)));
    hb.registerHelper('hostvar', hostvar);
    hb.registerHelper('__native', (value: unknown) => {
      this.captured = value;
      return '';
    });
    hb.registerHelper('file', (path: unknown) => this.readControllerFile(String(path)));
  }

  setFileBases(bases: readonly string[]): void {
    this.fileBases = bases;
  }

  /** Reads a file on the controller, like Jinja's lookup('file', …): trailing newlines dropped. */
  private readControllerFile(path: string): string {
    const found = this.findControllerFile(path);
    try {
      if (found !== undefined) return readFileSync(found, 'utf8').replace(/\n+$/, '');
    } catch {
      // reported below
    }
    throw new Error(`file: cannot read ${path}`);
  }

  /** Where `{{file path}}` reads: an absolute path, else the first base holding it. */
  private findControllerFile(path: string): string | undefined {
    // `~/…` is the controller user's home, as Ansible's lookup expands it.
    if (path === '~' || path.startsWith('~/')) path = join(homedir(), path.slice(1));
    const candidates = isAbsolute(path) ? [path] : this.fileBases.map((base) => join(base, path));
    return candidates.find((candidate) => kindOf(candidate) === 'file');
  }

  /**
   * Checks a template before any host is touched: syntax (at its real line:col), Jinja written
   * instead of Handlebars, unknown helpers, partials, and `{{file "…"}}` files that do not exist.
   * `locate` maps a place in the text to the file (see valueLocator); without it, a text at
   * file:1:1 is a whole file, and any other is placed at `at`.
   */
  check(text: string, at: SourcePosition | undefined, locate?: TextLocator): void {
    if (this.checked.has(text)) return;
    let problem: TemplateProblem | undefined;
    try {
      problem = this.problemIn(text);
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      problem = { detail: 'the template is nested too deeply to read', line: 1, column: 0 };
    }
    if (problem) {
      const where = locate ?? (at && at.line === 1 && at.col === 1 ? literalLocator(at) : undefined);
      throw new TemplateError(problem.detail, where ? where(problem.line, problem.column) : at);
    }
    this.checked.add(text);
  }

  private problemIn(text: string): TemplateProblem | undefined {
    const statement = jinjaStatement(text);
    if (statement) return statement;
    let program: hbs.AST.Program;
    try {
      program = this.handlebars.parse(text);
    } catch (err) {
      const problem = syntaxProblem(err, text);
      const around = mustacheAround(text, offsetOf(text, problem.line, problem.column));
      const jinja = around && jinjaExpression(around.source, lineColumnOf(text, around.start));
      return jinja ?? { ...problem, detail: `template syntax error: ${problem.detail}` };
    }
    const calls = templateCalls(program, (name) => Object.prototype.hasOwnProperty.call(this.handlebars.helpers, name) && !INTERNAL_HELPERS.has(name));
    if (calls.problem) {
      const { kind, statement, line, column, detail, suggestion } = calls.problem;
      // The statement's opening mustache, as written (a block's body is not part of the message).
      const start = statement.loc ? offsetOf(text, statement.loc.start.line, statement.loc.start.column) : 0;
      const close = text.indexOf('}}', start);
      const mustache = close < 0 ? text.slice(start) : text.slice(start, close + 2);
      const described = kind === 'unknown helper' ? `${detail} in ${mustache}${suggestion}` : `${mustache}: ${detail}`;
      return jinjaExpression(mustache, lineColumnOf(text, start)) ?? { detail: described, line, column };
    }
    for (const lookup of calls.fileLookups) {
      if (this.fileBases.length > 0 && this.findControllerFile(lookup.path) === undefined) {
        return { detail: `file: cannot read ${lookup.path} (looked in ${isAbsolute(lookup.path) || lookup.path.startsWith('~') ? '/' : this.fileBases.join(', ')})`, line: lookup.line, column: lookup.column };
      }
    }
    return undefined;
  }

  render(text: string, vars: Vars, at?: SourcePosition, where = ''): unknown {
    if (!hasTemplate(text)) return text;
    this.check(text, at);
    const single = SINGLE_EXPRESSION.exec(text);
    if (single) {
      const expression = (single[1] ?? '').trim();
      this.captured = undefined;
      this.run(`{{__native ${/\s/.test(expression) ? `(${expression})` : expression}}}`, vars, at, where, text);
      if (this.captured === undefined) throw undefinedVariable(expression, at, where);
      return VARIABLE_NAME.test(expression) ? this.captured : expressionValue(this.captured);
    }
    return this.run(text, vars, at, where, text);
  }

  /** A bare `{{name}}` where name is also a helper reads the variable (`{{./name}}`): no helper takes nothing. */
  private variablesOverHelpers(source: string): string {
    return source.replace(BARE_MUSTACHE, (whole, open: string, name: string, close: string) =>
      Object.prototype.hasOwnProperty.call(this.handlebars.helpers, name) && !INTERNAL_HELPERS.has(name) ? `{{${open}./${name}${close}}}` : whole,
    );
  }

  renderString(text: string, vars: Vars, at?: SourcePosition, where = ''): string {
    const value = this.render(text, vars, at, where);
    return templateText(value);
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
        compiled = this.handlebars.compile(this.variablesOverHelpers(source), { strict: true }) as Compiled;
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

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A whole value that is an expression other than one variable name, as Ansible's templating
 * (jinja2_native off) gives it: its text, read back only when it looks like a list, a mapping or
 * a boolean; so a number becomes text ("4") and None nothing, while lists, mappings and booleans
 * keep their type.
 */
function expressionValue(value: unknown): unknown {
  if (typeof value === 'number') return templateText(value);
  if (value === null) return '';
  return value;
}

/** `{{first}}` alone: Handlebars would call the helper `first` with nothing; as in Jinja it is the variable. */
const BARE_MUSTACHE = /\{\{(~?)\s*([A-Za-z_][A-Za-z0-9_]*)\s*(~?)\}\}/g;

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
