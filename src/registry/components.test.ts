/**
 * Every registered component, built with its defaults (timm-style: a new component is tested by being
 * registered), plus hand-computed checks of the numerics the paper depends on.
 */
import assert from 'node:assert/strict';
import type * as tfc from '@tensorflow/tfjs';
import { createRegistry } from './container.js';
import { schemaFor } from '../core/spec/resolve.js';
import { fillDefaults } from '../core/spec/defaults.js';
import type { ComponentKind, ComponentSpec, Schedule } from './component.js';
import { batchNormTrain, reluWithGrad, spaceToDepth } from '../core/nn/layers.js';
import { nativeTf } from '../../test/tf.js';
import type { Module } from '../core/nn/module.js';

const registry = createRegistry();
const schema = schemaFor(registry);
const withDefaults = (kind: ComponentKind, spec: ComponentSpec) =>
  fillDefaults({ $ref: `#/$defs/${kind}` }, structuredClone(spec), schema) as ComponentSpec & Record<string, never>;

function build<K extends 'block' | 'head'>(kind: K, spec: ComponentSpec, ctx: Record<string, unknown>): Module {
  const d = registry.get(kind, spec.type);
  return d.create(withDefaults(kind, spec) as never, ctx as never) as Module;
}

describe('components @slow', () => {
  let tf: Awaited<ReturnType<typeof nativeTf>>;
  before(async () => (tf = await nativeTf()));

  describe('blocks: output shapes for each downsampling', () => {
    const cases: [string, number[]][] = [
      ['none', [2, 8, 8, 5]], ['invertible', [2, 4, 4, 5]], ['max_pool', [2, 4, 4, 5]], ['avg_pool', [2, 4, 4, 5]], ['stride', [2, 4, 4, 5]],
    ];
    for (const d of registry.list('block')) {
      for (const [downsample, expected] of cases) {
        it(`${d.name} with downsample ${downsample}`, () => {
          const block = build('block', { type: d.name, downsample }, { tf, name: 'b', inChannels: 3, width: 5, seed: 1 });
          const y = tf.tidy(() => block.forward(tf.ones([2, 8, 8, 3]), true));
          assert.deepEqual(y.shape, expected);
          assert.deepEqual(block.outputShape([8, 8, 3]), expected.slice(1));
          y.dispose(); block.dispose();
        });
      }
    }
  });

  describe('heads: logits of shape [batch, classes]', () => {
    for (const d of registry.list('head')) {
      it(d.name, () => {
        const head = build('head', { type: d.name }, { tf, name: 'h', inChannels: 6, spatial: 4, numClasses: 3, seed: 1 });
        const y = tf.tidy(() => head.forward(tf.ones([2, 4, 4, 6]), true));
        assert.deepEqual(y.shape, [2, 3]);
        y.dispose(); head.dispose();
      });
    }
  });

  it('space-to-depth puts pixel (dy, dx) of each 2x2 patch at channels (dy*2 + dx)*C + c', () => {
    // x[0, y, x, c] = 100*y + 10*x + c, on a 2x4 image with 2 channels.
    const values: number[] = [];
    for (let y = 0; y < 2; y++) for (let x = 0; x < 4; x++) for (let c = 0; c < 2; c++) values.push(100 * y + 10 * x + c);
    const out = tf.tidy(() => spaceToDepth(tf, tf.tensor4d(values, [1, 2, 4, 2])).arraySync()) as number[][][][];
    assert.deepEqual(out[0]![0]![0], [0, 1, 10, 11, 100, 101, 110, 111]);
    assert.deepEqual(out[0]![0]![1], [20, 21, 30, 31, 120, 121, 130, 131]);
  });

  it('aux_conv head (k=1, no batch norm): 2x2 quadrant averages, then the linear layer', () => {
    const head = build('head', { type: 'aux_conv', batch_norm: false }, { tf, name: 'h', inChannels: 1, spatial: 4, numClasses: 2, seed: 1 });
    const [w, b] = head.params().map((p) => p.variable);
    assert.deepEqual(head.params().map((p) => p.name), ['linear.weight', 'linear.bias']);
    w!.assign(tf.tensor2d([[1, 0], [0, 1], [0, 0], [1, 1]]));
    b!.assign(tf.tensor1d([0.5, -0.5]));
    // Quadrant means of 0..15 laid row-major on 4x4: top-left 2.5, top-right 4.5, bottom-left 10.5, bottom-right 12.5.
    const logits = tf.tidy(() => head.forward(tf.tensor4d([...Array(16).keys()], [1, 4, 4, 1]), false).arraySync()) as number[][];
    assert.deepEqual(logits[0], [2.5 + 12.5 + 0.5, 4.5 + 12.5 - 0.5]);
    head.dispose();
  });

  it('aux_conv head (k=3): two hidden convs of width_factor x the block width', () => {
    const head = build('head', { type: 'aux_conv', hidden_layers: 2, width_factor: 2 }, { tf, name: 'h', inChannels: 4, spatial: 8, numClasses: 10, seed: 1 });
    const shapes = Object.fromEntries(head.params().map((p) => [p.name, p.variable.shape]));
    assert.deepEqual(shapes['conv0.weight'], [3, 3, 4, 8]);
    assert.deepEqual(shapes['conv1.weight'], [3, 3, 8, 8]);
    assert.deepEqual(shapes['linear.weight'], [8 * 2 * 2, 10]);
    head.dispose();
  });

  it('batch norm follows PyTorch: momentum 0.1, unbiased running variance, biased batch variance', () => {
    const block = build('block', { type: 'conv', kernel_size: 1 }, { tf, name: 'b', inChannels: 1, width: 1, seed: 1 });
    block.params()[0]!.variable.assign(tf.ones([1, 1, 1, 1]));
    const x = tf.tensor4d([1, 2, 3, 6], [4, 1, 1, 1]); // mean 3, biased var 3.5, unbiased var 14/3
    const y = tf.tidy(() => block.forward(x, true).dataSync());
    const [mean, variance] = block.buffers().map((b) => b.variable.dataSync()[0]!);
    assert.ok(Math.abs(mean! - 0.1 * 3) < 1e-6);
    assert.ok(Math.abs(variance! - (0.9 + 0.1 * (14 / 3))) < 1e-5);
    assert.ok(Math.abs(y[3]! - 3 / Math.sqrt(3.5 + 1e-5)) < 1e-4); // ReLU((6 - 3) / sqrt(3.5))
    x.dispose(); block.dispose();
  });

  it('batch norm\'s written-out gradient equals autodiff of the plain formula', () => {
    const x = tf.randomNormal([4, 3, 3, 2], 0, 1, 'float32', 5);
    const gamma = tf.variable(tf.tensor1d([1.5, -0.5]));
    const beta = tf.variable(tf.tensor1d([0.1, 0.2]));
    const weights = tf.randomNormal([4, 3, 3, 2], 0, 1, 'float32', 6);
    const loss = (y: tfc.Tensor) => tf.sum(tf.mul(y, weights)) as tfc.Scalar;
    const plain = (t: tfc.Tensor, g: tfc.Tensor, b: tfc.Tensor) => {
      const { mean, variance } = tf.moments(t, [0, 1, 2]);
      return tf.add(tf.mul(tf.div(tf.sub(t, mean), tf.sqrt(tf.add(variance, 1e-5))), g), b);
    };
    const expected = tf.grads((t: tfc.Tensor, g: tfc.Tensor, b: tfc.Tensor) => loss(plain(t, g, b)))([x, gamma, beta]);
    const actual = tf.grads((t: tfc.Tensor, g: tfc.Tensor, b: tfc.Tensor) => loss(batchNormTrain(tf, t, g, b, 1e-5, () => {})))([x, gamma, beta]);
    expected.forEach((e, i) => {
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(e, actual[i]!))).dataSync()[0]!);
      assert.ok(diff < 1e-4, `input ${i}: max difference ${diff}`);
    });
    tf.dispose([x, gamma, beta, weights, ...expected, ...actual]);
  });

  it('relu\'s written-out gradient equals autodiff', () => {
    const x = tf.tensor2d([[-2, -0.5, 0.5], [3, -1, 2]]);
    const w = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
    const expected = tf.grad((t: tfc.Tensor) => tf.sum(tf.mul(tf.relu(t), w)))(x);
    const actual = tf.grad((t: tfc.Tensor) => tf.sum(tf.mul(reluWithGrad(tf, t), w)))(x);
    assert.deepEqual(actual.arraySync(), expected.arraySync());
    assert.deepEqual(actual.arraySync(), [[0, 0, 3], [4, 0, 6]]);
    tf.dispose([x, w, expected, actual]);
  });

  it('sgd matches PyTorch with momentum, Nesterov and weight decay (two steps by hand)', () => {
    const opt = registry.get('optimizer', 'sgd').create(withDefaults('optimizer', { type: 'sgd', momentum: 0.5, nesterov: true, weight_decay: 0.1 }) as never, { tf } as never) as import('../core/nn/optimizer.js').Optimizer;
    const w = tf.variable(tf.scalar(2));
    // step 1: g = 1 + 0.1*2 = 1.2; buf = 1.2; g' = 1.2 + 0.5*1.2 = 1.8; w = 2 - 0.1*1.8 = 1.82
    opt.apply([w], [tf.scalar(1)], 0.1);
    assert.ok(Math.abs(w.dataSync()[0]! - 1.82) < 1e-6);
    // step 2: g = 1 + 0.182 = 1.182; buf = 0.5*1.2 + 1.182 = 1.782; g' = 1.182 + 0.891 = 2.073; w = 1.82 - 0.2073
    opt.apply([w], [tf.scalar(1)], 0.1);
    assert.ok(Math.abs(w.dataSync()[0]! - (1.82 - 0.2073)) < 1e-6);
    opt.dispose(); w.dispose();
  });

  it('adam and adamw take a bias-corrected first step of size lr', () => {
    for (const type of ['adam', 'adamw']) {
      const opt = registry.get('optimizer', type).create(withDefaults('optimizer', { type, lr: 0.01, weight_decay: 0 }) as never, { tf } as never) as import('../core/nn/optimizer.js').Optimizer;
      const w = tf.variable(tf.scalar(1));
      opt.apply([w], [tf.scalar(3)], 0.01);
      assert.ok(Math.abs(w.dataSync()[0]! - 0.99) < 1e-5, type);
      opt.dispose(); w.dispose();
    }
  });

  it('every optimizer lowers a quadratic and keeps its state count fixed', () => {
    for (const d of registry.list('optimizer')) {
      const opt = d.create(withDefaults('optimizer', { type: d.name, lr: 0.05 }) as never, { tf } as never) as import('../core/nn/optimizer.js').Optimizer;
      const w = tf.variable(tf.tensor1d([3, -2]));
      const loss = () => tf.tidy(() => tf.sum(tf.square(w)).dataSync()[0]!);
      const before = loss();
      let count = 0;
      for (let i = 0; i < 20; i++) {
        const grads = tf.tidy(() => [tf.mul(w, 2)]) as tfc.Tensor[];
        opt.apply([w], grads, 0.05);
        tf.dispose(grads);
        if (i === 1) count = tf.memory().numTensors;
      }
      assert.ok(loss() < before, d.name);
      assert.equal(tf.memory().numTensors, count, `${d.name} leaks tensors`);
      opt.dispose(); w.dispose();
    }
  });
});

