import type { Static, TObject } from '@sinclair/typebox';
import type { Tf } from '../core/backend.js';
import type { Module } from '../core/nn/module.js';
import type { Optimizer } from '../core/nn/optimizer.js';
import type { Dataset } from '../core/data/dataset.js';

export const COMPONENT_KINDS = ['block', 'head', 'optimizer', 'schedule', 'dataset'] as const;
export type ComponentKind = (typeof COMPONENT_KINDS)[number];

/** Where a block sits in the network: set by the model section, not by the block's own params. */
export interface BlockContext {
  tf: Tf;
  name: string;
  inChannels: number;
  /** Output channels, from the model section (width, growth at downsampling, overrides). */
  width: number;
  seed: number;
}
export const DOWNSAMPLE_KINDS = ['none', 'invertible', 'max_pool', 'avg_pool', 'stride'] as const;
export type DownsampleKind = (typeof DOWNSAMPLE_KINDS)[number];

export interface HeadContext {
  tf: Tf;
  name: string;
  inChannels: number;
  /** Spatial size (height = width) of the block output the head reads. */
  spatial: number;
  numClasses: number;
  seed: number;
}

export interface OptimizerContext {
  tf: Tf;
}

/** Maps an epoch index (0-based) to a learning rate. */
export interface Schedule {
  lrAt(epoch: number, baseLr: number, totalEpochs: number): number;
}

export interface DatasetContext {
  seed: number;
  /** Directory of the spec file, for relative data paths. */
  baseDir: string;
}

export interface ComponentOutputs {
  block: Module;
  head: Module;
  optimizer: Optimizer;
  schedule: Schedule;
  dataset: Dataset | Promise<Dataset>;
}
export interface ComponentContexts {
  block: BlockContext;
  head: HeadContext;
  optimizer: OptimizerContext;
  schedule: { resolveNested: (spec: ComponentSpec) => Schedule };
  dataset: DatasetContext;
}

/** A component spec as it appears in YAML: `type` names the component, the rest are its params. */
export interface ComponentSpec {
  type: string;
  [param: string]: unknown;
}

/**
 * One registered component: its name (equal to its file's name), a one-line summary, the schema of
 * its params (types, ranges, defaults, descriptions) and the factory that builds it.
 */
export interface ComponentDefinition<K extends ComponentKind = ComponentKind, S extends TObject = TObject> {
  kind: K;
  name: string;
  summary: string;
  params: S;
  create(params: Static<S>, ctx: ComponentContexts[K]): ComponentOutputs[K];
  /** Problems with params that need more than the schema (a missing data directory): param → message. */
  check?(params: Static<S>): { param: string; message: string }[];
  /** Datasets: [height, width, channels] of the images, known without loading them. */
  inputShape?(params: Static<S>): [number, number, number];
}

export function defineComponent<K extends ComponentKind, S extends TObject>(
  definition: ComponentDefinition<K, S>,
): ComponentDefinition<K, S> {
  return definition;
}

/** Marks a param as a nested component slot of the given kind (e.g. the schedule after a warm-up). */
export const COMPONENT_SLOT = 'x-component';
