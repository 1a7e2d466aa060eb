/**
 * Throughput probe: images/s of one training step (conv 3x3 with 128 channels on 32x32 inputs, batch 128,
 * batch norm, ReLU, then global average pooling and a dense classifier) on layerwise' backend, and the
 * same model in Keras on the tensorflow-cpu wheel that supplies libtensorflow, as a ratio.
 *   npm run build && node dist/bench/throughput.js [--steps 20] [--no-keras]
 * Writes bench/results/throughput.json.
 */
import { execFileSync } from 'node:child_process';
import { loadBackend, formatBackendInfo } from '../src/core/backend.js';
import { benchPython } from './python_env.js';
import { numberArg, writeResult } from './common.js';

const steps = numberArg('steps', 20);
const withKeras = !process.argv.includes('--no-keras');
const [batch, size, width, classes, warmup] = [128, 32, 128, 10, 3];

const { tf, info } = await loadBackend('tensorflow');
console.log(formatBackendInfo(info));
const model = tf.sequential({
  layers: [
    tf.layers.conv2d({ inputShape: [size, size, 3], filters: width, kernelSize: 3, padding: 'same', useBias: false }),
    tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 }),
    tf.layers.reLU(),
    tf.layers.globalAveragePooling2d({}),
    tf.layers.dense({ units: classes }),
  ],
});
const optimizer = tf.train.momentum(0.01, 0.9);
const x = tf.randomNormal([batch, size, size, 3]);
const y = tf.oneHot(tf.randomUniform([batch], 0, classes, 'int32'), classes);
const step = () => {
  const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as never), true)!;
  loss.dataSync();
  loss.dispose();
};
for (let i = 0; i < warmup; i++) step();
const start = process.hrtime.bigint();
for (let i = 0; i < steps; i++) step();
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
const layerwise = (steps * batch) / seconds;

let keras: number | null = null;
if (withKeras) {
  const out = execFileSync(benchPython(), ['bench/keras_throughput.py', String(steps), String(warmup)], {
    encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' },
  });
  keras = JSON.parse(out.trim().split('\n').at(-1)!).images_per_second;
}
const rows = [['layerwise (tfjs-node)', layerwise], ...(keras ? [['Keras (tensorflow-cpu)', keras]] : [])] as [string, number][];
console.log('\n| framework | images/s | relative to Keras |\n|---|---|---|');
for (const [name, ips] of rows) console.log(`| ${name} | ${ips.toFixed(1)} | ${keras ? (ips / keras).toFixed(2) : '-'} |`);
writeResult('throughput', {
  backend: info, batch, size, width, steps, layerwise_images_per_second: layerwise,
  keras_images_per_second: keras, ratio_layerwise_over_keras: keras ? layerwise / keras : null,
});
