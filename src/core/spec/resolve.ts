import path from 'node:path';
import { createRegistry, loadPlugins, type ComponentRegistry } from '../../registry/container.js';
import type { ComponentDefinition } from '../../registry/component.js';
import { crossFieldChecks, environmentChecks } from './checks.js';
import { fillDefaults } from './defaults.js';
import { formatPath, sortProblems, SpecError, type SpecPath, type SpecProblem } from './errors.js';
import { applySets, loadSpec } from './load.js';
import { buildExperimentSchema, type JsonSchema } from './schema.js';
import type { SpecSource } from './source.js';
import type { ResolvedSpec } from './types.js';
import { validateAgainstSchema, type Violation } from './validate.js';

export interface Resolution {
  file: string;
  spec: ResolvedSpec | null;
  problems: SpecProblem[];
  registry: ComponentRegistry;
  schema: JsonSchema;
  /** Problems of the machine rather than the spec (data not on disk); errors for `run`, warnings for `validate`. */
  environment: SpecProblem[];
  /** Where a path of the spec was written (file, line, column). */
  locate: (path: SpecPath) => SpecProblem;
}

export interface ResolveOptions {
  sets?: string[];
  /** Drop the spec's grid section (when resolving one trial of it). */
  withoutGrid?: boolean;
  /** Extra components (tests); plugins named in the spec are added to them. */
  components?: ComponentDefinition[];
}

const schemas = new WeakMap<ComponentRegistry, JsonSchema>();
export function schemaFor(registry: ComponentRegistry): JsonSchema {
  if (!schemas.has(registry)) schemas.set(registry, buildExperimentSchema(registry));
  return schemas.get(registry)!;
}

/**
 * The whole spec pipeline: load (extends, --set), plugins, schema validation, defaults, cross-field
 * checks. Every problem is collected and located; nothing is thrown for user mistakes.
 */
export async function resolveSpecFile(file: string, options: ResolveOptions = {}): Promise<Resolution> {
  const loaded = loadSpec(file);
  let registry = createRegistry(options.components ?? []);
  const done = (spec: ResolvedSpec | null, problems: SpecProblem[], environment: SpecProblem[] = []): Resolution => ({
    file: loaded.file, spec, problems: sortProblems(problems), environment, registry, schema: schemaFor(registry),
    locate: (path) => locate({ path, message: '' }, loaded.sources),
  });
  if (loaded.problems.length > 0) return done(null, loaded.problems);

  const plugins = Array.isArray(loaded.value.plugins) ? loaded.value.plugins.filter((p): p is string => typeof p === 'string') : [];
  if (plugins.length > 0) {
    try {
      registry = createRegistry([...(options.components ?? []), ...(await loadPlugins(plugins, path.dirname(loaded.file)))]);
    } catch (error) {
      const v: Violation = { path: ['plugins'], message: error instanceof Error ? error.message : String(error) };
      return done(null, [locate(v, loaded.sources)]);
    }
  }
  const schema = schemaFor(registry);
  if (options.withoutGrid) delete loaded.value.grid;
  if (options.sets?.length) {
    loaded.value = fillDefaults(schema, loaded.value) as Record<string, unknown>;
    applySets(loaded, options.sets);
    if (loaded.problems.length > 0) return done(null, loaded.problems);
  }
  const structural = validateAgainstSchema(schema, loaded.value);
  if (structural.length > 0) return done(null, structural.map((v) => locate(v, loaded.sources)));
  const spec = fillDefaults(schema, structuredClone(loaded.value)) as ResolvedSpec;
  const semantic = crossFieldChecks(spec, registry, schema);
  if (semantic.length > 0) return done(null, semantic.map((v) => locate(v, loaded.sources)));
  return done(spec, [], environmentChecks(spec, registry).map((v) => locate(v, loaded.sources)));
}

/** Like resolveSpecFile, for running: throws a SpecError listing every problem, the environment's included. */
export async function resolveOrThrow(file: string, options: ResolveOptions = {}): Promise<Resolution & { spec: ResolvedSpec }> {
  const r = await resolveSpecFile(file, options);
  if (!r.spec || r.environment.length > 0) throw new SpecError([...r.problems, ...r.environment]);
  return r as Resolution & { spec: ResolvedSpec };
}

/** Finds the text a violation's path came from: --set first, then the spec, then its bases. */
export function locate(v: Violation, sources: SpecSource[]): SpecProblem {
  let best: { source: SpecSource; line: number; col: number; depth: number } | null = null;
  for (const source of [...sources].reverse()) {
    const found = source.locate(v.path, v.atKey);
    if (found && (!best || found.depth > best.depth)) best = { source, ...found };
    if (found && found.depth === v.path.length) break;
  }
  const src = best ?? { source: sources[sources.length - 1]!, line: 1, col: 1 };
  return { file: src.source.file, line: src.line, col: src.col, path: formatPath(v.path), message: v.message };
}
