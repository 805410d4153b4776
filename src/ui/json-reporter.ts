import { EVENTS_SCHEMA_VERSION, type RunEvent } from '../engine/events.js';
import type { Reporter } from '../engine/reporter.js';

/**
 * `--output json`: one JSON object per event per line, nothing else (docs/json-output.md).
 * Each line is the event with the schema version and the time it happened in front.
 */
export class JsonReporter implements Reporter {
  constructor(
    private readonly write: (text: string) => void,
    private readonly now: () => Date = () => new Date(),
  ) {}

  handle(event: RunEvent): void {
    this.write(`${JSON.stringify({ schema_version: EVENTS_SCHEMA_VERSION, time: this.now().toISOString(), ...event })}\n`);
  }

  async close(): Promise<void> {}
}
