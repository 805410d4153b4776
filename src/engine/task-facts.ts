import { type Fact, type FactRequests, gatherScript, splitGathered } from '../modules/facts/fact.js';
import type { ExecResult } from '../connection/connection.js';

/** Runs one of provision's own scripts on the host (inline: a subshell of the session). */
export type InlineExec = (script: string) => Promise<ExecResult>;

/**
 * Gathers a module's declared facts in one round trip: every fact not yet in `cache` goes into
 * one script; a fact asked for twice (same key) is fetched once. Returns the values by the names
 * the module gave them.
 */
export async function gatherTaskFacts(requests: FactRequests, exec: InlineExec, cache: Map<string, unknown>): Promise<Record<string, unknown>> {
  const wanted = new Map<string, Fact<unknown>>();
  for (const fact of Object.values(requests)) if (fact && !cache.has(fact.key)) wanted.set(fact.key, fact);
  if (wanted.size > 0) {
    const facts = [...wanted.values()];
    const r = await exec(gatherScript(facts));
    if (r.rc !== 0) throw new Error(`reading the host's state failed: ${r.stderr.toString('utf8').trim() || `exit ${r.rc}`}`);
    const outputs = splitGathered(r.stdout.toString('utf8'), facts.length);
    facts.forEach((fact, i) => cache.set(fact.key, fact.parse(outputs[i] ?? '')));
  }
  const values: Record<string, unknown> = {};
  for (const [name, fact] of Object.entries(requests)) values[name] = fact ? cache.get(fact.key) : undefined;
  return values;
}
