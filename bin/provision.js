#!/usr/bin/env node
// Thin launcher: the CLI lives in src/cli/main.ts (built to dist/).
import { main } from '../dist/cli/main.js';

process.exit(await main(process.argv.slice(2)));
