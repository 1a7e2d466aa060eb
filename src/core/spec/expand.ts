import { mergeSpecs } from './merge.js';
import type { ComponentSpec, ResolvedSpec } from './types.js';

/** One greedy stage, with everything the model section implies spelled out. */
export interface StagePlan {
  index: number;
  width: number;
  inChannels: number;
  /** Spatial size (height = width) of the stage's input and of its block's output. */
  inSpatial: number;
  outSpatial: number;
  block: ComponentSpec;
  head: ComponentSpec;
  epochs: number;
  optimizer: ComponentSpec;
  schedule: ComponentSpec;
  /** Where each part came from, for locating errors in the spec. */
  origin: { block: 'model' | number; head: 'model' | number; optimizer: 'training' | number; schedule: 'training' | number };
}

/** Spatial size after one downsampling of the given kind (NaN when impossible). */
export function downsampledSize(size: number, kind: string): number {
  if (kind === 'none') return size;
  if (kind === 'stride') return Math.ceil(size / 2);
  if (kind === 'invertible') return size % 2 === 0 ? size / 2 : Number.NaN;
  return Math.floor(size / 2);
}

/**
 * Expands the compact model and training sections into one plan per stage: widths grow at each
 * downsampling, `downsample_at` sets the block's downsampling, stage overrides merge on top.
 */
export function planStages(spec: ResolvedSpec, inputShape: [number, number, number]): StagePlan[] {
  const { model, training } = spec;
  let spatial = model.input_downsample ? downsampledSize(inputShape[0], 'invertible') : inputShape[0];
  let inChannels = model.input_downsample ? inputShape[2] * 4 : inputShape[2];
  let downsamplings = 0;
  const plans: StagePlan[] = [];
  for (let j = 0; j < model.stages; j++) {
    const mo = model.stage_overrides.find((o) => o.stage === j);
    const to = training.stage_overrides.find((o) => o.stage === j);
    const placed: Record<string, unknown> = 'downsample' in model.block || model.block.type === 'conv'
      ? { downsample: model.downsample_at.includes(j) ? model.downsample : 'none' }
      : {};
    const block = mergeSpecs(mergeSpecs(model.block, placed), mo?.block ?? {}) as ComponentSpec;
    const downsample = typeof block.downsample === 'string' ? block.downsample : 'none';
    if (downsample !== 'none') downsamplings++;
    const width = mo?.width ?? model.widths?.[j] ?? Math.round(model.width * model.growth ** downsamplings);
    const inSpatial = spatial;
    spatial = downsampledSize(spatial, downsample);
    plans.push({
      index: j,
      width,
      inChannels,
      inSpatial,
      outSpatial: spatial,
      block,
      head: mergeSpecs(model.head, mo?.head ?? {}) as ComponentSpec,
      epochs: to?.epochs ?? training.epochs,
      optimizer: mergeSpecs(training.optimizer, to?.optimizer ?? {}) as ComponentSpec,
      schedule: mergeSpecs(training.schedule, to?.schedule ?? {}) as ComponentSpec,
      origin: {
        block: mo?.block ? model.stage_overrides.indexOf(mo) : 'model',
        head: mo?.head ? model.stage_overrides.indexOf(mo) : 'model',
        optimizer: to?.optimizer ? training.stage_overrides.indexOf(to) : 'training',
        schedule: to?.schedule ? training.stage_overrides.indexOf(to) : 'training',
      },
    });
    inChannels = width;
  }
  return plans;
}

/**
 * Multiply-adds per image of the frozen prefix of stage j, per element of its output: what a cached
 * element saves. Conv blocks cost kernel^2 x input channels (x4 after invertible downsampling) x width
 * per output position.
 */
export function prefixCostPerFeature(plans: StagePlan[], j: number): number {
  let macs = 0;
  for (const p of plans.slice(0, j)) {
    const kernel = typeof p.block.kernel_size === 'number' ? p.block.kernel_size : 3;
    const inChannels = p.block.downsample === 'invertible' ? p.inChannels * 4 : p.inChannels;
    macs += p.outSpatial * p.outSpatial * kernel * kernel * inChannels * p.width;
  }
  const out = plans[j - 1]!;
  return macs / (out.outSpatial * out.outSpatial * out.width);
}

/**
 * Below this many multiply-adds per cached element, recomputing the prefix is cheaper than serving its
 * cached outputs (measured on 2 CPU cores with bench/feature_cache.ts: 9 was 0.84x, ~300 about even,
 * ~1750 1.5x faster per epoch).
 */
export const CACHE_WORTH_MACS_PER_FEATURE = 256;
