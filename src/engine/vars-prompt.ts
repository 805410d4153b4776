import type { Play } from '../playbook/model.js';
import { pythonStr } from '../util/python-values.js';
import type { Vars } from '../util/data.js';
import type { RunState } from './run-state.js';

export type { AskVar, VarPromptQuestion } from './ask-var.js';

/**
 * The play with its `vars_prompt` answers as play variables, as PlaybookExecutor does before the
 * play runs: a variable given with -e is not asked for; with no terminal, a warning and the
 * default (Python's str of nothing, "None", without one); an empty answer takes the default.
 */
export async function withPromptedVars(play: Play, state: RunState): Promise<Play> {
  const prompts = play.flow?.varsPrompt;
  if (!prompts || prompts.length === 0) return play;
  const answers: Vars = {};
  for (const p of prompts) {
    if (Object.prototype.hasOwnProperty.call(state.extraVars ?? {}, p.name)) continue;
    const fallback = p.default === undefined || p.default === null ? undefined : pythonStr(state.templar.renderDeep(p.default, { ...play.vars, ...state.extraVars }, p.at, 'vars_prompt default'));
    const answer = state.askVar ? await state.askVar({ name: p.name, prompt: p.prompt, default: fallback, private: p.private, confirm: p.confirm }) : undefined;
    if (answer === undefined) warnOnce(state, 'Not prompting as we are not in interactive mode');
    answers[p.name] = answer ? answer : (fallback ?? (answer === '' ? '' : 'None'));
  }
  return { ...play, vars: { ...play.vars, ...answers } };
}

function warnOnce(state: RunState, message: string): void {
  if (state.warned.has(message)) return;
  state.warned.add(message);
  state.events.emit({ type: 'warning', message });
}
