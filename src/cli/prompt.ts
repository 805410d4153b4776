import { UsageError } from '../errors.js';

/** Asks for a secret on the terminal without echoing it (-k, -K). */
export function promptSecret(question: string): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) throw new UsageError(`${question.trim()} needs a terminal: use a password file option instead`);
  process.stderr.write(question);
  return new Promise((resolve) => {
    let answer = '';
    input.setRawMode(true);
    input.resume();
    input.setEncoding('utf8');
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          input.setRawMode(false);
          input.pause();
          input.off('data', onData);
          process.stderr.write('\n');
          resolve(answer);
          return;
        }
        if (ch === '\u0003') process.exit(99);
        answer = ch === '\u007f' ? answer.slice(0, -1) : answer + ch;
      }
    };
    input.on('data', onData);
  });
}
