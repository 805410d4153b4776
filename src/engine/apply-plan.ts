import type { PutOptions } from '../connection/connection.js';
import type { Change, Plan } from '../modules/plan.js';
import type { InlineExec } from './task-facts.js';

export interface PlanTarget {
  readonly exec: InlineExec;
  /** Resolves to the failure's message when the write failed (a timeout or a lost host throws). */
  put(path: string, bytes: Buffer, options: Pick<PutOptions, 'mode' | 'owner' | 'group' | 'createParents'>): Promise<string | undefined>;
}

/**
 * Applies a plan's changes in order, through the connection: a write is one put (atomic, the
 * bytes as stdin); consecutive scripts go together as one inline exec. Stops at the first failure
 * and returns its message.
 */
export async function applyPlan(plan: Plan, target: PlanTarget): Promise<string | undefined> {
  let scripts: string[] = [];
  const flush = async (): Promise<string | undefined> => {
    if (scripts.length === 0) return undefined;
    const script = `set -e\n${scripts.join('\n')}`;
    scripts = [];
    const r = await target.exec(script);
    return r.rc === 0 ? undefined : r.stderr.toString('utf8').trim() || `exit ${r.rc}`;
  };
  for (const change of plan.changes) {
    if (change.kind === 'script') {
      scripts.push(change.script);
      continue;
    }
    const failed = await flush();
    if (failed) return failed;
    const error = await applyOne(change, target);
    if (error) return error;
  }
  return flush();
}

async function applyOne(change: Exclude<Change, { kind: 'script' }>, target: PlanTarget): Promise<string | undefined> {
  if (change.kind === 'fail') return change.msg;
  return target.put(change.path, change.content, { mode: change.mode, owner: change.owner, group: change.group, ...(change.createParents ? { createParents: true } : {}) });
}
