import { closeSync, mkdirSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import type * as tfc from '@tensorflow/tfjs';
import type { Tf } from '../backend.js';
import type { Dataset, Split } from '../data/dataset.js';
import { batchIndices, imageBatch, toTensor } from '../data/batches.js';
import type { Rng } from '../rng.js';
import type { Network } from './network.js';
import { readTidy } from '../nn/module.js';

/** What a stage trains on: images, or the frozen prefix's outputs for them. Tensors are the caller's to free. */
export interface StageInput {
  readonly shape: [number, number, number];
  train(indices: Int32Array, augment: Rng | null): tfc.Tensor4D;
  test(indices: Int32Array): tfc.Tensor4D;
  dispose(): void;
}

/** Images through the stem and the first `depth` (frozen, inference-mode) blocks, recomputed every batch. */
export class PrefixInput implements StageInput {
  readonly shape: [number, number, number];

  constructor(private readonly tf: Tf, private readonly ds: Dataset, private readonly net: Network, private readonly depth: number) {
    this.shape = net.shapeAfter(depth);
  }

  train(indices: Int32Array, augment: Rng | null): tfc.Tensor4D {
    return this.run(this.ds.train, indices, augment);
  }
  test(indices: Int32Array): tfc.Tensor4D {
    return this.run(this.ds.test, indices, null);
  }
  private run(split: Split, indices: Int32Array, augment: Rng | null): tfc.Tensor4D {
    return this.tf.tidy(() => {
      const x = toTensor(this.tf, imageBatch(this.ds, split, indices, augment), this.ds.shape);
      return this.net.forwardPrefix(x, this.depth) as tfc.Tensor4D;
    });
  }
  dispose(): void {}
}

/** Rows of float32 features, in memory or in a file (one row per image). */
interface FeatureStore {
  rows(indices: Int32Array): Float32Array;
  dispose(): void;
}

class MemoryStore implements FeatureStore {
  constructor(private readonly data: Float32Array, private readonly rowSize: number) {}
  rows(indices: Int32Array): Float32Array {
    const out = new Float32Array(indices.length * this.rowSize);
    indices.forEach((i, n) => out.set(this.data.subarray(i * this.rowSize, (i + 1) * this.rowSize), n * this.rowSize));
    return out;
  }
  dispose(): void {}
}

class DiskStore implements FeatureStore {
  private readonly fd: number;
  constructor(private readonly file: string, private readonly rowSize: number) {
    this.fd = openSync(file, 'r');
  }
  rows(indices: Int32Array): Float32Array {
    const out = new Float32Array(indices.length * this.rowSize);
    const bytes = new Uint8Array(out.buffer);
    const rowBytes = this.rowSize * 4;
    indices.forEach((i, n) => readSync(this.fd, bytes, n * rowBytes, rowBytes, i * rowBytes));
    return out;
  }
  dispose(): void {
    closeSync(this.fd);
    rmSync(this.file, { force: true });
  }
}

export interface CacheBudget {
  memoryBytes: number;
  dir: string;
  batchSize: number;
}

/**
 * The frozen prefix's outputs, computed once per stage. Stage j's cache is built from stage j-1's by
 * running the one newly frozen block, so each stage costs one block pass over the data, not j.
 */
export class CachedInput implements StageInput {
  private constructor(
    private readonly tf: Tf,
    readonly shape: [number, number, number],
    private readonly trainStore: FeatureStore,
    private readonly testStore: FeatureStore,
    readonly bytes: number,
    readonly onDisk: boolean,
  ) {}

  /** `from` is the input of block depth-1 (raw images for depth 1, or the previous stage's cache). */
  static build(tf: Tf, ds: Dataset, net: Network, depth: number, from: StageInput, budget: CacheBudget): CachedInput {
    const shape = net.shapeAfter(depth);
    const rowSize = shape[0] * shape[1] * shape[2];
    const bytes = (ds.train.count + ds.test.count) * rowSize * 4;
    const onDisk = bytes > budget.memoryBytes;
    const make = (split: 'train' | 'test', count: number): FeatureStore => {
      const compute = (indices: Int32Array) => readTidy(tf, () => {
        const x = split === 'train' ? from.train(indices, null) : from.test(indices);
        return net.forwardBlocks(x, depth - 1, depth, false);
      });
      if (!onDisk) {
        const data = new Float32Array(count * rowSize);
        let offset = 0;
        for (const idx of batchIndices(count, budget.batchSize, null)) {
          data.set(compute(idx), offset);
          offset += idx.length * rowSize;
        }
        return new MemoryStore(data, rowSize);
      }
      mkdirSync(budget.dir, { recursive: true });
      const file = path.join(budget.dir, `stage-${depth}-${split}.f32`);
      const fd = openSync(file, 'w');
      try {
        for (const idx of batchIndices(count, budget.batchSize, null)) {
          const rows = compute(idx);
          writeSync(fd, new Uint8Array(rows.buffer, rows.byteOffset, rows.byteLength));
        }
      } finally {
        closeSync(fd);
      }
      return new DiskStore(file, rowSize);
    };
    return new CachedInput(tf, shape, make('train', ds.train.count), make('test', ds.test.count), bytes, onDisk);
  }

  train(indices: Int32Array): tfc.Tensor4D {
    return toTensor(this.tf, this.trainStore.rows(indices), this.shape);
  }
  test(indices: Int32Array): tfc.Tensor4D {
    return toTensor(this.tf, this.testStore.rows(indices), this.shape);
  }
  dispose(): void {
    this.trainStore.dispose();
    this.testStore.dispose();
  }
}
