/**
 * The tree of a Jinja expression as Jinja's own parser builds it (jinja2/parser.py), so that
 * precedence is Jinja's: `not x is defined` is `not (x is defined)`, `-2 | abs` is `(-2) | abs`.
 * `at` is the offset in the expression text where the node starts (for messages).
 */
export type Expression =
  | Literal
  | Name
  | ListNode
  | DictNode
  | GetAttr
  | GetItem
  | SliceNode
  | Unary
  | Binary
  | Compare
  | FilterNode
  | TestNode
  | Call
  | CondExpr;

interface At {
  readonly at: number;
}

export interface Literal extends At {
  readonly type: 'literal';
  readonly value: string | number | boolean | null;
  /** As written (`'a'`, `0x1f`), for messages and hints. */
  readonly raw: string;
}

export interface Name extends At {
  readonly type: 'name';
  readonly name: string;
}

/** `[a, b]`, and tuples `(a, b)`, which are read as lists. */
export interface ListNode extends At {
  readonly type: 'list';
  readonly items: readonly Expression[];
}

export interface DictNode extends At {
  readonly type: 'dict';
  readonly entries: readonly (readonly [Expression, Expression])[];
}

/** `a.b` */
export interface GetAttr extends At {
  readonly type: 'getattr';
  readonly object: Expression;
  readonly name: string;
}

/** `a[b]`, `a.0` */
export interface GetItem extends At {
  readonly type: 'getitem';
  readonly object: Expression;
  readonly key: Expression;
}

/** `a[1:3]`, `a[::-1]` */
export interface SliceNode extends At {
  readonly type: 'slice';
  readonly object: Expression;
  readonly start: Expression | undefined;
  readonly stop: Expression | undefined;
  readonly step: Expression | undefined;
}

export interface Unary extends At {
  readonly type: 'unary';
  readonly op: 'not' | '-' | '+';
  readonly operand: Expression;
}

export type BinaryOp = 'and' | 'or' | '+' | '-' | '*' | '/' | '//' | '%' | '**' | '~';

export interface Binary extends At {
  readonly type: 'binary';
  readonly op: BinaryOp;
  readonly left: Expression;
  readonly right: Expression;
}

export type CompareOp = '==' | '!=' | '<' | '>' | '<=' | '>=' | 'in' | 'not in';

/** `a < b < c` is one chain, as in Python. */
export interface Compare extends At {
  readonly type: 'compare';
  readonly first: Expression;
  readonly ops: readonly { readonly op: CompareOp; readonly operand: Expression }[];
}

export interface FilterNode extends At {
  readonly type: 'filter';
  readonly value: Expression;
  readonly name: string;
  readonly args: readonly Expression[];
  readonly kwargs: readonly (readonly [string, Expression])[];
}

/** `x is defined`, `x is not none`, `x is divisibleby 3` */
export interface TestNode extends At {
  readonly type: 'test';
  readonly value: Expression;
  readonly name: string;
  readonly args: readonly Expression[];
  readonly negated: boolean;
}

/** `f(x)`: parsed (Jinja has them), refused when evaluated. */
export interface Call extends At {
  readonly type: 'call';
  readonly callee: Expression;
  readonly args: readonly Expression[];
  readonly kwargs: readonly (readonly [string, Expression])[];
}

/** `a if c else b` (without `else`, undefined when c is false). */
export interface CondExpr extends At {
  readonly type: 'condexpr';
  readonly test: Expression;
  readonly then: Expression;
  readonly otherwise: Expression | undefined;
}
