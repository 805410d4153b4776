import { ProvisionError } from '../errors.js';
import { ExitCode } from './exit-codes.js';
import type { Io } from './lab-command.js';
import { playbookCommand } from './playbook-command.js';

export { interruptActiveRuns } from '../engine/interrupt.js';

/** Entry point: dispatches to a command and maps every error to an exit code. Never exits itself. */
export async function main(argv: readonly string[], io: Io = defaultIo): Promise<number> {
  try {
    const [first, ...rest] = argv;
    // Loaded only when asked for: a playbook run does not pay for the lab's modules (and ip-num) at start.
    if (first === 'lab') return await (await import('./lab-command.js')).labCommand(rest, io);
    if (first === 'inventory') return await (await import('./inventory-command.js')).inventoryCommand(rest, io);
    return await playbookCommand(argv, io);
  } catch (err) {
    if (err instanceof ProvisionError) {
      io.err(`ERROR! ${err.message}\n`);
      return err.exitCode;
    }
    io.err(`ERROR! unexpected: ${(err as Error).stack ?? String(err)}\n`);
    return ExitCode.unexpected;
  }
}

const defaultIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};
