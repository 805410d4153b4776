import { evaluate, evaluateCondition, ExpressionError, parseExpression } from '../expr/expression.js';
import { positionOf } from '../config/yaml.js';
import { literalEval } from '../util/python-literal.js';
import { templateText } from '../util/python-values.js';
import { defineAction } from './define.js';

/** Modules that run on the controller alone: no round trip to the host, nothing to plan. */

export const debugModule = defineAction({
  name: 'debug',
  description: 'Prints a message or the value of a variable.',
  controllerOnly: true,
  args: {
    args: {
      msg: { type: 'raw', description: 'The message (templated); "Hello world!" by default.' },
      var: { type: 'str', description: 'A variable name or expression whose value is printed (not templated).' },
      verbosity: { type: 'int', default: 0, description: 'Print only at this -v level or above.' },
    },
    mutuallyExclusive: [['msg', 'var']],
    rawArgs: ['var'],
  },
  validate(args, context) {
    if (typeof args['var'] === 'string') parseExpression(args['var'], positionOf(args, 'var') ?? context.at);
  },
  async run(ctx, args) {
    // As Ansible's debug action: above the run's -v level, the task is skipped.
    if (args.verbosity > (ctx.verbosity ?? 0)) return { changed: false, skipped: true, data: { skipped_reason: 'Verbosity threshold not met.' } };
    if (typeof args.var === 'string') {
      let value: unknown;
      try {
        value = templated(args.var, evaluate(parseExpression(args.var), ctx.vars));
      } catch (err) {
        if (!(err instanceof ExpressionError)) throw err;
        value = 'VARIABLE IS NOT DEFINED!';
      }
      return { changed: false, data: { [args.var]: value } };
    }
    return { changed: false, msg: args.msg === undefined ? 'Hello world!' : (args.msg as string), data: { msg: args.msg ?? 'Hello world!' } };
  },
});

/**
 * debug's var as Ansible's templar gives it back ("{{ var }}", ansible_eval_concat): a plain
 * name's number, boolean or null as it is; anything else written as text (null as nothing), and that text read back as
 * a Python literal when it looks like a list, a mapping or a boolean. So an expression's number
 * is text (`r.rc` shows "0"), a list stays a list.
 */
function templated(expression: string, value: unknown): unknown {
  // Templar.template's shortcut for one variable: numbers and booleans as they are, None as None.
  if (/^\s*\w+\s*$/.test(expression) && (typeof value === 'number' || typeof value === 'boolean' || value === null)) return value;
  const text = templateText(value);
  if (!(text.startsWith('{') || text.startsWith('[') || text === 'True' || text === 'False')) return text;
  // Lists, mappings and booleans come back as they were; only text that looks like one changes.
  if (typeof value !== 'string') return value;
  return literalEval(text)?.value ?? text;
}

export const setFactModule = defineAction({
  name: 'set_fact',
  description: 'Sets variables for the host, for the rest of the run.',
  controllerOnly: true,
  args: {
    args: { cacheable: { type: 'bool', description: 'Accepted for compatibility; facts are not cached between runs.' } },
    anyArgs: true,
  },
  async run(_ctx, args) {
    const { cacheable: _cacheable, ...facts } = args as Record<string, unknown>;
    return { changed: false, facts, data: { ansible_facts: facts } };
  },
});

function conditionsOf(that: unknown): string[] {
  return (Array.isArray(that) ? that : [that]).map(String);
}

export const assertModule = defineAction({
  name: 'assert',
  description: 'Fails the host unless every condition holds.',
  controllerOnly: true,
  args: {
    args: {
      that: { type: 'raw', required: true, description: 'A condition or a list of them (bare expressions, not templated).' },
      fail_msg: { type: 'raw', aliases: ['msg'], description: 'The message when a condition does not hold.' },
      success_msg: { type: 'raw', description: 'The message when all hold.' },
      quiet: { type: 'bool', default: false, description: 'Accepted for compatibility.' },
    },
    rawArgs: ['that'],
  },
  validate(args, context) {
    const that = args['that'];
    conditionsOf(that).forEach((c, i) => parseExpression(c, (Array.isArray(that) ? positionOf(that, i) : undefined) ?? context.at));
  },
  async run(ctx, args) {
    for (const text of conditionsOf(args.that)) {
      if (!evaluateCondition(parseExpression(text), ctx.vars)) {
        return { changed: false, failed: true, msg: String(args.fail_msg ?? 'Assertion failed'), data: { assertion: text, evaluated_to: false } };
      }
    }
    return { changed: false, msg: String(args.success_msg ?? 'All assertions passed') };
  },
});

export const failModule = defineAction({
  name: 'fail',
  description: 'Fails the host with a message.',
  controllerOnly: true,
  args: { args: { msg: { type: 'raw', default: 'Failed as requested from task', description: 'The message.' } } },
  async run(_ctx, args) {
    return { changed: false, failed: true, msg: String(args.msg) };
  },
});

