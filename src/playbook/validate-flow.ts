import { ConfigError, type SourcePosition } from '../errors.js';
import { mayHoldTemplate, type Templar } from '../template/templar.js';
import { isPlainObject } from '../util/data.js';
import type { TaskFlow } from './flow-keywords.js';
import type { PlayFlow } from './play-flow.js';

/** The templates in a task's (or play's) flow keywords, checked before the first connection. */
export function checkFlowTemplates(flow: TaskFlow | PlayFlow | undefined, templar: Templar, at: SourcePosition): void {
  if (!flow) return;
  const check = (text: unknown): void => {
    if (typeof text === 'string' && mayHoldTemplate(text)) templar.check(text, at);
  };
  if ('delegateTo' in flow) check(flow.delegateTo);
  for (const key of ['retries', 'delay', 'async', 'poll'] as const) {
    const value = (flow as TaskFlow)[key];
    if (typeof value === 'object') templar.check(value.text, value.at);
  }
  for (const entry of flow.environment ?? []) {
    if (isPlainObject(entry)) for (const v of Object.values(entry)) check(v);
    else check(entry);
  }
}

/** Modules whose command provision can run as an async job. */
const ASYNC_MODULES = new Set(['command', 'shell']);

/** `async:` is for command and shell (the job is their command, run by sh on the host). */
export function checkAsyncModule(module: string, flow: TaskFlow | undefined, at: SourcePosition): void {
  if (flow?.async === undefined || ASYNC_MODULES.has(module)) return;
  if (typeof flow.async === 'number' && flow.async <= 0) return;
  throw new ConfigError(`"async" is supported for command and shell tasks only (this task runs ${module})`, at);
}
