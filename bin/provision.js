#!/usr/bin/env node
// Thin launcher: the CLI lives in src/cli/main.ts (built to dist/).
import { main } from '../dist/cli/main.js';

// Ctrl-C: exit 99 like ansible-playbook. Open SSH channels close with the process, which ends
// the remote shells (a task already sent still finishes on its host; its file writes are atomic).
process.once('SIGINT', () => {
  process.stderr.write('\n [ERROR]: User interrupted execution\n');
  process.exit(99);
});

process.exit(await main(process.argv.slice(2)));
