/**
 * A fact, as pyinfra's: a shell command that prints what it finds and a processor that turns the
 * output into a value. Modules declare the facts they need; the engine runs every fact of a task
 * in one script (one round trip) and gives the module the values. The same key is fetched once.
 */
export interface Fact<T> {
  /** Identity: two requests with the same key are one fetch. */
  readonly key: string;
  /** POSIX sh, short (it runs for every task on every host). Prints the fact's lines on stdout. */
  readonly command: string;
  parse(output: string): T;
}

/** The facts a module declares, by name; an undefined entry is a fact this task does not need. */
export type FactRequests = Readonly<Record<string, Fact<unknown> | undefined>>;

/** The values of declared facts, by the names the module gave them. */
export type FactValues<F extends FactRequests> = {
  readonly [K in keyof F]: F[K] extends Fact<infer T> ? T : F[K] extends Fact<infer T> | undefined ? T | undefined : never;
};

/** Marks the start of each fact's output; never part of a fact's own output (paths travel as base64). */
const SECTION = '@@provision-fact';

/** One script for many facts: each fact's command after its section line. */
export function gatherScript(facts: readonly Fact<unknown>[]): string {
  return facts.map((f, i) => `echo '${SECTION} ${i}'\n${f.command}`).join('\n');
}

/** Splits a gather script's output back into each fact's own output, in order. */
export function splitGathered(stdout: string, count: number): string[] {
  const parts: string[] = Array.from({ length: count }, () => '');
  let current = -1;
  for (const line of stdout.split('\n')) {
    if (line.startsWith(`${SECTION} `)) {
      current = Number(line.slice(SECTION.length + 1));
      continue;
    }
    if (current >= 0 && current < count) parts[current] += `${line}\n`;
  }
  return parts;
}
