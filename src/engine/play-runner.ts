import { selectHosts, unmatchedTerms } from '../inventory/patterns.js';
import type { Play, Task } from '../playbook/model.js';
import { gatherFacts } from './gather-facts.js';
import { Handlers } from './handlers.js';
import { HostIterator, isMeta } from './host-iterator.js';
import { runIncludeTasks } from './include-tasks.js';
import { isInterrupted } from './interrupt.js';
import { runLinear } from './linear-strategy.js';
import { runMeta } from './meta-tasks.js';
import type { RunState } from './run-state.js';
import { type PlayRun, runTask } from './run-task.js';
import { isSelected } from './tags.js';

export type { RunSettings, RunState } from './run-state.js';

/** How a play ended, for the run to decide whether the next one runs. */
export interface PlayEnd {
  /** Every host of the play failed or was unreachable in it: ansible-playbook runs no further play. */
  readonly everyHostFailed: boolean;
}

/**
 * One play: its hosts (in the order its pattern matched them, within --limit, without hosts that
 * failed earlier), its tasks walked by the host iterator with the linear strategy, handlers at
 * the flush points.
 */
export async function runPlay(play: Play, state: RunState): Promise<PlayEnd> {
  const { events, settings } = state;
  const playId = state.newId('play');
  const started = performance.now();
  const matched = selectHosts(state.inventory, play.hosts).filter((h) => !settings.limit || settings.limit.has(h));
  const hosts = matched.filter((h) => !state.removed.has(h));
  const before = new Set(state.removed);
  for (const term of unmatchedTerms(state.inventory, play.hosts)) warnOnce(state, `Could not match supplied host pattern, ignoring: ${term}`);
  events.emit({ type: 'play_start', play_id: playId, name: play.name, pattern: play.hosts, hosts });
  if (matched.length === 0) events.emit({ type: 'no_hosts_matched', play_id: playId });
  if (hosts.length > 0) {
    const selected = (task: Task): boolean => isSelected([...task.tags, ...play.tags], settings.tags, settings.skipTags);
    const iterator = new HostIterator(play, hosts, selected, play.forceHandlers ?? settings.forceHandlers ?? false);
    const run: PlayRun = {
      play,
      hosts: matched,
      playId,
      state,
      handlers: new Handlers(play.handlers),
      unreachable: new Set(),
      ended: new Set(),
      rescuing: (host) => iterator.isRescuing(host),
      endPlay: false,
    };
    const flush = (on: readonly string[]): Promise<Set<string>> => run.handlers.flush(on, (entry, targets) => runTask(run, entry.task, entry.context, targets, 'handler'));
    await runLinear(iterator, {
      gatherFacts: (on) => gatherFacts(run, on),
      runTask: async (step, on) => {
        if (isMeta(step.task)) return flush(runMeta(run, iterator, step.task, step.context, on));
        if (step.task.include) return runIncludeTasks(run, iterator, step.task, step.context, on);
        return runTask(run, step.task, step.context, on, 'task');
      },
      flushHandlers: flush,
      unreachable: (host) => run.unreachable.has(host),
      stopped: isInterrupted,
    });
    if (hosts.every((h) => state.removed.has(h))) events.emit({ type: 'no_hosts_left', play_id: playId });
  }
  events.emit({ type: 'play_end', play_id: playId, duration_ms: Math.round(performance.now() - started) });
  // As PlaybookExecutor: the hosts that failed in this play, against every host it matched.
  const failedHere = matched.filter((h) => state.removed.has(h) && !before.has(h)).length;
  return { everyHostFailed: matched.length > 0 && failedHere === matched.length };
}

function warnOnce(state: RunState, message: string): void {
  if (state.warned.has(message)) return;
  state.warned.add(message);
  state.events.emit({ type: 'warning', message });
}
