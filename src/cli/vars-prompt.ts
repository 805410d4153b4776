import { createInterface } from 'node:readline';
import type { VarPromptQuestion } from '../engine/ask-var.js';
import { promptSecret } from './prompt.js';

/**
 * Ansible's Display.do_var_prompt: `prompt [default]: `, without echo when private, asked twice
 * with `confirm` until both answers match. Undefined when stdin is not a terminal (the engine then
 * warns and uses the default, as Ansible does).
 */
export async function askVarPrompt(q: VarPromptQuestion, write: (text: string) => void): Promise<string | undefined> {
  if (!process.stdin.isTTY) return undefined;
  const msg = q.default !== undefined ? `${q.prompt} [${q.default}]: ` : `${q.prompt}: `;
  for (;;) {
    const first = await ask(msg, q.private);
    if (!q.confirm) return first;
    const second = await ask(`confirm ${msg}`, q.private);
    if (first === second) return first;
    write('***** VALUES ENTERED DO NOT MATCH ****\n');
  }
}

function ask(question: string, secret: boolean): Promise<string> {
  if (secret) return promptSecret(question);
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      resolve(answer);
    });
  });
}
