import type { ComponentKind } from '../../registry/component.js';
import type { ComponentRegistry } from '../../registry/container.js';
import { messages } from '../messages.js';
import type { SpecPath } from './errors.js';
import { planStages, type StagePlan } from './expand.js';
import { getPath, isObject, parseDottedPath } from './merge.js';
import type { JsonSchema } from './schema.js';
import { suggest } from './suggest.js';
import type { ResolvedSpec } from './types.js';
import { uniqueViolations, validateAgainstSchema, type Violation } from './validate.js';

/**
 * Rules that span several keys (Ludwig's config checks): stage indices, per-stage merged components,
 * spatial sizes through the downsamplings, data paths, grid axes. Runs on a spec with defaults filled.
 */
export function crossFieldChecks(spec: ResolvedSpec, registry: ComponentRegistry, schema: JsonSchema): Violation[] {
  const out: Violation[] = [];
  checkStructure(spec, registry, schema, out);
  return uniqueViolations(out);
}

/** What only the machine can make right (data on disk): errors before a run, warnings in `validate`. */
export function environmentChecks(spec: ResolvedSpec, registry: ComponentRegistry): Violation[] {
  const out: Violation[] = [];
  componentCheck(registry, 'dataset', spec.dataset, ['dataset'], out);
  return out;
}

function checkStructure(spec: ResolvedSpec, registry: ComponentRegistry, schema: JsonSchema, out: Violation[]): void {
  const { model, training } = spec;
  if (model.widths && model.widths.length !== model.stages) {
    out.push({ path: ['model', 'widths'], message: messages.widthsLength(model.widths.length, model.stages) });
  }
  model.downsample_at.forEach((s, i) => {
    if (s >= model.stages) out.push({ path: ['model', 'downsample_at', i], message: messages.stageOutOfRange(s, model.stages) });
  });
  checkOverrideStages(model.stage_overrides, ['model', 'stage_overrides'], model.stages, out);
  checkOverrideStages(training.stage_overrides, ['training', 'stage_overrides'], model.stages, out);
  const blockDef = registry.find('block', model.block.type);
  if (model.downsample_at.length > 0 && blockDef && !('downsample' in blockDef.params.properties)) {
    out.push({ path: ['model', 'downsample_at'], message: messages.blockCannotDownsample(model.block.type) });
  }
  const datasetDef = registry.find('dataset', spec.dataset.type);
  const shape = datasetDef?.inputShape?.(spec.dataset as never);
  if (shape) {
    const plans = planStages(spec, shape);
    for (const plan of plans) checkStage(plan, spec, registry, schema, out);
  }
  if (spec.grid) checkGrid(spec, out);
}

function checkOverrideStages(overrides: { stage: number }[], base: SpecPath, stages: number, out: Violation[]): void {
  const first = new Map<number, number>();
  overrides.forEach((o, i) => {
    if (o.stage >= stages) out.push({ path: [...base, i, 'stage'], message: messages.stageOutOfRange(o.stage, stages) });
    else if (first.has(o.stage)) out.push({ path: [...base, i, 'stage'], message: messages.duplicateStageOverride(o.stage, first.get(o.stage)!) });
    else first.set(o.stage, i);
  });
}

function componentCheck(registry: ComponentRegistry, kind: ComponentKind, value: { type: string }, path: SpecPath, out: Violation[]): void {
  const def = registry.find(kind, value.type);
  for (const p of def?.check?.(value as never) ?? []) out.push({ path: [...path, p.param], message: p.message });
}

const componentSchemas = new WeakMap<JsonSchema, Map<string, JsonSchema>>();
function componentSchema(schema: JsonSchema, kind: string): JsonSchema {
  let byKind = componentSchemas.get(schema);
  if (!byKind) componentSchemas.set(schema, (byKind = new Map()));
  if (!byKind.has(kind)) byKind.set(kind, { $schema: schema.$schema, $defs: schema.$defs, $ref: `#/$defs/${kind}` });
  return byKind.get(kind)!;
}

/** Validates the stage's merged components and maps problems to the key the user wrote. */
function checkStage(plan: StagePlan, spec: ResolvedSpec, registry: ComponentRegistry, schema: JsonSchema, out: Violation[]): void {
  const parts: [ComponentKind, 'block' | 'head' | 'optimizer' | 'schedule', SpecPath, SpecPath][] = [
    ['block', 'block', ['model', 'block'], ['model', 'stage_overrides']],
    ['head', 'head', ['model', 'head'], ['model', 'stage_overrides']],
    ['optimizer', 'optimizer', ['training', 'optimizer'], ['training', 'stage_overrides']],
    ['schedule', 'schedule', ['training', 'schedule'], ['training', 'stage_overrides']],
  ];
  for (const [kind, key, basePath, overridesPath] of parts) {
    const origin = plan.origin[key];
    const override = typeof origin === 'number' ? (getPath(spec, [...overridesPath, origin, key]) as Record<string, unknown>) : null;
    for (const v of validateAgainstSchema(componentSchema(schema, kind), plan[key])) {
      const fromOverride = override && (v.path.length === 0 || v.path[0]! in override);
      out.push({ ...v, path: [...(fromOverride ? [...overridesPath, origin as number, key] : basePath), ...v.path] });
    }
  }
  const where: SpecPath = ['model', 'downsample_at'];
  if (Number.isNaN(plan.outSpatial)) out.push({ path: where, message: messages.oddInvertible(plan.index, plan.inSpatial) });
  else if (plan.outSpatial < 1) out.push({ path: where, message: messages.tooSmall(plan.index, plan.inSpatial) });
  else if (typeof plan.head.pool_to === 'number' && plan.head.pool_to > plan.outSpatial) {
    const path: SpecPath = typeof plan.origin.head === 'number' && plan.head.pool_to === (getPath(spec, ['model', 'stage_overrides', plan.origin.head, 'head', 'pool_to']))
      ? ['model', 'stage_overrides', plan.origin.head, 'head', 'pool_to'] : ['model', 'head', 'pool_to'];
    out.push({ path, message: messages.poolLargerThanMap(plan.index, plan.outSpatial, plan.head.pool_to) });
  }
}

function checkGrid(spec: ResolvedSpec, out: Violation[]): void {
  const grid = spec.grid!;
  const checkKey = (dotted: string, at: SpecPath) => {
    const path = parseDottedPath(dotted);
    const parent = getPath(spec, path.slice(0, -1));
    const last = path[path.length - 1]!;
    if (path[0] === 'grid' || !isObject(parent) || !(String(last) in parent)) {
      const siblings = isObject(parent) ? Object.keys(parent) : Object.keys(spec);
      out.push({ path: at, atKey: true, message: messages.gridPathMissing(dotted, suggest(String(isObject(parent) ? last : path[0]), siblings)) });
    }
  };
  for (const key of Object.keys(grid.axes)) checkKey(key, ['grid', 'axes', key]);
  grid.zip.forEach((group, i) => {
    for (const key of Object.keys(group)) checkKey(key, ['grid', 'zip', i, key]);
    const lengths = Object.values(group).map((v) => v.length);
    if (new Set(lengths).size > 1) out.push({ path: ['grid', 'zip', i], message: messages.zipLengths(Object.entries(group).map(([k, v]) => `${k}: ${v.length}`).join(', ')) });
  });
  grid.trials.forEach((t, i) => Object.keys(t).forEach((key) => checkKey(key, ['grid', 'trials', i, key])));
  grid.exclude.forEach((t, i) => Object.keys(t).forEach((key) => checkKey(key, ['grid', 'exclude', i, key])));
}
