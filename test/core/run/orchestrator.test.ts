import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { runExperiment, RunError } from '../../../src/core/run/orchestrator.js';
import { evaluateRun } from '../../../src/core/run/evaluate_run.js';
import { resolveOrThrow } from '../../../src/core/spec/resolve.js';
import { readTensorFile } from '../../../src/core/run/tensor_file.js';
import type { RunSummary } from '../../../src/core/run/summary.js';
import type { RunState } from '../../../src/core/run/run_state.js';
import { silentProgress, type ProgressReporter } from '../../../src/core/run/progress.js';
import { nativeTf } from '../../tf.js';
import { tempDir } from '../../helpers.js';

/** A small learnable problem: 4 classes of 8x8x3 synthetic images, 3 stages. */
function smallSpec(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'small',
    seed: 7,
    dataset: { type: 'synthetic', image_size: 8, train_count: 256, test_count: 128, noise: 1.5 },
    model: { stages: 3, width: 8, downsample_at: [1], head: { type: 'aux_conv', hidden_layers: 1 } },
    training: { epochs: 2, batch_size: 32, optimizer: { type: 'sgd', lr: 0.05, momentum: 0.9 }, schedule: { type: 'step', step_size: 1, gamma: 0.5 } },
    tracking: { enabled: false },
    ...overrides,
  };
}

async function run(spec: Record<string, unknown>, dir: string, progress: ProgressReporter = silentProgress) {
  const file = path.join(dir, 'spec.yaml');
  (await import('node:fs')).writeFileSync(file, stringify(spec));
  const { spec: resolved, registry } = await resolveOrThrow(file);
  return runExperiment({ spec: resolved, registry, runDir: path.join(dir, 'run'), progress, log: () => {} });
}

function cli(args: string[], cwd: string) {
  const child = spawn(process.execPath, [path.resolve('bin/layerwise.js'), ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const done = new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal === 'SIGKILL' ? -9 : -1))));
  return { child, done, output: () => output };
}

