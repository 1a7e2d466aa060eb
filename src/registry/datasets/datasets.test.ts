import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import type { Dataset } from '../../core/data/dataset.js';
import { createRegistry } from '../container.js';
import { fillDefaults } from '../../core/spec/defaults.js';
import { schemaFor } from '../../core/spec/resolve.js';
import { tempDir } from '../../../test/helpers.js';

const registry = createRegistry();
async function load(spec: Record<string, unknown>, baseDir = process.cwd(), seed = 0): Promise<Dataset> {
  const { type, ...params } = fillDefaults({ $ref: '#/$defs/dataset' }, structuredClone(spec), schemaFor(registry)) as { type: string };
  return registry.get('dataset', type).create(params as never, { seed, baseDir }) as Promise<Dataset>;
}
const perClass = (labels: Int32Array) => labels.reduce((c, l) => (c[l]!++, c), new Array(10).fill(0) as number[]);

describe('datasets', () => {
  it('fashion_mnist: 70,000 images split by seed into stratified train and test', async () => {
    const ds = await load({ type: 'fashion_mnist' });
    assert.deepEqual(ds.shape, [28, 28, 1]);
    assert.equal(ds.train.count + ds.test.count, 70000);
    assert.equal(ds.test.count, 10000);
    for (const n of perClass(ds.test.labels)) assert.ok(Math.abs(n - 1000) <= 1, String(n));
    assert.deepEqual([ds.mean, ds.std], [[0.286], [0.353]]);
    const again = await load({ type: 'fashion_mnist', test_size: 500, train_size: 1000 });
    const other = await load({ type: 'fashion_mnist', test_size: 500, train_size: 1000, split_seed: 1 });
    const same = await load({ type: 'fashion_mnist', test_size: 500, train_size: 1000 });
    assert.equal(again.train.count, 1000);
    assert.deepEqual(perClass(again.train.labels), new Array(10).fill(100));
    assert.deepEqual(same.test.images, again.test.images);
    assert.notDeepEqual(other.test.images, again.test.images);
  });

  it('mnist: 28x28 digits scaled to 0..255', async () => {
    const ds = await load({ type: 'mnist', train_size: 100 });
    assert.equal(ds.train.count, 100);
    assert.equal(Array.from(ds.test.images).reduce((m, v) => Math.max(m, v), 0), 255);
    assert.equal(ds.test.count, 2000);
  });

  it('cifar10: reads the binary batches (label, then R, G and B planes) into NHWC', async () => {
    const dir = tempDir();
    const record = (label: number, r: number, g: number, b: number) =>
      Buffer.concat([Buffer.from([label]), Buffer.alloc(1024, r), Buffer.alloc(1024, g), Buffer.alloc(1024, b)]);
    for (let i = 1; i <= 5; i++) writeFileSync(path.join(dir, `data_batch_${i}.bin`), Buffer.concat([record(i, 10 * i, 1, 2), record(0, 0, 0, 0)]));
    const test = record(9, 200, 100, 50);
    test[1 + 5] = 7; // R of pixel 5
    test[1 + 1024 + 5] = 8; // G of pixel 5
    writeFileSync(path.join(dir, 'test_batch.bin'), test);
    const ds = await load({ type: 'cifar10', path: dir });
    assert.equal(ds.train.count, 10);
    assert.equal(ds.test.count, 1);
    assert.deepEqual([...ds.test.labels], [9]);
    assert.deepEqual([...ds.test.images.subarray(0, 3)], [200, 100, 50]);
    assert.deepEqual([...ds.test.images.subarray(15, 18)], [7, 8, 50]);
    const check = registry.get('dataset', 'cifar10').check!({ path: path.join(dir, 'missing') } as never);
    assert.match(check[0]!.message, /test_batch\.bin not found/);
  });

  it('image_folder: PNG and JPEG classes from sub-folder names, resized and centre-cropped', async () => {
    const dir = tempDir();
    const png = (rgb: number[]) => {
      const img = new PNG({ width: 8, height: 4 });
      for (let i = 0; i < 32; i++) img.data.set([...rgb, 255], i * 4);
      return PNG.sync.write(img);
    };
    const jpg = (rgb: number[]) => jpeg.encode({ width: 8, height: 4, data: Buffer.from(Array.from({ length: 32 }, () => [...rgb, 255]).flat()) }, 100).data;
    for (const split of ['train', 'val']) {
      mkdirSync(path.join(dir, split, 'cat'), { recursive: true });
      mkdirSync(path.join(dir, split, 'ant'), { recursive: true });
      writeFileSync(path.join(dir, split, 'cat', 'a.png'), png([250, 0, 0]));
      writeFileSync(path.join(dir, split, 'ant', 'b.jpg'), jpg([0, 0, 250]));
    }
    const ds = await load({ type: 'image_folder', path: dir, resize: 4, image_size: 2 });
    assert.deepEqual(ds.shape, [2, 2, 3]);
    assert.equal(ds.numClasses, 2);
    const byLabel = new Map([...ds.test.labels].map((l, i) => [l, [...ds.test.images.subarray(i * 12, i * 12 + 3)]]));
    assert.deepEqual(byLabel.get(1), [250, 0, 0]); // cat: second class in sorted order
    const ant = byLabel.get(0)!;
    assert.ok(ant[2]! > 240 && ant[0]! < 10, `ant pixel ${ant}`);
  });

  it('synthetic: the same seed gives the same images', async () => {
    const a = await load({ type: 'synthetic' }, process.cwd(), 3);
    const b = await load({ type: 'synthetic' }, process.cwd(), 3);
    assert.deepEqual(a.train.images, b.train.images);
    assert.equal(a.numClasses, 4);
  });
});
