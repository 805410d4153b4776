import type {} from 'handlebars'; // its types declare the global hbs.AST namespace used here
import type { TemplateProblem } from './problem.js';

type Node = hbs.AST.Node;

/** What a template calls, found by walking its syntax tree once. */
export interface TemplateCalls {
  /** The first call of a helper that does not exist, or of a partial or decorator (not supported). */
  readonly problem: (TemplateProblem & { readonly kind: 'unknown helper' | 'unsupported'; readonly statement: Node; readonly suggestion: string }) | undefined;
  /** `{{file "literal/path"}}` lookups, to check the files exist before any host is touched. */
  readonly fileLookups: readonly { readonly path: string; readonly line: number; readonly column: number }[];
}

/**
 * Finds helper calls (a mustache or block with arguments, every sub-expression) whose helper is
 * not known. Strict Handlebars would report them at render time as an undefined variable, or
 * as "….call is not a function".
 */
export function templateCalls(program: hbs.AST.Program, isHelper: (name: string) => boolean): TemplateCalls {
  let problem: TemplateCalls['problem'];
  const fileLookups: { path: string; line: number; column: number }[] = [];
  const report = (kind: 'unknown helper' | 'unsupported', detail: string, node: Node, statement: Node, suggestion = ''): void => {
    problem ??= { kind, detail, line: node.loc?.start.line ?? 1, column: node.loc?.start.column ?? 0, statement, suggestion };
  };
  const call = (node: hbs.AST.MustacheStatement | hbs.AST.BlockStatement | hbs.AST.SubExpression, statement: Node): void => {
    const path = node.path as hbs.AST.PathExpression;
    const name = path.type === 'PathExpression' ? path.original : undefined;
    if (name !== undefined && !isHelper(name)) report('unknown helper', `unknown helper "${name}"`, node, statement, closest(name, isHelper));
    if (name === 'file' && node.params[0]?.type === 'StringLiteral') {
      fileLookups.push({ path: (node.params[0] as hbs.AST.StringLiteral).value, line: node.loc?.start.line ?? 1, column: node.loc?.start.column ?? 0 });
    }
  };
  const values = (node: { params: hbs.AST.Expression[]; hash?: hbs.AST.Hash }, statement: Node): void => {
    for (const p of [...node.params, ...(node.hash?.pairs.map((pair: hbs.AST.HashPair) => pair.value) ?? [])]) expression(p, statement);
  };
  const expression = (node: hbs.AST.Expression, statement: Node): void => {
    if (node.type !== 'SubExpression') return;
    const sub = node as hbs.AST.SubExpression;
    call(sub, statement);
    values(sub, statement);
  };
  const visit = (node: Node | undefined): void => {
    if (!node) return;
    switch (node.type) {
      case 'Program':
        for (const statement of (node as hbs.AST.Program).body) visit(statement);
        return;
      case 'MustacheStatement':
      case 'BlockStatement': {
        const m = node as hbs.AST.MustacheStatement | hbs.AST.BlockStatement;
        // With arguments it is a helper call; alone, `{{x}}` is a value and `{{#x}}` a section.
        if (m.params.length > 0 || (m.hash?.pairs.length ?? 0) > 0) call(m, node);
        values(m, node);
        if (node.type === 'BlockStatement') {
          visit((node as hbs.AST.BlockStatement).program);
          visit((node as hbs.AST.BlockStatement).inverse);
        }
        return;
      }
      case 'PartialStatement':
      case 'PartialBlockStatement':
        report('unsupported', 'partials are not supported: there is nothing to include', node, node);
        return;
      case 'Decorator':
      case 'DecoratorBlock':
        report('unsupported', 'decorators are not supported', node, node);
        return;
      default:
        return;
    }
  };
  visit(program);
  return { problem, fileLookups };
}

/** " (did you mean default?)" for a near miss of a known helper. */
function closest(name: string, isHelper: (name: string) => boolean): string {
  const candidates = KNOWN_SPELLINGS.filter(isHelper);
  const best = candidates.map((c) => ({ c, d: distance(name, c) })).sort((a, b) => a.d - b.d)[0];
  return best && best.d <= (name.length <= 4 ? 1 : 2) ? ` (did you mean ${best.c}?)` : ' (see the helpers in docs/templates.md)';
}

/** Names worth suggesting: the helpers a user types (checked against the real registry first). */
const KNOWN_SPELLINGS = [
  'default', 'join', 'length', 'int', 'float', 'round', 'string', 'bool', 'lower', 'upper', 'trim', 'replace', 'split', 'basename', 'dirname',
  'first', 'last', 'index_of', 'add', 'sub', 'mul', 'div', 'to_json', 'eq', 'ne', 'lt', 'gt', 'and', 'or', 'not', 'contains', 'file',
  'hostvar', 'ip_subnet', 'ip_address', 'ip_netmask', 'ip_prefix', 'ip_network', 'ip_broadcast', 'ip_contains', 'ip_overlaps',
  'if', 'unless', 'each', 'with', 'lookup',
];

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const here = row[j] as number;
      row[j] = Math.min(here + 1, (row[j - 1] as number) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = here;
    }
  }
  return row[b.length] as number;
}
