import { Type } from '@sinclair/typebox';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { defineComponent } from '../component.js';
import type { Split } from '../../core/data/dataset.js';
import { commonDatasetParams, finishDataset, stratifiedSubset, takeSplit } from './common.js';

export const CIFAR10_TRAIN_FILES = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
export const CIFAR10_TEST_FILE = 'test_batch.bin';
const RECORD = 1 + 32 * 32 * 3;

export const Cifar10Params = Type.Object({
  path: Type.String({ minLength: 1, description: 'directory with the binary version\'s data_batch_1..5.bin and test_batch.bin (relative to the spec file)' }),
  test_size: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], { default: null, description: 'use this many test images (stratified); null: all 10,000' }),
  ...commonDatasetParams,
}, { additionalProperties: false });

/** Reads CIFAR-10 binary batches (label byte, then 1024 R, 1024 G, 1024 B bytes) into NHWC uint8. */
export function readCifarBatches(files: string[]): Split {
  const buffers = files.map((f) => readFileSync(f));
  for (const [i, b] of buffers.entries()) {
    if (b.length % RECORD !== 0) throw new Error(`${files[i]} is not a CIFAR-10 binary batch (size ${b.length} is not a multiple of ${RECORD})`);
  }
  const count = buffers.reduce((n, b) => n + b.length / RECORD, 0);
  const images = new Uint8Array(count * 3072);
  const labels = new Int32Array(count);
  let n = 0;
  for (const buffer of buffers) {
    for (let offset = 0; offset < buffer.length; offset += RECORD, n++) {
      labels[n] = buffer[offset]!;
      for (let p = 0; p < 1024; p++) {
        for (let c = 0; c < 3; c++) images[n * 3072 + p * 3 + c] = buffer[offset + 1 + c * 1024 + p]!;
      }
    }
  }
  return { images, labels, count };
}

export default defineComponent({
  kind: 'dataset',
  name: 'cifar10',
  summary: 'CIFAR-10 from the standard binary batches in a local directory: 32x32 colour images, 10 classes',
  params: Cifar10Params,
  inputShape: () => [32, 32, 3],
  check: (p) => [CIFAR10_TEST_FILE, ...CIFAR10_TRAIN_FILES]
    .filter((f) => !existsSync(path.join(p.path, f)))
    .slice(0, 1)
    .map((f) => ({ param: 'path', message: `${path.join(p.path, f)} not found: path must hold the CIFAR-10 binary version (data_batch_1.bin ... test_batch.bin)` })),
  create(p, ctx) {
    const dir = path.resolve(ctx.baseDir, p.path);
    const train = readCifarBatches(CIFAR10_TRAIN_FILES.map((f) => path.join(dir, f)));
    const test = readCifarBatches([path.join(dir, CIFAR10_TEST_FILE)]);
    return finishDataset(
      {
        name: 'cifar10', numClasses: 10, shape: [32, 32, 3],
        train: takeSplit(train, stratifiedSubset(train.labels, 10, p.train_size, ctx.seed), 3072),
        test: p.test_size === null ? test : takeSplit(test, stratifiedSubset(test.labels, 10, p.test_size, ctx.seed), 3072),
      },
      p,
      // The reference code's statistics (its std is a known slip for 0.247, 0.243, 0.261; kept to match it).
      { mean: [0.4914, 0.4822, 0.4465], std: [0.2023, 0.1994, 0.201] },
    );
  },
});
