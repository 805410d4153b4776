import { evaluate, evaluateCondition, ExpressionError, parseExpression } from '../expr/expression.js';
import { positionOf } from '../config/yaml.js';
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
    if (typeof args.var === 'string') {
      let value: unknown;
      try {
        value = evaluate(parseExpression(args.var), ctx.vars);
      } catch (err) {
        if (!(err instanceof ExpressionError)) throw err;
        value = 'VARIABLE IS NOT DEFINED!';
      }
      return { changed: false, data: { [args.var]: value } };
    }
    return { changed: false, msg: args.msg === undefined ? 'Hello world!' : (args.msg as string), data: { msg: args.msg ?? 'Hello world!' } };
  },
});

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

