import { readFileSync } from 'node:fs';
import {
  Alias,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node,
} from 'yaml';
import { ConfigError, type SourcePosition } from '../errors.js';
import { pyyamlTags } from './pyyaml-scalars.js';
import { type ScalarStyle, sourceOffsetOf } from './scalar-locator.js';

/**
 * YAML read the way Ansible reads it (PyYAML's YAML 1.1: `yes` is true, `y` a string, `0644` octal), turned into
 * plain data while remembering where every mapping, sequence, key and item came from.
 */
export interface LoadedYaml {
  readonly file: string;
  readonly data: unknown;
}

/** A parsed document's text, to find positions inside its string values when an error needs one. */
interface DocumentSource {
  readonly file: string;
  readonly text: string;
  readonly lineCounter: LineCounter;
}

/** Where a string value came from: its node's source range and style. */
interface ScalarSpan {
  readonly source: DocumentSource;
  readonly start: number;
  readonly end: number;
  readonly style: ScalarStyle | undefined;
}

/** Positions of parsed data, kept beside it (data stays plain objects and arrays). */
const shared = {
  of: new WeakMap<object, SourcePosition>(),
  keys: new WeakMap<object, Map<string, SourcePosition>>(),
  items: new WeakMap<object, SourcePosition[]>(),
  values: new WeakMap<object, Map<string | number, ScalarSpan>>(),
};

/** Maps a place in a text (line from 1, column from 0, as Handlebars counts) to a place in a file. */
export type TextLocator = (line: number, column: number) => SourcePosition;

/**
 * A locator for a string value read from YAML (`container[keyOrIndex]`), so an error inside the
 * string (a template's syntax error) points at the character in the file; undefined if unknown.
 */
export function valueLocator(container: unknown, keyOrIndex: string | number): TextLocator | undefined {
  if (container === null || typeof container !== 'object') return undefined;
  const span = shared.values.get(container)?.get(keyOrIndex);
  const value = (container as Record<string | number, unknown>)[keyOrIndex];
  if (!span || typeof value !== 'string') return undefined;
  const { source } = span;
  const at = (offset: number): SourcePosition => {
    const p = source.lineCounter.linePos(offset);
    return { file: source.file, line: p.line, col: p.col };
  };
  return (line, column) => {
    const lines = value.split('\n');
    const index = lines.slice(0, Math.max(0, line - 1)).reduce((n, l) => n + l.length + 1, 0) + column;
    const offset = sourceOffsetOf(value, index, source.text, span.start, span.end, span.style);
    return at(offset ?? span.start);
  };
}

/** A locator for a text that starts at `at` and is written as it is (a template file, a plain one-line value). */
export function literalLocator(at: SourcePosition): TextLocator {
  return (line, column) => (line <= 1 ? { ...at, col: at.col + column } : { file: at.file, line: at.line + line - 1, col: column + 1 });
}

/** Position of a container, of one of its keys, or of one of its items; undefined if unknown. */
export function positionOf(container: unknown, keyOrIndex?: string | number): SourcePosition | undefined {
  if (container === null || typeof container !== 'object') return undefined;
  if (typeof keyOrIndex === 'string') return shared.keys.get(container)?.get(keyOrIndex) ?? shared.of.get(container);
  if (typeof keyOrIndex === 'number') return shared.items.get(container)?.[keyOrIndex] ?? shared.of.get(container);
  return shared.of.get(container);
}

/** Records a position for data built in code (e.g. `k=v` module arguments) so later checks can cite it. */
export function rememberPosition(container: object, at: SourcePosition | undefined): void {
  if (at) shared.of.set(container, at);
}

export function parseYaml(text: string, file: string): LoadedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { version: '1.1', customTags: pyyamlTags, lineCounter, prettyErrors: false, merge: true });
  const at = (offset: number | undefined): SourcePosition => {
    const p = lineCounter.linePos(offset ?? 0);
    return { file, line: p.line, col: p.col };
  };
  const problem = doc.errors[0];
  if (problem) {
    const where = at(problem.pos[0]);
    const first = problem.message.split('\n')[0] ?? problem.message;
    throw new ConfigError(`invalid YAML: ${first.replace(/ at line \d+, column \d+:?$/, '')}`, where);
  }
  try {
    return { file, data: new Converter(doc, { file, text, lineCounter }, at).toData(doc.contents as Node | null) };
  } catch (err) {
    if (err instanceof RangeError) throw new ConfigError('invalid YAML: nested too deeply (through aliases?)', { file, line: 1, col: 1 });
    throw err;
  }
}

export function loadYamlFile(file: string): LoadedYaml {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read file: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, {
      file,
      line: 1,
      col: 1,
    });
  }
  return parseYaml(text, file);
}

/** More values than this copied through aliases is an "aliases all the way down" document, not data. */
const MAX_ALIAS_COPIES = 100_000;