describe('schedules', () => {
  const make = (spec: ComponentSpec): Schedule => {
    const resolveNested = (s: ComponentSpec): Schedule => registry.get('schedule', s.type).create(withDefaults('schedule', s) as never, { resolveNested } as never) as Schedule;
    return resolveNested(spec);
  };
  const lrs = (s: Schedule, n: number, total = n) => Array.from({ length: n }, (_, e) => Number(s.lrAt(e, 0.1, total).toPrecision(6)));

  it('every schedule starts at a positive rate', () => {
    for (const d of registry.list('schedule')) assert.ok(make({ type: d.name }).lrAt(0, 0.1, 10) > 0, d.name);
  });
  it('step: the paper\'s 0.2 every 15 epochs', () => {
    assert.deepEqual(lrs(make({ type: 'step', step_size: 15, gamma: 0.2 }), 50).filter((_, e) => e % 15 === 0), [0.1, 0.02, 0.004, 0.0008]);
  });
  it('multi_step, cosine and linear warm-up', () => {
    assert.deepEqual(lrs(make({ type: 'multi_step', milestones: [2, 4], gamma: 0.5 }), 5), [0.1, 0.1, 0.05, 0.05, 0.025]);
    assert.deepEqual(lrs(make({ type: 'cosine' }), 3, 2), [0.1, 0.05, 0]);
    assert.deepEqual(lrs(make({ type: 'linear_warmup', warmup_epochs: 2, start_factor: 0.5, then: { type: 'step', step_size: 1, gamma: 0.5 } }), 4), [0.05, 0.075, 0.1, 0.05]);
  });
});
