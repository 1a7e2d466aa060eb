import { Type } from '@sinclair/typebox';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { defineComponent } from '../component.js';
import type { Split } from '../../core/data/dataset.js';
import { commonDatasetParams, finishDataset, stratifiedSubset, takeSplit } from './common.js';

export const ImageFolderParams = Type.Object({
  path: Type.String({ minLength: 1, description: 'root with one folder per split, each with one sub-folder per class (relative to the spec file)' }),
  train_dir: Type.String({ minLength: 1, default: 'train', description: 'training split folder under path' }),
  test_dir: Type.String({ minLength: 1, default: 'val', description: 'test split folder under path' }),
  resize: Type.Integer({ minimum: 1, default: 256, description: 'shorter side is resized to this (bilinear)' }),
  image_size: Type.Integer({ minimum: 1, default: 224, description: 'then centre-cropped to image_size x image_size' }),
  test_size: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], { default: null, description: 'use this many test images (stratified); null: all' }),
  ...commonDatasetParams,
}, { additionalProperties: false });

const EXTENSIONS = new Set(['.jpg', '.jpeg', '.png']);

export function decodeImage(file: string): { data: Uint8Array; width: number; height: number } {
  const bytes = readFileSync(file);
  if (path.extname(file).toLowerCase() === '.png') {
    const png = PNG.sync.read(bytes);
    return { data: png.data, width: png.width, height: png.height };
  }
  const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
  return { data: img.data, width: img.width, height: img.height };
}

/** Resizes the shorter side to `resize` (bilinear) and centre-crops `size` x `size`, RGBA in, RGB out. */
export function resizeAndCrop(img: { data: Uint8Array; width: number; height: number }, resize: number, size: number): Uint8Array {
  const scale = resize / Math.min(img.width, img.height);
  const [w, h] = [Math.round(img.width * scale), Math.round(img.height * scale)];
  if (w < size || h < size) throw new Error(`resize ${resize} is smaller than image_size ${size}`);
  const [x0, y0] = [Math.floor((w - size) / 2), Math.floor((h - size) / 2)];
  const out = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    const sy = Math.min(Math.max((y + y0 + 0.5) / scale - 0.5, 0), img.height - 1);
    const [ya, fy] = [Math.floor(sy), sy - Math.floor(sy)];
    const yb = Math.min(ya + 1, img.height - 1);
    for (let x = 0; x < size; x++) {
      const sx = Math.min(Math.max((x + x0 + 0.5) / scale - 0.5, 0), img.width - 1);
      const [xa, fx] = [Math.floor(sx), sx - Math.floor(sx)];
      const xb = Math.min(xa + 1, img.width - 1);
      for (let c = 0; c < 3; c++) {
        const at = (yy: number, xx: number) => img.data[(yy * img.width + xx) * 4 + c]!;
        const top = at(ya, xa) * (1 - fx) + at(ya, xb) * fx;
        const bottom = at(yb, xa) * (1 - fx) + at(yb, xb) * fx;
        out[(y * size + x) * 3 + c] = Math.round(top * (1 - fy) + bottom * fy);
      }
    }
  }
  return out;
}

/** Class names are the sorted sub-folder names of the training split, so labels match across splits. */
export function readImageFolder(dir: string, classes: string[], resize: number, size: number): Split {
  const items: [string, number][] = [];
  classes.forEach((name, label) => {
    for (const f of readdirSync(path.join(dir, name)).sort()) {
      if (EXTENSIONS.has(path.extname(f).toLowerCase())) items.push([path.join(dir, name, f), label]);
    }
  });
  const pixels = size * size * 3;
  const images = new Uint8Array(items.length * pixels);
  const labels = new Int32Array(items.length);
  items.forEach(([file, label], i) => {
    images.set(resizeAndCrop(decodeImage(file), resize, size), i * pixels);
    labels[i] = label;
  });
  return { images, labels, count: items.length };
}

export function listClasses(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
}

export default defineComponent({
  kind: 'dataset',
  name: 'image_folder',
  summary: 'JPEG/PNG images in <path>/<split>/<class>/ folders (ImageNet layout), resized and centre-cropped, held in memory',
  params: ImageFolderParams,
  inputShape: (p) => [p.image_size, p.image_size, 3],
  check: (p) => [p.train_dir, p.test_dir]
    .filter((d) => !existsSync(path.join(p.path, d)))
    .map((d) => ({ param: 'path', message: `${path.join(p.path, d)} not found: path must hold ${p.train_dir}/ and ${p.test_dir}/ with one folder per class` })),
  create(p, ctx) {
    const root = path.resolve(ctx.baseDir, p.path);
    const classes = listClasses(path.join(root, p.train_dir));
    const train = readImageFolder(path.join(root, p.train_dir), classes, p.resize, p.image_size);
    const test = readImageFolder(path.join(root, p.test_dir), classes, p.resize, p.image_size);
    const pixels = p.image_size * p.image_size * 3;
    return finishDataset(
      {
        name: 'image_folder', numClasses: classes.length, shape: [p.image_size, p.image_size, 3],
        train: takeSplit(train, stratifiedSubset(train.labels, classes.length, p.train_size, ctx.seed), pixels),
        test: p.test_size === null ? test : takeSplit(test, stratifiedSubset(test.labels, classes.length, p.test_size, ctx.seed), pixels),
      },
      p,
      { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
    );
  },
});
