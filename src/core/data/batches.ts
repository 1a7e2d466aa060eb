import type * as tfc from '@tensorflow/tfjs';
import type { Tf } from '../backend.js';
import { Rng } from '../rng.js';
import type { Dataset, Split } from './dataset.js';

/**
 * Turns images at the given indices into a normalised float32 NHWC batch, applying the dataset's
 * augmentation (random crop after zero padding, horizontal flip) when `rng` is given.
 */
export function imageBatch(ds: Dataset, split: Split, indices: ArrayLike<number>, rng: Rng | null): Float32Array {
  const [h, w, c] = ds.shape;
  const pixels = h * w * c;
  const out = new Float32Array(indices.length * pixels);
  const scale = split.images instanceof Uint8Array ? 1 / 255 : 1;
  const pad = rng ? ds.augment.cropPadding : 0;
  const flipAllowed = rng !== null && ds.augment.horizontalFlip;
  const zero = ds.mean.map((m, ch) => (0 - m) / ds.std[ch]!); // a padded pixel (0 before normalisation)
  for (let n = 0; n < indices.length; n++) {
    const src = indices[n]! * pixels;
    const dst = n * pixels;
    const dy = pad ? rng!.int(2 * pad + 1) - pad : 0;
    const dx = pad ? rng!.int(2 * pad + 1) - pad : 0;
    const flip = flipAllowed && rng!.next() < 0.5;
    for (let y = 0; y < h; y++) {
      const sy = y + dy;
      for (let x = 0; x < w; x++) {
        const sx = (flip ? w - 1 - x : x) + dx;
        const o = dst + (y * w + x) * c;
        if (sy < 0 || sy >= h || sx < 0 || sx >= w) {
          for (let ch = 0; ch < c; ch++) out[o + ch] = zero[ch]!;
        } else {
          const i = src + (sy * w + sx) * c;
          for (let ch = 0; ch < c; ch++) out[o + ch] = (split.images[i + ch]! * scale - ds.mean[ch]!) / ds.std[ch]!;
        }
      }
    }
  }
  return out;
}

export function hasAugmentation(ds: Dataset): boolean {
  return ds.augment.cropPadding > 0 || ds.augment.horizontalFlip;
}

export function labelsAt(split: Split, indices: ArrayLike<number>): Int32Array {
  return Int32Array.from({ length: indices.length }, (_, n) => split.labels[indices[n]!]!);
}

/** Batches of indices over `count` items: a seeded permutation when `rng` is given, else in order. */
export function* batchIndices(count: number, batchSize: number, rng: Rng | null): Generator<Int32Array> {
  const order = rng ? rng.permutation(count) : Int32Array.from({ length: count }, (_, i) => i);
  for (let start = 0; start < count; start += batchSize) yield order.subarray(start, Math.min(start + batchSize, count));
}

export function toTensor(tf: Tf, data: Float32Array, shape: number[]): tfc.Tensor4D {
  return tf.tensor4d(data, [data.length / shape.reduce((a, b) => a * b, 1), ...shape] as [number, number, number, number]);
}