async function waitFor(predicate: () => boolean, timeoutMs = 60000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const readState = (dir: string) => (existsSync(path.join(dir, 'state.json')) ? JSON.parse(readFileSync(path.join(dir, 'state.json'), 'utf8')) as RunState : null);
const summaryOf = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8')) as RunSummary;
const losses = (s: RunSummary) => s.stages.flatMap((st) => st.history.map((h) => h.train_loss));

describe('greedy orchestrator @slow', () => {
  let tf: Awaited<ReturnType<typeof nativeTf>>;
  before(async () => (tf = await nativeTf()));

  it('trains stage by stage, learns, and keeps tf.memory().numTensors flat across epochs and stages', async () => {
    const counts: { stage: number; n: number }[] = [];
    const before = tf.memory().numTensors;
    const progress = { ...silentProgress, epochEnd: (stage: number) => counts.push({ stage, n: tf.memory().numTensors }) };
    const summary = await run(smallSpec({ training: { ...smallSpec().training as object, epochs: 3 } }), tempDir(), progress);
    assert.equal(summary.status, 'finished');
    assert.equal(summary.stages.length, 3);
    for (const s of summary.stages) assert.ok(s.test_accuracy! > 0.5, `stage ${s.stage}: ${s.test_accuracy}`);
    assert.ok(summary.ensemble_test_accuracy! > 0.5);
    for (const stage of [0, 1, 2]) {
      const n = counts.filter((c) => c.stage === stage).map((c) => c.n);
      assert.equal(new Set(n).size, 1, `stage ${stage} tensor counts per epoch: ${n.join(', ')}`);
    }
    // A stage adds exactly its own variables (block + head params and buffers), nothing per epoch.
    const perStage = [0, 1, 2].map((s) => counts.find((c) => c.stage === s)!.n);
    assert.ok(perStage[1]! - perStage[0]! < 40 && perStage[2]! - perStage[1]! < 40, `growth between stages: ${perStage.join(', ')}`);
    assert.equal(tf.memory().numTensors, before, 'tensors left after the run');
  });

  it('never changes a frozen stage: block 0 after stage 2 equals block 0 after stage 0 (weights and batch-norm statistics)', async () => {
    const dir = tempDir();
    await run(smallSpec(), dir);
    const afterStage0 = readTensorFile(path.join(dir, 'run', 'stages', 'stage-0.lwt')).tensors;
    const final = readTensorFile(path.join(dir, 'run', 'model', 'weights.lwt')).tensors;
    const names = [...afterStage0.keys()].filter((n) => n.startsWith('block0.'));
    assert.ok(names.includes('block0.bn.running_mean') && names.includes('block0.conv.weight'));
    for (const name of names) assert.deepEqual(final.get(name)!.data, afterStage0.get(name)!.data, name);
  });

  it('gives the same result with the feature cache (memory or disk) as with the prefix recomputed per batch', async () => {
    const cached = await run(smallSpec({ training: { ...smallSpec().training as object, cache_features: 'on' } }), tempDir());
    const onDisk = await run(smallSpec({ training: { ...smallSpec().training as object, cache_features: 'on', cache_memory_mb: 0 } }), tempDir());
    const uncached = await run(smallSpec({ training: { ...smallSpec().training as object, cache_features: 'off' } }), tempDir());
    assert.deepEqual(cached.stages.map((s) => s.feature_cache), ['off', 'memory', 'memory']);
    assert.deepEqual(onDisk.stages.map((s) => s.feature_cache), ['off', 'disk', 'disk']);
    assert.deepEqual(uncached.stages.map((s) => s.feature_cache), ['off', 'off', 'off']);
    for (const other of [onDisk, uncached]) {
      assert.deepEqual(other.stages.map((s) => s.test_accuracy), cached.stages.map((s) => s.test_accuracy));
      losses(other).forEach((l, i) => assert.ok(Math.abs(l - losses(cached)[i]!) < 1e-4, `loss ${i}: ${l} vs ${losses(cached)[i]}`));
    }
  });

  it('stops a stage on a NaN loss, names stage, epoch and batch, and keeps finished stages', async () => {
    const spec = smallSpec();
    (spec.training as Record<string, unknown>).stage_overrides = [{ stage: 1, optimizer: { lr: 1e30 } }];
    const dir = tempDir();
    await assert.rejects(run(spec, dir), (e: RunError) => /run failed: stage 1, epoch 1, batch \d+: the loss is (NaN|Infinity)/.test(e.message));
    const summary = summaryOf(path.join(dir, 'run'));
    assert.equal(summary.status, 'failed');
    assert.ok(summary.stages[0]!.test_accuracy! > 0.5);
    assert.ok(existsSync(path.join(dir, 'run', 'stages', 'stage-0.lwt')));
  });

  it('trains, saves and evaluates with a user\'s plugin head (plain JavaScript, given by the spec)', async () => {
    const plugin = `export default {
      kind: 'head', name: 'mean_linear', summary: 'global mean, then a linear layer',
      params: { type: 'object', properties: { scale: { type: 'number', default: 1, description: 'input scale' } } },
      create(p, ctx) {
        const { tf } = ctx;
        const w = tf.tidy(() => tf.variable(tf.randomNormal([ctx.inChannels, ctx.numClasses], 0, 0.1, 'float32', ctx.seed)));
        const b = tf.tidy(() => tf.variable(tf.zeros([ctx.numClasses])));
        return {
          name: ctx.name,
          params: () => [{ name: 'w', variable: w }, { name: 'b', variable: b }],
          buffers: () => [],
          forward: (x) => tf.add(tf.matMul(tf.mul(tf.mean(x, [1, 2]), p.scale), w), b),
          outputShape: () => [ctx.numClasses],
          dispose: () => { w.dispose(); b.dispose(); },
        };
      },
    };\n`;
    const dir = tempDir({ 'mean_linear.mjs': plugin });
    const before = tf.memory().numTensors;
    const summary = await run(smallSpec({
      plugins: ['./mean_linear.mjs'],
      model: { stages: 2, width: 8, head: { type: 'mean_linear', scale: 2 } },
    }), dir);
    assert.equal(summary.status, 'finished');
    assert.equal(tf.memory().numTensors, before, 'tensors left after the run');
    for (const s of summary.stages) assert.ok(s.history.at(-1)!.train_loss < s.history[0]!.train_loss, `stage ${s.stage} loss did not fall`);
    const weights = readTensorFile(path.join(dir, 'run', 'model', 'weights.lwt')).tensors;
    assert.deepEqual(weights.get('head1.w')!.shape, [8, 4]);
    const evaluated = await evaluateRun(path.join(dir, 'run'));
    assert.equal(evaluated.final_test_accuracy, summary.final_test_accuracy);
  });

  it('caches under `auto` only the stages whose prefix costs more to recompute than to serve', async () => {
    const wide = smallSpec({ model: { stages: 3, width: 32, downsample_at: [1], head: { type: 'aux_conv' } } });
    const summary = await run(wide, tempDir());
    // Stage 1's prefix is one 3->32 conv (27 MACs per cached value): recomputed. Stage 2's adds a 128->64 conv: cached.
    assert.deepEqual(summary.stages.map((s) => s.feature_cache), ['off', 'off', 'memory']);
  });

  it('marks the run failed, with the reason, when its data cannot be read', async () => {
    const dir = tempDir();
    const data = path.join(dir, 'cifar');
    (await import('node:fs')).mkdirSync(data);
    for (const f of ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin']) {
      (await import('node:fs')).writeFileSync(path.join(data, f), Buffer.alloc(100));
    }
    await assert.rejects(run(smallSpec({ dataset: { type: 'cifar10', path: data } }), dir), /run failed: .*is not a CIFAR-10 binary batch/);
    const summary = summaryOf(path.join(dir, 'run'));
    assert.equal(summary.status, 'failed');
    assert.match(summary.error!, /data_batch_1\.bin is not a CIFAR-10 binary batch \(size 100 is not a multiple of 3073\)/);
  });

  it('trains end to end with the same spec and one key changed', async () => {
    const summary = await run(smallSpec({ training: { ...smallSpec().training as object, mode: 'end_to_end', epochs: 3 } }), tempDir());
    assert.equal(summary.mode, 'end_to_end');
    assert.equal(summary.stages.length, 1);
    assert.ok(summary.final_test_accuracy! > 0.5, String(summary.final_test_accuracy));
    assert.equal(summary.ensemble_test_accuracy, null);
  });

  it('saves a model that `eval` reloads to the same accuracies', async () => {
    const dir = tempDir();
    const summary = await run(smallSpec(), dir);
    const evaluated = await evaluateRun(path.join(dir, 'run'));
    assert.equal(evaluated.final_test_accuracy, summary.final_test_accuracy);
    assert.deepEqual(evaluated.stage_test_accuracy, summary.stages.map((s) => s.test_accuracy));
    assert.equal(evaluated.ensemble_test_accuracy, summary.ensemble_test_accuracy);
  });
});

describe('resume @slow', () => {
  // Enough work per epoch that a kill lands inside stage 1.
  const longer = () => smallSpec({
    dataset: { type: 'synthetic', image_size: 16, train_count: 1024, test_count: 128, noise: 1.5 },
    training: { ...smallSpec().training as object, epochs: 4 },
  });

  it('continues a run killed with SIGKILL mid-stage and ends with the same metrics as an uninterrupted run', async () => {
    const reference = await run(longer(), tempDir());
    const dir = tempDir({ 'spec.yaml': stringify(longer()) });
    const runDir = path.join(dir, 'run');
    const first = cli(['run', 'spec.yaml', '--run-dir', 'run'], dir);
    await waitFor(() => (readState(runDir)?.stages[1]?.history.length ?? 0) >= 2);
    first.child.kill('SIGKILL');
    assert.equal(await first.done, -9);
    assert.equal(readState(runDir)!.status, 'running');
    assert.ok(!readState(runDir)!.stages[2], 'the kill came too late to test a mid-run resume');
    const second = cli(['run', '--resume', 'run'], dir);
    assert.equal(await second.done, 0, second.output());
    assert.match(second.output(), /resuming run/);
    const resumed = summaryOf(runDir);
    assert.equal(resumed.status, 'finished');
    assert.equal(resumed.resumed, 1);
    assert.deepEqual(resumed.stages.map((s) => s.test_accuracy), reference.stages.map((s) => s.test_accuracy));
    losses(resumed).forEach((l, i) => assert.ok(Math.abs(l - losses(reference)[i]!) < 1e-5, `epoch ${i}: ${l} vs ${losses(reference)[i]}`));
  });

  it('stops cleanly on Ctrl-C (exit 130, status interrupted) and resumes to the end', async () => {
    const dir = tempDir({ 'spec.yaml': stringify(longer()) });
    const runDir = path.join(dir, 'run');
    const first = cli(['run', 'spec.yaml', '--run-dir', 'run'], dir);
    await waitFor(() => (readState(runDir)?.stages[0]?.history.length ?? 0) >= 1);
    first.child.kill('SIGINT');
    assert.equal(await first.done, 130, first.output());
    assert.match(first.output(), /interrupted; resume with: layerwise run --resume run/);
    assert.equal(readState(runDir)!.status, 'interrupted');
    const second = cli(['run', 'spec.yaml', '--run-dir', 'run'], dir); // re-running into the same directory also resumes
    assert.equal(await second.done, 0, second.output());
    assert.equal(summaryOf(runDir).status, 'finished');
  });
});
