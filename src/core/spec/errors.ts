/** A path inside a spec: keys and array indices. */
export type SpecPath = (string | number)[];

export function formatPath(path: SpecPath): string {
  return path.reduce<string>((s, part) => (typeof part === 'number' ? `${s}[${part}]` : s ? `${s}.${part}` : part), '') || '(root)';
}

/** One problem in a spec, located in the file (or --set) it came from. */
export interface SpecProblem {
  file: string;
  line: number;
  col: number;
  path: string;
  message: string;
}

export function formatProblem(p: SpecProblem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.path}: ${p.message}`;
}

/** Thrown when a spec has problems; carries all of them, in file order. */
export class SpecError extends Error {
  override name = 'SpecError';
  constructor(readonly problems: SpecProblem[]) {
    super(problems.map(formatProblem).join('\n'));
  }
}

/** The items whose key was not seen before, in order. */
export function uniqueBy<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    return seen.has(k) ? false : (seen.add(k), true);
  });
}

export function sortProblems(problems: SpecProblem[]): SpecProblem[] {
  return [...problems].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
}
