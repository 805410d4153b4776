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

/**
 * YAML read the way Ansible reads it (YAML 1.1: `yes` is true, `0644` is octal), turned into
 * plain data while remembering where every mapping, sequence, key and item came from.
 */
export interface LoadedYaml {
  readonly file: string;
  readonly data: unknown;
}

/** Positions of parsed data, kept beside it (data stays plain objects and arrays). */
const shared = {
  of: new WeakMap<object, SourcePosition>(),
  keys: new WeakMap<object, Map<string, SourcePosition>>(),
  items: new WeakMap<object, SourcePosition[]>(),
};

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
  const doc = parseDocument(text, { version: '1.1', lineCounter, prettyErrors: false, merge: true });
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
  const data = toData(doc, doc.contents as Node | null, at);
  return { file, data };
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

function toData(doc: Document, node: Node | null, at: (o: number | undefined) => SourcePosition): unknown {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) return toData(doc, (node as Alias).resolve(doc) as Node, at);
  if (isScalar(node)) return node.value;
  if (isSeq(node)) {
    const out: unknown[] = [];
    const items: SourcePosition[] = [];
    for (const item of node.items) {
      out.push(toData(doc, item as Node, at));
      items.push(at((item as Node | null)?.range?.[0] ?? node.range?.[0]));
    }
    shared.of.set(out, at(node.range?.[0]));
    shared.items.set(out, items);
    return out;
  }
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    const keys = new Map<string, SourcePosition>();
    const merged: Record<string, unknown>[] = [];
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      const rawKey = isScalar(keyNode) ? keyNode.value : toData(doc, keyNode, at);
      const key = rawKey === null ? '' : String(rawKey);
      const value = toData(doc, pair.value as Node | null, at);
      if (key === '<<' && isScalar(keyNode) && keyNode.source === '<<') {
        for (const source of Array.isArray(value) ? value : [value]) {
          if (source && typeof source === 'object') merged.push(source as Record<string, unknown>);
        }
        continue;
      }
      out[key] = value;
      keys.set(key, at(keyNode?.range?.[0] ?? node.range?.[0]));
    }
    // Merge keys (<<) never override keys written in the mapping itself.
    for (const source of merged) {
      for (const [k, v] of Object.entries(source)) if (!(k in out)) out[k] = v;
    }
    shared.of.set(out, at(node.range?.[0]));
    shared.keys.set(out, keys);
    return out;
  }
  return null;
}
