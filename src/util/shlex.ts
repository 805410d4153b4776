/**
 * POSIX shell-word splitting and quoting, as Python's shlex does it for Ansible
 * (INI inventory lines, `k=v` module arguments, `command:` argv).
 */
export function shlexSplit(text: string, options: { readonly comments?: boolean } = {}): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quote === "'") {
      if (ch === "'") quote = null;
      else word += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = null;
      else if (ch === '\\' && i + 1 < text.length && '"\\$`\n'.includes(text[i + 1] as string)) word += text[++i];
      else word += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (ch === '#' && options.comments) {
      // Python's shlex with comments=True: `#` outside quotes ends the word and the line.
      break;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quote) throw new Error(`no closing quotation (${quote})`);
  if (inWord) words.push(word);
  return words;
}

/** Quotes one word for a POSIX shell; safe words are left bare for readable commands. */
export function shellQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'"'"'`)}'`;
}

export function shellJoin(words: readonly string[]): string {
  return words.map(shellQuote).join(' ');
}
