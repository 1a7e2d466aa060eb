import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { loadBackend } from '../../src/core/backend.js';

const run = promisify(execFile);

describe('backend @slow', () => {
  it('runs on libtensorflow, and a small conv net learns without leaking tensors', async () => {
    const { tf, info } = await loadBackend('tensorflow');
    assert.equal(info.engine, 'tensorflow');
    assert.match(info.libtensorflowVersion ?? '', /^2\.\d+\.\d+/);

    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [16, 16, 3], filters: 16, kernelSize: 3, padding: 'same', seed: 1 } as never),
        tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 }),
        tf.layers.reLU(),
        tf.layers.globalAveragePooling2d({}),
        tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
      ],
    });
    // Each class brightens one channel (class 3: none), so a few steps can learn it.
    const labels = tf.tensor1d(Array.from({ length: 32 }, (_, i) => i % 4), 'int32');
    const y = tf.oneHot(labels, 4);
    const shift = y.slice([0, 0], [32, 3]).reshape([32, 1, 1, 3]);
    const x = tf.randomNormal([32, 16, 16, 3], 0, 1, 'float32', 3).add(shift);
    const optimizer = tf.train.momentum(0.1, 0.9);
    const losses: number[] = [];
    const tensorCounts: number[] = [];
    for (let step = 0; step < 8; step++) {
      const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as never), true)!;
      losses.push(loss.dataSync()[0]!);
      loss.dispose();
      tensorCounts.push(tf.memory().numTensors);
    }
    assert.ok(losses.at(-1)! < losses[0]! * 0.8, `loss did not go down: ${losses.join(', ')}`);
    assert.deepEqual(new Set(tensorCounts.slice(1)).size, 1, `tensor count changed: ${tensorCounts.join(', ')}`);
    x.dispose(); y.dispose(); shift.dispose(); labels.dispose(); optimizer.dispose(); model.dispose();
  });

  it('uses the pure-JS backend only when asked, with a warning', async () => {
    const { stdout, stderr } = await run('node', ['bin/layerwise.js', 'backend', '--backend', 'cpu']);
    assert.match(stdout, /^backend cpu \(tf\.getBackend\(\) = cpu\)/);
    assert.match(stderr, /about 100x slower/);
  });

  it('fails with the set-up command when the native addon cannot load', async () => {
    // An empty module path makes require() of the addon fail the way a missing build does.
    const result = await run('node', ['--import', 'data:text/javascript,' + encodeURIComponent(
      `import Module from 'node:module'; const orig = Module._resolveFilename;
       Module._resolveFilename = function (r, ...a) { if (r === '@tensorflow/tfjs-node') { const e = new Error("Cannot find module 'tfjs_binding.node'"); e.code = 'ERR_DLOPEN_FAILED'; throw e; } return orig.call(this, r, ...a); };`),
      'bin/layerwise.js', 'backend']).catch((e: { code: number; stderr: string }) => e);
    assert.equal((result as { code: number }).code, 3);
    assert.match((result as { stderr: string }).stderr, /could not be loaded: Cannot find module 'tfjs_binding\.node'\nRun 'npm run setup'/);
  });
});
