import { ProvisionError } from '../errors.js';
import { ExitCode } from './exit-codes.js';
import { inventoryCommand } from './inventory-command.js';
import { type Io, labCommand } from './lab-command.js';
import { playbookCommand } from './playbook-command.js';

export { interruptActiveRuns } from '../engine/interrupt.js';

/** Entry point: dispatches to a command and maps every error to an exit code. Never exits itself. */
export async function main(argv: readonly string[], io: Io = defaultIo): Promise<number> {
  try {
    const [first, ...rest] = argv;
    if (first === 'lab') return await labCommand(rest, io);
    if (first === 'inventory') return await inventoryCommand(rest, io);
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
