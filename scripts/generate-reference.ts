/**
 * Writes docs/modules.md and docs/playbook.schema.json from the modules' schemas.
 * Run: npm run docs (a unit test fails when the committed files are stale).
 */
import { writeFileSync } from 'node:fs';
import { referenceFiles } from '../test/helpers/reference-files.js';

for (const [path, text] of Object.entries(referenceFiles())) {
  writeFileSync(new URL(`../${path}`, import.meta.url), text);
  console.log(`wrote ${path}`);
}
