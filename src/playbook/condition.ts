import type { SourcePosition } from '../errors.js';
import type { Expression } from '../expr/expression.js';

/** A parsed condition with the text it came from, for messages. */
export interface Condition {
  readonly text: string;
  readonly expression: Expression;
  readonly at: SourcePosition | undefined;
}
