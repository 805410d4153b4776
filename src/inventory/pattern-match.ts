import { pythonRegexParts } from '../util/python-regex-syntax.js';

/**
 * One host pattern term as a matcher of names, the way Ansible's _match_list builds it: `~regex`
 * is a Python regular expression matched from the start of the name; anything else is an fnmatch
 * glob (`*`, `?`, `[abc]`, `[!abc]`, `[a-f]`) matched against the whole name. Throws Error with
 * a readable reason when the regular expression does not compile.
 */
export function nameMatcher(term: string): (name: string) => boolean {
  const regex = term.startsWith('~') ? pythonRegex(term.slice(1)) : globRegex(term);
  return (name) => regex.test(name);
}

/** Longer than any host pattern anyone writes; V8 runs out of memory compiling some far longer ones. */
const MAX_REGEX_LENGTH = 10_000;

/** Python's re.match: anchored at the start only. A few Python-only spellings are translated. */
function pythonRegex(source: string): RegExp {
  if (source.length > MAX_REGEX_LENGTH) throw new Error(`regular expression longer than ${MAX_REGEX_LENGTH} characters`);
  // Unsupported inline flags are ignored, as re.match would not fail on them either way.
  const { body, flags } = pythonRegexParts(source);
  try {
    return new RegExp(`^(?:${body})`, flags);
  } catch (err) {
    throw new Error(`invalid regular expression ~${source}: ${(err as Error).message.replace(/^Invalid regular expression: \/.*\/\w*: /, '')}`);
  }
}

/** Python's fnmatch.translate, to a JavaScript RegExp (never a syntax error: every glob is valid). */
export function globRegex(glob: string): RegExp {
  let out = '';
  let i = 0;
  while (i < glob.length) {
    const c = glob[i++] as string;
    if (c === '*') {
      while (glob[i] === '*') i++;
      out += '[\\s\\S]*';
    } else if (c === '?') {
      out += '[\\s\\S]';
    } else if (c === '[') {
      let j = i;
      if (glob[j] === '!') j++;
      if (glob[j] === ']') j++;
      while (j < glob.length && glob[j] !== ']') j++;
      if (j >= glob.length) {
        out += '\\[';
      } else {
        out += charClass(glob.slice(i, j));
        i = j + 1;
      }
    } else {
      out += c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    }
  }
  return new RegExp(`^${out}$`);
}

/** The inside of `[...]`: `!` negates; `a-f` is a range, dropped when backwards as Python does. */
function charClass(inside: string): string {
  const negate = inside.startsWith('!');
  const body = negate ? inside.slice(1) : inside;
  if (negate && body === '') return '[\\s\\S]';
  let members = '';
  for (let k = 0; k < body.length; k++) {
    const from = body[k] as string;
    const to = body[k + 2];
    if (body[k + 1] === '-' && to !== undefined) {
      if (from <= to) members += `${escapeInClass(from)}-${escapeInClass(to)}`;
      k += 2;
    } else {
      members += escapeInClass(from);
    }
  }
  if (members === '') return negate ? '[\\s\\S]' : '(?!)';
  return `[${negate ? '^' : ''}${members}]`;
}

function escapeInClass(ch: string): string {
  return /[\\\]^[-]/.test(ch) ? `\\${ch}` : ch;
}
