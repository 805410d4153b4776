import { ConfigError } from '../errors.js';
import { evaluate, evaluateCondition, ExpressionError, parseExpression } from '../expr/expression.js';
import { positionOf } from '../config/yaml.js';
import type { Module } from './types.js';

/** Modules that run on the controller alone: no round trip to the host. */

export const debugModule: Module = {
  spec: {
    name: 'debug',
    params: { msg: { type: 'raw' }, var: { type: 'str' }, verbosity: { type: 'int', default: 0 } },
    controllerOnly: true,
    rawParams: ['var'],
  },
  validate(args, context) {
    if (args['msg'] !== undefined && args['var'] !== undefined) throw new ConfigError('debug: give msg or var, not both', context.at);
    if (typeof args['var'] === 'string') parseExpression(args['var'], positionOf(args, 'var') ?? context.at);
  },
  async run(ctx, args) {
    if (typeof args['var'] === 'string') {
      let value: unknown;
      try {
        value = evaluate(parseExpression(args['var']), ctx.vars);
      } catch (err) {
        if (!(err instanceof ExpressionError)) throw err;
        value = 'VARIABLE IS NOT DEFINED!';
      }
      return { changed: false, data: { [args['var']]: value } };
    }
    return { changed: false, msg: args['msg'] === undefined ? 'Hello world!' : (args['msg'] as string), data: { msg: args['msg'] ?? 'Hello world!' } };
  },
};

export const setFactModule: Module = {
  spec: { name: 'set_fact', params: { cacheable: { type: 'bool' } }, anyParams: true, controllerOnly: true },
  async run(_ctx, args) {
    const { cacheable: _cacheable, ...facts } = args;
    return { changed: false, facts, data: { ansible_facts: facts } };
  },
};

function conditionsOf(args: Record<string, unknown>): string[] {
  const that = args['that'];
  return (Array.isArray(that) ? that : [that]).map(String);
}

export const assertModule: Module = {
  spec: {
    name: 'assert',
    params: {
      that: { type: 'raw', required: true },
      fail_msg: { type: 'raw', aliases: ['msg'] },
      success_msg: { type: 'raw' },
      quiet: { type: 'bool', default: false },
    },
    controllerOnly: true,
    rawParams: ['that'],
  },
  validate(args, context) {
    const that = args['that'];
    conditionsOf(args).forEach((c, i) => parseExpression(c, (Array.isArray(that) ? positionOf(that, i) : undefined) ?? context.at));
  },
  async run(ctx, args) {
    for (const text of conditionsOf(args)) {
      if (!evaluateCondition(parseExpression(text), ctx.vars)) {
        return { changed: false, failed: true, msg: String(args['fail_msg'] ?? 'Assertion failed'), data: { assertion: text, evaluated_to: false } };
      }
    }
    return { changed: false, msg: String(args['success_msg'] ?? 'All assertions passed') };
  },
};

export const failModule: Module = {
  spec: { name: 'fail', params: { msg: { type: 'raw', default: 'Failed as requested from task' } }, controllerOnly: true },
  async run(_ctx, args) {
    return { changed: false, failed: true, msg: String(args['msg']) };
  },
};
