import type { ConnectionPool } from './connections.js';

/** The connection pools of the runs in progress in this process, so that Ctrl-C can reach their hosts. */
const active = new Set<ConnectionPool>();
let interrupted = false;

export function trackPool(pool: ConnectionPool): () => void {
  active.add(pool);
  return () => active.delete(pool);
}

/** After Ctrl-C no more results are shown and no new task starts. */
export function isInterrupted(): boolean {
  return interrupted;
}

/** Ctrl-C: kills every task still running on any host, then resolves (bounded by each connection's grace period). */
export async function interruptActiveRuns(): Promise<void> {
  interrupted = true;
  await Promise.all([...active].map((pool) => pool.interruptAll()));
}
