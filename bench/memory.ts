/**
 * Peak memory of a greedy run against end-to-end training of the same architecture (experiments/cpu/k3.yaml
 * and e2e_k3.yaml at reduced size), each in its own process: peak RSS, and peak bytes held in tensors
 * that TensorFlow.js tracks at any moment (activations, gradients, cached features; TF's own scratch
 * space inside kernels is not in it).
 * The greedy run is measured with the feature cache on and off.
 *   npm run build && node dist/bench/memory.js
 * Writes bench/results/memory.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeResult } from './common.js';

if (process.argv[2] === '--child') {
  const { loadBackend } = await import('../src/core/backend.js');
  const { resolveOrThrow } = await import('../src/core/spec/resolve.js');
  const { runExperiment } = await import('../src/core/run/orchestrator.js');
  const { tf } = await loadBackend('tensorflow');
  const { spec, registry } = await resolveOrThrow(process.argv[3]!, { sets: process.argv.slice(4) });
  let rss = 0;
  let tensorBytes = 0;
  // Every tensor creation passes through the engine's trackTensor: its byte count there is the peak,
  // activations and gradients of a step included (sampling between batches would miss them).
  const engine = tf.engine() as unknown as { trackTensor: (...a: unknown[]) => void; state: { numBytes: number } };
  const track = engine.trackTensor.bind(engine);
  engine.trackTensor = (...a: unknown[]) => {
    track(...a);
    tensorBytes = Math.max(tensorBytes, engine.state.numBytes);
  };
  const sample = () => {
    rss = Math.max(rss, process.memoryUsage().rss);
  };
  const timer = setInterval(sample, 20);
  const progress = { stageStart() {}, epochStart() {}, batch: sample, epochEnd() {}, message() {}, close() {} };
  const summary = await runExperiment({ spec, registry, runDir: mkdtempSync(path.join(os.tmpdir(), 'layerwise-mem-')), progress, log: () => {} });
  clearInterval(timer);
  sample();
  console.log(JSON.stringify({ rss, tensorBytes, seconds: summary.wall_seconds, accuracy: summary.final_test_accuracy }));
} else {
  const self = fileURLToPath(import.meta.url);
  const common = ['dataset.train_size=4000', 'dataset.test_size=1000', 'tracking.enabled=false'];
  const cases: [string, string, string[]][] = [
    ['greedy k=3, feature cache on', 'experiments/cpu/k3.yaml', ['training.epochs=1']],
    ['greedy k=3, feature cache off', 'experiments/cpu/k3.yaml', ['training.epochs=1', 'training.cache_features=off']],
    ['end-to-end, same architecture', 'experiments/cpu/e2e_k3.yaml', ['training.epochs=4']],
  ];
  const rows = cases.map(([label, file, sets]) => {
    const out = execFileSync(process.execPath, [self, '--child', file, ...common, ...sets], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return { label, ...JSON.parse(out.trim().split('\n').at(-1)!) as { rss: number; tensorBytes: number; seconds: number; accuracy: number } };
  });
  const mb = (b: number) => (b / 2 ** 20).toFixed(0);
  console.log('\nFashion-MNIST, 4,000 training images, 4 stages (widths 32, 32, 64, 64), k=3, batch 128\n');
  console.log('| run | peak RSS (MiB) | peak tensor bytes (MiB) | wall (s) |\n|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.label} | ${mb(r.rss)} | ${mb(r.tensorBytes)} | ${r.seconds.toFixed(0)} |`);
  writeResult('memory', rows);
}
