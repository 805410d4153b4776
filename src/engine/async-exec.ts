import { setTimeout as sleep } from 'node:timers/promises';
import type { ExecOptions, ExecResult } from '../connection/connection.js';
import { type JobMeta, LAUNCH_SCRIPT, newJobId, parseJobState, STATUS_SCRIPT } from '../modules/async-job.js';
import { ModuleFailure, type TextResult } from '../modules/types.js';
import type { Vars } from '../util/data.js';

/** `poll: 0`: the job was started and the task ends here (fire and forget). */
export class AsyncStarted extends Error {
  constructor(
    readonly jid: string,
    readonly path: string,
  ) {
    super(`async job ${jid} started`);
  }
}

/** What a polled job reports as it goes (Ansible's ASYNC POLL / ASYNC OK / ASYNC FAILED lines). */
export type AsyncProgress = { readonly state: 'poll'; readonly jid: string; readonly started: number; readonly finished: number } | { readonly state: 'ok' | 'failed'; readonly jid: string };

export interface AsyncSettings {
  /** `async:` in seconds: the job's time limit, and how long a polling task waits. */
  readonly limitSeconds: number;
  /** `poll:` in seconds; 0: do not wait. */
  readonly pollSeconds: number;
  readonly onProgress?: ((progress: AsyncProgress) => void) | undefined;
}

type Run = (script: string, options: Pick<ExecOptions, 'stdin' | 'env' | 'inline'>) => Promise<ExecResult>;

/** The fields an async task's result carries about its job. */
export interface JobFields {
  readonly jid: string;
  readonly path: string;
}

/**
 * Runs a module's command as an async job: starts it (one round trip), then with `poll` reads its
 * status every `poll` seconds (one round trip each; a finished job's output comes with it and its
 * files are removed) until it ends or `async` seconds have passed, as TaskExecutor._poll_async_result.
 */
export async function runAsyncJob(
  run: Run,
  script: string,
  options: { readonly stdin?: Buffer | string | undefined; readonly env?: Readonly<Record<string, string>> | undefined; readonly job: JobMeta },
  settings: AsyncSettings,
  started: (job: JobFields) => void,
): Promise<TextResult> {
  const jid = newJobId();
  const launched = await run(LAUNCH_SCRIPT, {
    stdin: options.stdin ?? '',
    env: { ...options.env, PROVISION_JID: jid, PROVISION_JOB: script, PROVISION_JOB_META: JSON.stringify(options.job), PROVISION_JOB_LIMIT: String(jobKillAfter(settings.limitSeconds)) },
  });
  const path = launched.stdout.toString('utf8').trim();
  if (launched.rc !== 0 || path === '') throw new ModuleFailure(`could not start the async job: ${launched.stderr.toString('utf8').trim() || `exit ${launched.rc}`}`);
  started({ jid, path });
  if (settings.pollSeconds <= 0) throw new AsyncStarted(jid, path);
  let left = settings.limitSeconds;
  while (left > 0) {
    await sleep(settings.pollSeconds * 1000);
    left -= settings.pollSeconds;
    // (Not inline: the session protocol's inline runs do not get their env.)
    const read = await run(STATUS_SCRIPT, { env: { PROVISION_JID: jid, PROVISION_JOB_ERASE_DONE: '1' } });
    const state = parseJobState(read.stdout.toString('utf8'));
    if (state.kind === 'finished') {
      settings.onProgress?.({ state: state.rc === 0 ? 'ok' : 'failed', jid });
      return { rc: state.rc, stdout: state.stdout, stderr: state.stderr, times: { startMs: state.startMs, endMs: state.endMs } };
    }
    if (state.kind === 'other' || state.kind === 'missing') {
      settings.onProgress?.({ state: 'failed', jid });
      const data: Vars = state.kind === 'other' ? { ...state.data, ansible_job_id: jid, finished: 1 } : { ansible_job_id: jid, started: 1, finished: 1 };
      throw new ModuleFailure(String(data['msg'] ?? 'could not find job'), data);
    }
    settings.onProgress?.({ state: 'poll', jid, started: 1, finished: 0 });
  }
  settings.onProgress?.({ state: 'failed', jid });
  throw new ModuleFailure(`async task did not complete within the requested time - ${settings.limitSeconds}s`, {
    async_result: { ansible_job_id: jid, finished: 0, results_file: path, started: 1, stderr: '', stderr_lines: [], stdout: '', stdout_lines: [] },
  });
}

/** When a job is killed: as async_wrapper's watcher, which looks every 5 s after a first 5 s wait. */
export function jobKillAfter(limitSeconds: number): number {
  return 5 + 5 * Math.ceil(Math.max(0, limitSeconds) / 5);
}
