import { Type, type Static, type TProperties } from '@sinclair/typebox';
import { Rng } from '../../core/rng.js';
import type { Dataset, Split } from '../../core/data/dataset.js';

/** Params every dataset shares: subset sizes, normalisation and training augmentation. */
export const commonDatasetParams = {
  train_size: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], { default: null, description: 'use this many training images (stratified, seeded); null: all' }),
  normalize: Type.Boolean({ default: true, description: 'subtract the per-channel mean and divide by the std after scaling to [0, 1]' }),
  mean: Type.Union([Type.Array(Type.Number(), { minItems: 1 }), Type.Null()], { default: null, description: 'per-channel mean; null: the dataset\'s standard statistics' }),
  std: Type.Union([Type.Array(Type.Number({ exclusiveMinimum: 0 }), { minItems: 1 }), Type.Null()], { default: null, description: 'per-channel std; null: the dataset\'s standard statistics' }),
  random_crop_padding: Type.Integer({ minimum: 0, default: 0, description: 'augmentation: zero-pad by this many pixels, then crop back at a random offset (0: off)' }),
  horizontal_flip: Type.Boolean({ default: false, description: 'augmentation: flip training images left-right with probability 1/2' }),
} satisfies TProperties;

const CommonParams = Type.Object(commonDatasetParams);
type CommonParams = Static<typeof CommonParams>;

export function finishDataset(
  base: Omit<Dataset, 'mean' | 'std' | 'augment'>,
  p: CommonParams,
  standard: { mean: number[]; std: number[] },
): Dataset {
  const channels = base.shape[2];
  const mean = p.normalize ? p.mean ?? standard.mean : new Array(channels).fill(0);
  const std = p.normalize ? p.std ?? standard.std : new Array(channels).fill(1);
  if (mean.length !== channels || std.length !== channels) {
    throw new Error(`${base.name}: mean and std need ${channels} values, one per channel`);
  }
  return { ...base, mean, std, augment: { cropPadding: p.random_crop_padding, horizontalFlip: p.horizontal_flip } };
}

/** Picks `size` items spread evenly over the classes, in a seeded order. */
export function stratifiedSubset(labels: Int32Array, numClasses: number, size: number | null, seed: number): Int32Array {
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  const order = new Rng(seed).permutation(labels.length);
  for (const i of order) byClass[labels[i]!]!.push(i);
  const total = size === null ? labels.length : Math.min(size, labels.length);
  const picked: number[] = [];
  for (let round = 0; picked.length < total; round++) {
    for (const items of byClass) if (round < items.length && picked.length < total) picked.push(items[round]!);
  }
  return Int32Array.from(picked);
}

export function takeSplit(split: Split, indices: Int32Array, pixels: number): Split {
  const images = new (split.images.constructor as Uint8ArrayConstructor)(indices.length * pixels);
  const labels = new Int32Array(indices.length);
  indices.forEach((src, dst) => {
    images.set(split.images.subarray(src * pixels, (src + 1) * pixels), dst * pixels);
    labels[dst] = split.labels[src]!;
  });
  return { images, labels, count: indices.length };
}