/** Turns YAML nodes into plain data, remembering positions; each alias gets its own copy of the anchored value. */
class Converter {
  private readonly inProgress = new Set<Node>();
  private readonly resolved = new Map<Alias, Node | undefined>();
  private aliasDepth = 0;
  private copies = 0;

  constructor(
    private readonly doc: Document,
    private readonly source: DocumentSource,
    private readonly at: (o: number | undefined) => SourcePosition,
  ) {}

  toData(node: Node | null): unknown {
    if (node === null || node === undefined) return null;
    if (this.aliasDepth > 0 && ++this.copies > MAX_ALIAS_COPIES) {
      throw new ConfigError(`invalid YAML: aliases expand to more than ${MAX_ALIAS_COPIES} values`, this.at(node.range?.[0]));
    }
    if (isAlias(node)) return this.resolveAlias(node as Alias);
    this.inProgress.add(node);
    try {
      return this.convert(node);
    } finally {
      this.inProgress.delete(node);
    }
  }

  private resolveAlias(alias: Alias): unknown {
    // yaml's resolve() searches the whole document: once per alias, not once per copy.
    if (!this.resolved.has(alias)) this.resolved.set(alias, alias.resolve(this.doc) as Node | undefined);
    const target = this.resolved.get(alias);
    if (!target) throw new ConfigError(`invalid YAML: alias *${alias.source} names no anchor before it`, this.at(alias.range?.[0]));
    if (this.inProgress.has(target)) throw new ConfigError(`invalid YAML: alias *${alias.source} is inside its own anchor`, this.at(alias.range?.[0]));
    this.aliasDepth++;
    try {
      return this.toData(target);
    } finally {
      this.aliasDepth--;
    }
  }

  private convert(node: Node): unknown {
    const { at } = this;
    if (isScalar(node)) return node.value;
    if (isSeq(node)) {
      const out: unknown[] = [];
      const items: SourcePosition[] = [];
      const values = new Map<number, ScalarSpan>();
      node.items.forEach((item, index) => {
        out.push(this.toData(item as Node));
        items.push(at((item as Node | null)?.range?.[0] ?? node.range?.[0]));
        this.rememberSpan(values, index, item as Node | null);
      });
      shared.of.set(out, at(node.range?.[0]));
      shared.items.set(out, items);
      shared.values.set(out, values);
      return out;
    }
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      const keys = new Map<string, SourcePosition>();
      const values = new Map<string, ScalarSpan>();
      const merged: Record<string, unknown>[] = [];
      for (const pair of node.items) {
        const keyNode = pair.key as Node | null;
        const rawKey = isScalar(keyNode) ? keyNode.value : this.toData(keyNode);
        // yaml gives a merge key (<<) a symbol for its value.
        const isMerge = isScalar(keyNode) && keyNode.source === '<<';
        const key = rawKey === null ? '' : isMerge ? '<<' : String(rawKey);
        const value = this.toData(pair.value as Node | null);
        if (isMerge) {
          for (const source of Array.isArray(value) ? value : [value]) {
            if (source && typeof source === 'object') merged.push(source as Record<string, unknown>);
          }
          continue;
        }
        out[key] = value;
        keys.set(key, at(keyNode?.range?.[0] ?? node.range?.[0]));
        this.rememberSpan(values, key, pair.value as Node | null);
      }
      // Merge keys (<<) never override keys written in the mapping itself.
      for (const source of merged) {
        for (const [k, v] of Object.entries(source)) if (!(k in out)) out[k] = v;
      }
      shared.of.set(out, at(node.range?.[0]));
      shared.keys.set(out, keys);
      shared.values.set(out, values);
      return out;
    }
    return null;
  }

  private rememberSpan<K extends string | number>(values: Map<K, ScalarSpan>, key: K, node: Node | null): void {
    if (!isScalar(node) || typeof node.value !== 'string' || !node.range) return;
    values.set(key, { source: this.source, start: node.range[0], end: node.range[1], style: node.type as ScalarStyle | undefined });
  }
}

/**
 * One mapping from two (`own` wins over `inherited`), each key keeping the position (and
 * template locator) it had: a block's keywords pushed down to its tasks, errors still pointing
 * at the line that wrote them.
 */
export function mergeMappings(inherited: Record<string, unknown>, own: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...inherited, ...own };
  const keys = new Map<string, SourcePosition>();
  const values = new Map<string | number, ScalarSpan>();
  for (const source of [inherited, own]) {
    for (const key of Object.keys(source)) {
      const at = shared.keys.get(source)?.get(key);
      if (at) keys.set(key, at);
      const span = shared.values.get(source)?.get(key);
      if (span) values.set(key, span);
      else values.delete(key);
    }
  }
  shared.keys.set(merged, keys);
  shared.values.set(merged, values);
  const at = shared.of.get(own);
  if (at) shared.of.set(merged, at);
  return merged;
}
