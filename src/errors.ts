/** Where a value came from, so every error can point at file:line:col. */
export interface SourcePosition {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

export function formatPosition(at: SourcePosition): string {
  return `${at.file}:${at.line}:${at.col}`;
}

/** Base of every expected failure; `exitCode` follows ansible-playbook's codes. */
export class ProvisionError extends Error {
  readonly exitCode: number = 1;
}

/** Bad input (YAML, schema, module arguments, templates, expressions): exit 1, no host touched. */
export class ConfigError extends ProvisionError {
  constructor(
    readonly detail: string,
    readonly at?: SourcePosition,
  ) {
    super(at ? `${formatPosition(at)}: ${detail}` : detail);
    this.name = 'ConfigError';
  }
}

/** Several input problems found in one validation pass, reported together. */
export class ConfigErrors extends ProvisionError {
  constructor(readonly errors: readonly ConfigError[]) {
    super(errors.map((e) => e.message).join('\n'));
    this.name = 'ConfigErrors';
  }
}

/** A bad command-line option: exit 5, as ansible-playbook. */
export class UsageError extends ProvisionError {
  override readonly exitCode = 5;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The lab cannot be created, inspected or removed. */
export class LabError extends ProvisionError {
  constructor(message: string) {
    super(message);
    this.name = 'LabError';
  }
}
