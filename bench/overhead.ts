/**
 * Framework overhead: the share of a layerwise training step spent outside TensorFlow's kernels. Wraps
 * the native binding's entry points (executeOp: kernels and eager dispatch; createTensor and
 * tensorDataSync: copies between JS and TF) and times them inside real training steps of the paper's
 * CIFAR-10 k=3 stage 0 (batch 128) and of the quick-start model's stage 1 (Fashion-MNIST, batch 128).
 *   npm run build && node dist/bench/overhead.js [--steps 10]
 * Writes bench/results/overhead.json.
 */
import { loadBackend } from '../src/core/backend.js';
import { resolveOrThrow } from '../src/core/spec/resolve.js';
import { planStages } from '../src/core/spec/expand.js';
import { Network } from '../src/core/train/network.js';
import { PrefixInput } from '../src/core/train/stage_input.js';
import { trainEpoch } from '../src/core/train/trainer.js';
import type { Dataset } from '../src/core/data/dataset.js';
import type { Optimizer } from '../src/core/nn/optimizer.js';
import { Rng } from '../src/core/rng.js';
import { numberArg, writeResult } from './common.js';

const steps = numberArg('steps', 10);
const { tf } = await loadBackend('tensorflow');
// The addon's exports are read-only: the backend gets a wrapper that times three entry points.
const backend = tf.backend() as unknown as { binding: Record<string, unknown> };
const native = backend.binding;
const timers = { executeOp: 0, copies: 0, ops: 0 };
const wrapped: Record<string, unknown> = Object.create(native);
const wrap = (name: string, bucket: 'executeOp' | 'copies') => {
  const original = (native[name] as (...a: unknown[]) => unknown).bind(native);
  // defineProperty: plain assignment would hit the read-only property on the prototype.
  Object.defineProperty(wrapped, name, {
    value: (...args: unknown[]) => {
      const t = process.hrtime.bigint();
      try {
        return original(...args);
      } finally {
        timers[bucket] += Number(process.hrtime.bigint() - t) / 1e9;
        if (bucket === 'executeOp') timers.ops++;
      }
    },
  });
};
wrap('executeOp', 'executeOp');
wrap('createTensor', 'copies');
wrap('tensorDataSync', 'copies');
backend.binding = wrapped;

async function measure(label: string, file: string, sets: string[], stage: number) {
  const batch = 128;
  const { spec, registry } = await resolveOrThrow(file, { sets: [...sets, 'tracking.enabled=false'] });
  const { type, ...p } = spec.dataset;
  const ds = (await registry.get('dataset', type).create(p as never, { seed: 0, baseDir: '.' })) as Dataset;
  const net = new Network(tf, registry, planStages(spec, ds.shape), ds.shape, spec.model.input_downsample, ds.numClasses, 0);
  for (let j = 0; j <= stage; j++) net.addStage(j);
  const { type: ot, ...op } = net.plans[stage]!.optimizer;
  const optimizer = registry.get('optimizer', ot).create(op as never, { tf }) as Optimizer;
  const input = new PrefixInput(tf, ds, net, stage);
  const run = (n: number) => trainEpoch({
    tf, ds, input, modules: [net.blocks[stage]!, net.heads[stage]!], optimizer, lr: 0.05, batchSize: batch, maxSteps: n,
    order: new Rng(0), augment: null, stage, epoch: 0, shouldStop: () => false, onBatch: () => {},
  });
  await run(2);
  Object.assign(timers, { executeOp: 0, copies: 0, ops: 0 });
  const r = await run(steps);
  const outside = r.seconds - timers.executeOp - timers.copies;
  const row = {
    label, step_ms: (1000 * r.seconds) / steps, ops_per_step: timers.ops / steps,
    kernels_share: timers.executeOp / r.seconds, copies_share: timers.copies / r.seconds, outside_tf_share: outside / r.seconds,
    outside_ms_per_op: (1000 * outside) / timers.ops,
  };
  net.dispose();
  optimizer.dispose();
  return row;
}

const rows = [
  await measure('paper CIFAR-10 k=3, stage 0 (32x32, width 128)', 'experiments/paper/cifar10_k3.yaml',
    [`dataset={type: synthetic, image_size: 32, num_classes: 10, train_count: ${128 * (steps + 2)}, test_count: 16}`], 0),
  await measure('quick start, stage 1 (prefix recomputed)', 'experiments/quickstart.yaml', ['dataset.train_size=2560', 'dataset.test_size=100'], 1),
];
console.log('\n| model | step (ms) | ops/step | in TF kernels | JS<->TF copies | outside TF (JS) | JS per op (ms) |\n|---|---|---|---|---|---|---|');
for (const r of rows) {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  console.log(`| ${r.label} | ${r.step_ms.toFixed(0)} | ${r.ops_per_step.toFixed(0)} | ${pct(r.kernels_share)} | ${pct(r.copies_share)} | ${pct(r.outside_tf_share)} | ${r.outside_ms_per_op.toFixed(3)} |`);
}
writeResult('overhead', { steps, rows });
