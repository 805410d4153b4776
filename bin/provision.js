#!/usr/bin/env node
// Thin launcher: the CLI lives in src/cli/main.ts (built to dist/).
import { interruptActiveRuns, main } from '../dist/cli/main.js';

// Ctrl-C: exit 99 like ansible-playbook, after killing every task still running on a host
// (each task's process group; bounded). A second Ctrl-C exits at once. `lab run` only waits for
// the controller it started, which gets the same Ctrl-C from the terminal.
const argv = process.argv.slice(2);
const beforeCommand = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
if (argv[0] === 'lab' && (beforeCommand.includes('run') || beforeCommand.includes('exec'))) {
  process.on('SIGINT', () => {});
} else {
  process.once('SIGINT', () => {
    process.stderr.write('\n [ERROR]: User interrupted execution\n');
    process.once('SIGINT', () => process.exit(99));
    interruptActiveRuns().finally(() => process.exit(99));
  });
}

// A reader that goes away (`provision … | head`) must not stop the run half way: the rest of
// the output is dropped and the run finishes, with its exit code.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code !== 'EPIPE') throw err;
    stream.write = () => true;
  });
}

const code = await main(argv);
// Output still queued for a slow reader (a pipe on a loaded machine) is written before the exit,
// which would drop it; bounded, for a reader that stopped reading.
const flushed = (stream) =>
  stream.writableLength === 0
    ? Promise.resolve()
    : new Promise((resolve) => {
        stream.once('drain', resolve);
        stream.once('error', resolve);
        setTimeout(resolve, 10_000).unref();
      });
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(code);
