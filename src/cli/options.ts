import { Command, CommanderError } from 'commander';
import { UsageError } from '../errors.js';

/** A commander program that reports bad options as UsageError (exit 5) instead of exiting itself. */
export function newProgram(name: string, out: (text: string) => void): Command {
  const program = new Command(name);
  program
    .exitOverride()
    .configureOutput({ writeOut: out, writeErr: out })
    .showHelpAfterError(false)
    .allowExcessArguments(false);
  return program;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Runs commander; help and version are exit 0, anything else it rejects is exit 5. */
export async function parseWith(program: Command, argv: readonly string[]): Promise<void> {
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return;
      throw new UsageError(err.message.replace(/^error: /, ''));
    }
    throw err;
  }
}
