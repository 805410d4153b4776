import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Tries `attempt` until it succeeds or `timeoutMs` has passed (bounded, never forever), sleeping
 * between tries with Ansible's backoff (1, 2, 4… s, at most `maxSleepMs`). Throws the last error
 * as `Timed out …` when the time is up.
 */
export async function untilSuccess<T>(attempt: () => Promise<T>, timeoutMs: number, describe: (last: string) => string, maxSleepMs = 12_000, firstSleepMs = 1000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let wait = firstSleepMs;
  let last = 'no attempt was made';
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      last = (err as Error).message?.split('\n').filter(Boolean).pop() ?? String(err);
    }
    const left = end - Date.now();
    if (left <= 0) throw new Error(describe(last));
    await sleep(Math.min(wait, maxSleepMs, left));
    wait *= 2;
  }
}
