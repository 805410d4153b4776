import { selectHosts, unmatchedTerms } from '../inventory/patterns.js';
import type { Play, Task } from '../playbook/model.js';
import { gatherFacts } from './gather-facts.js';
import { Handlers } from './handlers.js';
import { HostIterator, isMeta } from './host-iterator.js';
import { runIncludeTasks } from './include-tasks.js';
import { isInterrupted } from './interrupt.js';
import { serialBatches } from '../playbook/play-flow.js';
import { runFree } from './free-strategy.js';
import { runLinear, type StepRunner } from './linear-strategy.js';
import { runMeta } from './meta-tasks.js';
import type { RunState } from './run-state.js';
import { type PlayRun, runTask } from './run-task.js';
import { isSelected } from './tags.js';
import { withPromptedVars } from './vars-prompt.js';

export type { RunSettings, RunState } from './run-state.js';

/** How a play ended, for the run to decide whether the next one runs. */
export interface PlayEnd {
  /** A batch's every host failed or was unreachable, or the play was broken off (any_errors_fatal, max_fail_percentage): ansible-playbook runs no further play. */
  readonly everyHostFailed: boolean;
}

/**
 * One play: its hosts (in the order its pattern matched them, within --limit, without hosts that
 * failed earlier), cut into `serial` batches; each batch is a run of the play (its own
 * play_start, facts, tasks and handler flushes, as PlaybookExecutor runs the TQM per batch),
 * walked by the host iterator with the linear or the free strategy.
 */
export async function runPlay(written: Play, state: RunState): Promise<PlayEnd> {
  const { events, settings } = state;
  const play = await withPromptedVars(written, state);
  const started = performance.now();
  const matched = selectHosts(state.inventory, play.hosts).filter((h) => !settings.limit || settings.limit.has(h));
  const hosts = matched.filter((h) => !state.removed.has(h));
  for (const term of unmatchedTerms(state.inventory, play.hosts)) warnOnce(state, `Could not match supplied host pattern, ignoring: ${term}`);
  const flow = play.flow;
  const batches = hosts.length > 0 ? serialBatches(hosts, flow?.serial) : [];
  if (batches.length === 0) {
    const playId = state.newId('play');
    events.emit({ type: 'play_start', play_id: playId, name: play.name, pattern: play.hosts, hosts });
    if (matched.length === 0) events.emit({ type: 'no_hosts_matched', play_id: playId });
    events.emit({ type: 'play_end', play_id: playId, duration_ms: Math.round(performance.now() - started) });
    return { everyHostFailed: false };
  }
  const handlers = new Handlers(play.handlers);
  const failedInPlay = new Set<string>();
  const unreachable = new Set<string>();
  const ended = new Set<string>();
  const free = flow?.strategy === 'free';
  const selected = (task: Task): boolean => isSelected([...task.tags, ...play.tags], settings.tags, settings.skipTags);
  let stop = false;
  for (const batch of batches) {
    const playId = state.newId('play');
    const batchStarted = performance.now();
    const before = new Set(state.removed);
    events.emit({ type: 'play_start', play_id: playId, name: play.name, pattern: play.hosts, hosts: batch, ...(free ? { strategy: 'free' as const } : {}) });
    const flags: { breakPlay: boolean; reason?: 'any_errors_fatal' | 'max_fail_percentage' } = { breakPlay: false };
    const iterator = new HostIterator(play, batch, selected, play.forceHandlers ?? settings.forceHandlers ?? false);
    const run: PlayRun = {
      play,
      hosts: matched,
      playId,
      state,
      handlers,
      unreachable,
      ended,
      rescuing: (host) => iterator.isRescuing(host),
      endPlay: false,
      batch,
      free,
      flags,
      ...(flow?.anyErrorsFatal !== undefined ? { anyErrorsFatal: flow.anyErrorsFatal } : {}),
      ...(flow?.maxFailPercentage !== undefined ? { maxFailPercentage: flow.maxFailPercentage, failedInPlay } : {}),
    };
    const flush = (on: readonly string[]): Promise<Set<string>> => handlers.flush(on, (entry, targets) => runTask(run, entry.task, entry.context, targets, 'handler'));
    // Free: one id per task for the hosts that run it one by one.
    const taskIds = new Map<object, string>();
    const runner: StepRunner = {
      gatherFacts: (on) => gatherFacts(run, on),
      runTask: async (step, on) => {
        if (isMeta(step.task)) return flush(runMeta(run, iterator, step.task, step.context, on));
        if (step.task.include) return runIncludeTasks(run, iterator, step.task, step.context, on);
        let id = free ? taskIds.get(step) : undefined;
        if (free && id === undefined) taskIds.set(step, (id = state.newId('task')));
        return runTask(run, step.task, step.context, on, 'task', id);
      },
      flushHandlers: flush,
      unreachable: (host) => run.unreachable.has(host),
      stopped: () => isInterrupted() || flags.breakPlay,
    };
    if (free) await runFree(iterator, runner, settings.forks);
    else await runLinear(iterator, runner);
    if (flags.breakPlay) events.emit({ type: 'no_hosts_left', play_id: playId, reason: flags.reason ?? 'any_errors_fatal' });
    else if (batch.every((h) => state.removed.has(h))) events.emit({ type: 'no_hosts_left', play_id: playId });
    events.emit({ type: 'play_end', play_id: playId, duration_ms: Math.round(performance.now() - batchStarted) });
    // As PlaybookExecutor: a batch whose every host failed (or any_errors_fatal, max_fail_percentage) ends the play and the run; meta end_play ends the play.
    const failedHere = batch.filter((h) => state.removed.has(h) && !before.has(h)).length;
    if (flags.breakPlay || failedHere === batch.length) {
      stop = true;
      break;
    }
    if (run.endPlay) break;
  }
  return { everyHostFailed: stop };
}

function warnOnce(state: RunState, message: string): void {
  if (state.warned.has(message)) return;
  state.warned.add(message);
  state.events.emit({ type: 'warning', message });
}
