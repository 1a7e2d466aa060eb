import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { SpecPath, SpecProblem } from './errors.js';
import { formatPath } from './errors.js';
import { messages } from '../messages.js';

/** A parsed YAML text that remembers where each value came from. */
export class SpecSource {
  readonly doc: Document;
  private readonly lines = new LineCounter();
  readonly problems: SpecProblem[] = [];

  /** `prefix`: where this text sits in the spec (for --set values, the key path they replace). */
  constructor(readonly file: string, readonly text: string, readonly prefix: SpecPath = []) {
    this.doc = parseDocument(text, { lineCounter: this.lines, uniqueKeys: true, prettyErrors: false });
    for (const e of [...this.doc.errors, ...this.doc.warnings]) {
      const { line, col } = this.lines.linePos(e.pos[0]);
      this.problems.push({ file, line, col, path: formatPath(prefix) === '(root)' ? '(yaml)' : formatPath(prefix), message: messages.yamlSyntax(e.message.split('\n')[0]!) });
    }
  }

  value(): unknown {
    return this.doc.toJS({ maxAliasCount: 1000 });
  }

  /**
   * The position of the value at `path` (or of its key, for `key: true`); when the path is not in this
   * text, the deepest part of it that is, and how deep that was.
   */
  locate(path: SpecPath, key = false): { line: number; col: number; depth: number } | null {
    if (!startsWith(path, this.prefix)) return null;
    const rel = path.slice(this.prefix.length);
    let node: unknown = this.doc.contents;
    let keyNode: Node | null = null;
    let depth = 0;
    for (const part of rel) {
      let next: unknown;
      keyNode = null;
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === part);
        if (pair) {
          next = pair.value ?? pair.key;
          keyNode = pair.key as Node;
        }
      } else if (isSeq(node) && typeof part === 'number') {
        next = node.items[part];
      }
      if (next === undefined) break;
      node = next;
      depth++;
    }
    const target = key && keyNode && depth === rel.length ? keyNode : (node as Node | null);
    const offset = target?.range?.[0] ?? 0;
    const { line, col } = this.lines.linePos(offset);
    return { line, col, depth: depth + this.prefix.length };
  }

  has(path: SpecPath): boolean {
    const found = this.locate(path);
    return found !== null && found.depth === path.length;
  }
}

function startsWith(path: SpecPath, prefix: SpecPath): boolean {
  return prefix.every((p, i) => path[i] === p);
}
