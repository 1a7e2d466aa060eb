import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { messages } from '../messages.js';
import { formatPath, type SpecPath, type SpecProblem } from './errors.js';
import { getPath, isObject, mergeSpecs, parseDottedPath, setPath } from './merge.js';
import { SpecSource } from './source.js';

/** The merged, unvalidated spec and the texts it came from, most general first. */
export interface LoadedSpec {
  file: string;
  value: Record<string, unknown>;
  sources: SpecSource[];
  problems: SpecProblem[];
}

/** Loads a spec file and its `extends` chain, bases first. */
export function loadSpec(file: string): LoadedSpec {
  const sources: SpecSource[] = [];
  const problems: SpecProblem[] = [];
  const value = loadFile(path.resolve(file), [], sources, problems, null) ?? {};
  delete value.extends;
  return { file: path.resolve(file), value, sources, problems };
}

/**
 * Applies `--set KEY.PATH=YAML` overrides in order. They go onto a spec whose defaults are filled, so
 * `--set training.optimizer.lr=0.05` changes the default optimizer rather than replacing it.
 */
export function applySets(loaded: LoadedSpec, sets: string[]): void {
  for (const arg of sets) applySet(arg, loaded.value, loaded.sources, loaded.problems);
}

function loadFile(
  file: string,
  chain: string[],
  sources: SpecSource[],
  problems: SpecProblem[],
  from: { source: SpecSource; path: SpecPath } | null,
): Record<string, unknown> | null {
  const display = path.relative(process.cwd(), file) || file;
  const at = (message: string) => {
    const pos = from?.source.locate(from.path) ?? { line: 1, col: 1 };
    problems.push({ file: from?.source.file ?? display, line: pos.line, col: pos.col, path: from ? formatPath(from.path) : '(file)', message });
  };
  if (chain.includes(file)) {
    at(messages.extendsCycle([...chain, file].map((f) => path.relative(process.cwd(), f))));
    return null;
  }
  if (!existsSync(file)) {
    at(messages.fileNotFound(display));
    return null;
  }
  const source = new SpecSource(display, readFileSync(file, 'utf8'));
  problems.push(...source.problems);
  const own = source.value();
  if (source.problems.length > 0) return null;
  if (!isObject(own)) {
    problems.push({ file: display, line: 1, col: 1, path: '(root)', message: messages.notAMapping() });
    return null;
  }
  rebasePaths(own, path.dirname(file));
  let merged: Record<string, unknown> = {};
  const bases = own.extends === undefined ? [] : typeof own.extends === 'string' ? [own.extends] : own.extends;
  if (!Array.isArray(bases) || bases.some((b) => typeof b !== 'string')) {
    const pos = source.locate(['extends']);
    problems.push({ file: display, line: pos?.line ?? 1, col: pos?.col ?? 1, path: 'extends', message: messages.extendsType() });
  } else {
    bases.forEach((base: string, i: number) => {
      const basePath = ['extends', ...(typeof own.extends === 'string' ? [] : [i])];
      const loaded = loadFile(path.resolve(path.dirname(file), base), [...chain, file], sources, problems, { source, path: basePath });
      if (loaded) merged = mergeSpecs(merged, loaded) as Record<string, unknown>;
    });
  }
  sources.push(source);
  delete own.extends;
  return mergeSpecs(merged, own) as Record<string, unknown>;
}

/**
 * Relative paths in a file (plugins, dataset.path) are relative to that file; they are made absolute
 * as the file is read, so merging and resolution keep their meaning.
 */
function rebasePaths(spec: Record<string, unknown>, dir: string): void {
  if (Array.isArray(spec.plugins)) spec.plugins = spec.plugins.map((p) => (typeof p === 'string' ? path.resolve(dir, p) : p));
  if (isObject(spec.dataset) && typeof spec.dataset.path === 'string') spec.dataset.path = path.resolve(dir, spec.dataset.path);
}

function applySet(arg: string, value: Record<string, unknown>, sources: SpecSource[], problems: SpecProblem[]): void {
  const label = `(--set ${arg})`;
  const eq = arg.indexOf('=');
  if (eq <= 0) {
    problems.push({ file: label, line: 1, col: 1, path: '(--set)', message: messages.badSet(arg) });
    return;
  }
  const dotted = arg.slice(0, eq);
  if (!/^[a-z_][a-z0-9_]*(\.[a-z0-9_]+|\[\d+\])*$/.test(dotted)) {
    problems.push({ file: label, line: 1, col: 1, path: dotted, message: messages.badSetPath(dotted) });
    return;
  }
  const keyPath = parseDottedPath(dotted);
  // Columns count from the start of the argument, so they point into what the user typed.
  const source = new SpecSource(label, ' '.repeat(eq + 1) + arg.slice(eq + 1), keyPath);
  problems.push(...source.problems);
  if (source.problems.length > 0) return;
  // Relative paths typed on the command line are relative to the working directory.
  const placed: Record<string, unknown> = {};
  setPath(placed, keyPath, source.value());
  rebasePaths(placed, process.cwd());
  let leaf = getPath(placed, keyPath);
  const existing = getPath(value, keyPath);
  // Hydra's group=option: `--set model.head=linear` switches the component, keeping nothing of the old one.
  if (typeof leaf === 'string' && isObject(existing) && 'type' in existing) leaf = { type: leaf };
  setPath(value, keyPath, mergeSpecs(existing, leaf));
  sources.push(source);
}
