import type { Vars } from '../util/data.js';
import type { FactRequests, FactValues } from './facts/fact.js';
import type { Plan } from './plan.js';
import type { ArgsOf, ArgSpecs, ArgsSchema } from './schema.js';
import type { ActionContext, ActionModule, LocalContext, ModuleResult, PlannerModule, ValidationContext } from './types.js';

export interface PlannerDefinition<S extends ArgSpecs, L, F extends FactRequests> {
  readonly name: string;
  /** The Ansible collection whose module this stands in for (its fully qualified name is collection.name); ansible.builtin when not given. */
  readonly collection?: string;
  readonly description: string;
  readonly args: ArgsSchema<S>;
  validate?(args: Vars, context: ValidationContext): void;
  local?(args: ArgsOf<S>, context: LocalContext): L;
  facts(args: ArgsOf<S>, local: L, context: LocalContext): F;
  plan(args: ArgsOf<S>, facts: FactValues<F>, local: L): Plan;
}

/**
 * A planner from its schema, its facts and its plan function. The schema types the arguments
 * the other functions receive (the engine validates them against it first).
 */
export function defineModule<const S extends ArgSpecs, L, F extends FactRequests>(def: PlannerDefinition<S, L, F>): PlannerModule {
  const typed = (args: Vars): ArgsOf<S> => args as ArgsOf<S>;
  return {
    kind: 'planner',
    name: def.name,
    ...(def.collection ? { collection: def.collection } : {}),
    description: def.description,
    schema: def.args as unknown as ArgsSchema, // erased: the registry holds every module alike
    ...(def.validate ? { validate: def.validate } : {}),
    local: (args, context) => (def.local ? def.local(typed(args), context) : undefined),
    facts: (args, local, context) => def.facts(typed(args), local as L, context),
    plan: (args, facts, local) => def.plan(typed(args), facts as FactValues<F>, local as L),
  };
}

export interface ActionDefinition<S extends ArgSpecs, F extends FactRequests> {
  readonly name: string;
  /** The Ansible collection whose module this stands in for (its fully qualified name is collection.name); ansible.builtin when not given. */
  readonly collection?: string;
  readonly description: string;
  readonly args: ArgsSchema<S>;
  readonly controllerOnly?: boolean;
  /** What it does under --check, for the reference (controller modules: the same as without). */
  readonly checkMode?: string;
  validate?(args: Vars, context: ValidationContext): void;
  facts?(args: ArgsOf<S>): F;
  run(ctx: ActionContext, args: ArgsOf<S>, facts: FactValues<F>): Promise<ModuleResult>;
}

/** An action: a module that learns its result only by running. */
export function defineAction<const S extends ArgSpecs, F extends FactRequests = Record<never, never>>(def: ActionDefinition<S, F>): ActionModule {
  const typed = (args: Vars): ArgsOf<S> => args as ArgsOf<S>;
  const facts = def.facts;
  return {
    kind: 'action',
    name: def.name,
    ...(def.collection ? { collection: def.collection } : {}),
    description: def.description,
    schema: def.args as unknown as ArgsSchema, // erased: the registry holds every module alike
    controllerOnly: def.controllerOnly ?? false,
    checkMode: def.checkMode ?? 'Runs as without --check: it changes nothing on the host.',
    ...(def.validate ? { validate: def.validate } : {}),
    ...(facts ? { facts: (args: Vars) => facts(typed(args)) } : {}),
    run: (ctx, args, values) => def.run(ctx, typed(args), values as FactValues<F>),
  };
}
