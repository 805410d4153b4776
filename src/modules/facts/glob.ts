import { shellQuote } from '../../util/shlex.js';
import type { Fact } from './fact.js';

/**
 * Whether anything matches a glob pattern, as Python's glob.glob in command's creates/removes
 * (a plain path: whether it exists, a dangling link included). The shell expands the pattern
 * with no word splitting; a pattern that matches nothing stays as written and fails the test.
 */
export function globMatchesFact(pattern: string): Fact<boolean> {
  return {
    key: `glob ${pattern}`,
    // Unquoted, the variable is pathname-expanded; IFS empty keeps it one word.
    command: `(__g=${shellQuote(pattern)}; IFS=; for f in $__g; do if [ -e "$f" ] || [ -L "$f" ]; then echo match; exit 0; fi; done; echo none)`,
    parse: (output) => output.trim() === 'match',
  };
}
