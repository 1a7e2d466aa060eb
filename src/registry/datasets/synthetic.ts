import { Type } from '@sinclair/typebox';
import { defineComponent } from '../component.js';
import type { Split } from '../../core/data/dataset.js';
import { Rng } from '../../core/rng.js';
import { commonDatasetParams, finishDataset } from './common.js';

export const SyntheticParams = Type.Object({
  num_classes: Type.Integer({ minimum: 2, maximum: 100, default: 4, description: 'number of classes' }),
  image_size: Type.Integer({ minimum: 2, default: 16, description: 'height and width' }),
  channels: Type.Integer({ minimum: 1, maximum: 16, default: 3, description: 'channels' }),
  train_count: Type.Integer({ minimum: 1, default: 256, description: 'training images' }),
  test_count: Type.Integer({ minimum: 1, default: 128, description: 'test images' }),
  noise: Type.Number({ minimum: 0, default: 1, description: 'std of the Gaussian noise over each class\' pattern' }),
  ...commonDatasetParams,
}, { additionalProperties: false });

/**
 * Seeded images whose class is a fixed random pattern plus noise: learnable by a small conv net in a few
 * steps, for tests and benchmarks. Values are float32 around 0.
 */
export default defineComponent({
  kind: 'dataset',
  name: 'synthetic',
  summary: 'seeded class patterns plus Gaussian noise, for tests and benchmarks',
  params: SyntheticParams,
  inputShape: (p) => [p.image_size, p.image_size, p.channels],
  create(p, ctx) {
    const pixels = p.image_size * p.image_size * p.channels;
    const patternRng = new Rng(ctx.seed, 1);
    const patterns = Array.from({ length: p.num_classes }, () => Float32Array.from({ length: pixels }, () => patternRng.normal()));
    const make = (count: number, stream: number): Split => {
      const rng = new Rng(ctx.seed, stream);
      const images = new Float32Array(count * pixels);
      const labels = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        const label = i % p.num_classes;
        labels[i] = label;
        for (let k = 0; k < pixels; k++) images[i * pixels + k] = patterns[label]![k]! + p.noise * rng.normal();
      }
      return { images, labels, count };
    };
    const train = make(p.train_size ?? p.train_count, 2);
    return finishDataset(
      { name: 'synthetic', numClasses: p.num_classes, shape: [p.image_size, p.image_size, p.channels], train, test: make(p.test_count, 3) },
      { ...p, normalize: p.normalize && (p.mean !== null || p.std !== null) },
      { mean: [], std: [] },
    );
  },
});
