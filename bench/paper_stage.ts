/**
 * Training throughput of one greedy stage of the paper's CIFAR-10 k=3 model (stage 0: conv 3->128 at
 * 32x32 with BN and ReLU, plus the k=3 auxiliary head: two 3x3 convs of 128 with BN and ReLU, 2x2
 * averaging, BN, linear) at batch 128, with SGD (momentum 0.9, weight decay 5e-4):
 *   - layerwise: its real training loop (batches built in JS, forward, gradients, optimizer);
 *   - Keras on the tensorflow-cpu wheel layerwise takes libtensorflow from (a tf.function step);
 *   - PyTorch on CPU.
 * All on the same machine, one after the other, as images/s and ratios.
 *   npm run build && node dist/bench/paper_stage.js [--steps 10]
 * Writes bench/results/paper_stage.json.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { resolveOrThrow } from '../src/core/spec/resolve.js';
import { loadBackend, formatBackendInfo } from '../src/core/backend.js';
import { planStages } from '../src/core/spec/expand.js';
import { Network } from '../src/core/train/network.js';
import { PrefixInput } from '../src/core/train/stage_input.js';
import { trainEpoch } from '../src/core/train/trainer.js';
import type { Dataset } from '../src/core/data/dataset.js';
import type { Optimizer } from '../src/core/nn/optimizer.js';
import { Rng } from '../src/core/rng.js';
import { benchPython } from './python_env.js';
import { numberArg, writeResult } from './common.js';

const steps = numberArg('steps', 10);
const warmup = 2;
const batch = 128;

const { tf, info } = await loadBackend('tensorflow');
console.log(formatBackendInfo(info));
const { spec, registry } = await resolveOrThrow('experiments/paper/cifar10_k3.yaml', {
  sets: [`dataset={type: synthetic, image_size: 32, num_classes: 10, train_count: ${batch * (steps + warmup)}, test_count: 16}`],
});
const { type, ...dsParams } = spec.dataset;
const ds = (await registry.get('dataset', type).create(dsParams as never, { seed: 0, baseDir: '.' })) as Dataset;
const net = new Network(tf, registry, planStages(spec, ds.shape), ds.shape, false, 10, 0);
net.addStage(0);
const plan = net.plans[0]!;
const { type: optType, ...optParams } = plan.optimizer;
const optimizer = registry.get('optimizer', optType).create(optParams as never, { tf }) as Optimizer;
const input = new PrefixInput(tf, ds, net, 0);
const run = (n: number) => trainEpoch({
  tf, ds, input, modules: [net.blocks[0]!, net.heads[0]!], optimizer, lr: 0.1, batchSize: batch, maxSteps: n,
  order: new Rng(0), augment: null, stage: 0, epoch: 0, shouldStop: () => false, onBatch: () => {},
});
await run(warmup);
const result = await run(steps);
const layerwise = result.images / result.seconds;

const python = benchPython();
const twin = (script: string): number | null => {
  try {
    const out = execFileSync(python, [script, String(steps), String(warmup), String(batch)], { encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' }, stdio: ['ignore', 'pipe', 'inherit'] });
    return JSON.parse(out.trim().split('\n').at(-1)!).images_per_second as number;
  } catch (error) {
    console.error(`${script} failed: ${(error as Error).message.split('\n')[0]}`);
    return null;
  }
};
const keras = twin('bench/keras_stage.py');
const torch = twin('bench/torch_stage.py');
const rows: [string, number | null][] = [[`layerwise (tfjs-node, libtensorflow ${info.libtensorflowVersion})`, layerwise], [`Keras (tensorflow-cpu ${info.libtensorflowVersion}, tf.function)`, keras], ['PyTorch (CPU, eager)', torch]];
console.log(`\none greedy stage of the paper's CIFAR-10 k=3 model, batch ${batch}, ${steps} steps, ${os.availableParallelism()} cores\n`);
console.log('| framework | images/s | layerwise / this |\n|---|---|---|');
for (const [name, ips] of rows) console.log(`| ${name} | ${ips === null ? 'n/a' : ips.toFixed(1)} | ${ips ? (layerwise / ips).toFixed(2) : '-'} |`);
writeResult('paper_stage', { backend: info, batch, steps, layerwise_images_per_second: layerwise, keras_images_per_second: keras, torch_images_per_second: torch });
net.dispose();
