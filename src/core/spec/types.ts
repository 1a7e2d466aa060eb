import type { BackendName } from '../backend.js';
import type { ComponentSpec } from '../../registry/component.js';

export type { ComponentSpec };

/** A spec after extends, --set, validation and defaults: every key present. */
export interface ResolvedSpec {
  version: number;
  name: string;
  description: string;
  seed: number;
  backend: BackendName;
  threads: number | null;
  output_dir: string;
  plugins: string[];
  dataset: ComponentSpec;
  model: {
    stages: number;
    width: number;
    widths: number[] | null;
    growth: number;
    downsample_at: number[];
    downsample: string;
    input_downsample: boolean;
    block: ComponentSpec;
    head: ComponentSpec;
    stage_overrides: { stage: number; width?: number; block?: Record<string, unknown>; head?: Record<string, unknown> }[];
  };
  training: {
    mode: 'greedy' | 'end_to_end';
    epochs: number;
    batch_size: number;
    eval_batch_size: number;
    max_steps_per_epoch: number | null;
    optimizer: ComponentSpec;
    schedule: ComponentSpec;
    reset_optimizer_on_lr_drop: boolean;
    cache_features: 'auto' | 'on' | 'off';
    cache_memory_mb: number;
    checkpoint_every: number;
    eval_every: number;
    stage_overrides: { stage: number; epochs?: number; optimizer?: Record<string, unknown>; schedule?: Record<string, unknown> }[];
  };
  tracking: {
    uri: string | null;
    experiment: string | null;
    run_name: string | null;
    tags: Record<string, string>;
    enabled: boolean;
  };
  grid?: GridSpec;
}

export interface GridSpec {
  axes: Record<string, unknown[]>;
  zip: Record<string, unknown[]>[];
  trials: Record<string, unknown>[];
  exclude: Record<string, unknown>[];
  metric: string;
}
