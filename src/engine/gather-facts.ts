import { UnreachableError } from '../connection/connection.js';
import { evaluateCondition } from '../expr/expression.js';
import { FACTS_SCRIPT, parseFacts } from '../facts/gather.js';
import type { Vars } from '../util/data.js';
import { mapLimit } from '../util/process.js';
import type { PlayRun } from './run-task.js';
import { remoteUserFor } from './task-keywords.js';

/** "Gathering Facts": one round trip per host; a host already gathered in this run is not asked again. Returns the hosts that failed. */
export async function gatherFacts(run: PlayRun, hosts: readonly string[]): Promise<Set<string>> {
  const { state, play, playId } = run;
  const taskId = state.newId('task');
  const failed = new Set<string>();
  // Every host's variables first, as for any task (a vars_files entry that cannot be read ends the run here).
  const varsOf = new Map(hosts.map((h) => [h, state.variables.forTask(h, { play })]));
  state.events.emit({ type: 'task_start', task_id: taskId, play_id: playId, name: 'Gathering Facts', kind: 'task', action: 'gather_facts', hosts });
  await mapLimit(hosts, state.settings.forks, async (host) => {
    const started = performance.now();
    let outcome: { status: 'ok' | 'failed' | 'unreachable' | 'skipped'; result: Vars };
    const vars = varsOf.get(host) ?? state.variables.forTask(host, { play });
    if (play.when && !play.when.every((c) => evaluateCondition(c.expression, vars))) {
      // import_playbook's when: the setup task has it too.
      outcome = { status: 'skipped', result: { changed: false, skipped: true, skip_reason: 'Conditional result was False' } };
    } else if (state.variables.hasFacts(host)) {
      outcome = { status: 'ok', result: { changed: false } };
    } else {
      try {
        const connection = await state.pool.get(host, vars, remoteUserFor(play, vars, state.templar));
        const r = await connection.exec(FACTS_SCRIPT, { inline: true });
        if (r.rc !== 0) throw new Error(`fact gathering failed: ${r.stderr.toString('utf8').trim() || `exit ${r.rc}`}`);
        state.variables.setFacts(host, parseFacts(r.stdout.toString('utf8')));
        outcome = { status: 'ok', result: { changed: false } };
      } catch (err) {
        const unreachable = err instanceof UnreachableError;
        outcome = { status: unreachable ? 'unreachable' : 'failed', result: { changed: false, msg: (err as Error).message, ...(unreachable ? { unreachable: true } : { failed: true }) } };
      }
    }
    if (outcome.status === 'failed' || outcome.status === 'unreachable') {
      failed.add(host);
      state.removed.add(host);
      if (outcome.status === 'unreachable') run.unreachable.add(host);
    }
    state.events.emit({
      type: 'host_result',
      task_id: taskId,
      play_id: playId,
      host,
      status: outcome.status,
      changed: false,
      ignored: false,
      duration_ms: Math.round(performance.now() - started),
      result: outcome.result,
    });
  });
  return failed;
}
