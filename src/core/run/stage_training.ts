import { existsSync, rmSync } from 'node:fs';
import type { BackendInfo, Tf } from '../backend.js';
import type { ComponentRegistry } from '../../registry/container.js';
import type { ComponentSpec, Schedule } from '../../registry/component.js';
import type { Dataset } from '../data/dataset.js';
import { hasAugmentation } from '../data/batches.js';
import type { Module } from '../nn/module.js';
import type { Optimizer } from '../nn/optimizer.js';
import { Rng } from '../rng.js';
import type { ResolvedSpec } from '../spec/types.js';
import { CACHE_WORTH_MACS_PER_FEATURE, prefixCostPerFeature } from '../spec/expand.js';
import type { Network } from '../train/network.js';
import { CachedInput, PrefixInput, type StageInput } from '../train/stage_input.js';
import { accuracyOf, ensembleLogits, evaluate, trainEpoch } from '../train/trainer.js';
import type { Tracker } from '../tracking/tracker.js';
import { loadVariables, saveVariables } from './checkpoint.js';
import type { ProgressReporter } from './progress.js';
import type { RunDir } from './run_dir.js';
import type { RunState, StageRecord } from './run_state.js';
import type { StopSignal } from './stop_signal.js';
import { readTensorFile, writeTensorFile, type SavedTensor } from './tensor_file.js';

/** Everything a run's training needs, built once by the orchestrator. */
export interface StageContext {
  tf: Tf;
  spec: ResolvedSpec;
  registry: ComponentRegistry;
  ds: Dataset;
  net: Network;
  runDir: RunDir;
  state: RunState;
  progress: ProgressReporter;
  tracker: Tracker;
  stop: StopSignal;
  log: (line: string) => void;
  saveState: () => void;
  info: BackendInfo;
}

function makeSchedule(registry: ComponentRegistry, spec: ComponentSpec): Schedule {
  const resolveNested = (s: ComponentSpec): Schedule => {
    const { type, ...params } = s;
    return registry.get('schedule', type).create(params as never, { resolveNested }) as Schedule;
  };
  return resolveNested(spec);
}

function makeOptimizer(ctx: StageContext, spec: ComponentSpec): Optimizer {
  const { type, ...params } = spec;
  return ctx.registry.get('optimizer', type).create(params as never, { tf: ctx.tf }) as Optimizer;
}

/** Greedy mode: stage j trains block j and head j on the frozen, possibly cached, outputs of blocks 0..j-1. */
export async function trainGreedy(ctx: StageContext): Promise<void> {
  const { tf, spec, ds, net, runDir, state } = ctx;
  const cacheable = spec.training.cache_features !== 'off' && !hasAugmentation(ds);
  const useCache = (j: number) => cacheable &&
    (spec.training.cache_features === 'on' || prefixCostPerFeature(net.plans, j) >= CACHE_WORTH_MACS_PER_FEATURE);
  let input: StageInput = new PrefixInput(tf, ds, net, 0);
  const stageLogits: Float32Array[] = [];
  try {
    for (const plan of net.plans) {
      const j = plan.index;
      net.addStage(j);
      const record = state.stages[j];
      if (record?.done) {
        // A finished stage (on resume) needs its weights and logits, not a feature cache of its own.
        loadVariables(tf, net, [j], runDir.stageFile(j));
        stageLogits.push(readTensorFile(runDir.logitsFile(j)).tensors.get('logits')!.data);
        input.dispose();
        input = new PrefixInput(tf, ds, net, j);
        continue;
      }
      const cacheStart = performance.now();
      if (j > 0) input = nextInput(ctx, input, j, useCache(j));
      const stageRecord: StageRecord = record ?? {
        stage: j, epochs: plan.epochs, history: [], test_accuracy: null, ensemble_accuracy: null,
        feature_cache: input instanceof CachedInput ? (input.onDisk ? 'disk' : 'memory') : 'off',
        feature_cache_seconds: input instanceof CachedInput ? (performance.now() - cacheStart) / 1000 : 0, done: false,
      };
      state.stages[j] = stageRecord;
      const shape = input.shape;
      ctx.progress.stageStart(j, net.plans.length, plan.epochs,
        `block ${plan.block.type} (width ${plan.width}, downsample ${String(plan.block.downsample ?? 'none')}) + head ${plan.head.type}, input ${shape.join('x')}` +
        (j > 0 ? `, frozen prefix ${stageRecord.feature_cache === 'off' ? 'recomputed per batch' : `cached in ${stageRecord.feature_cache}`}` : ''));
      const modules = [net.blocks[j]!, net.heads[j]!];
      const logits = await trainModules(ctx, j, modules, [j], input, plan.epochs, plan.optimizer, plan.schedule, stageRecord);
      stageLogits.push(logits);
      stageRecord.test_accuracy = accuracyOf(logits, ds.test.labels, ds.numClasses);
      stageRecord.ensemble_accuracy = accuracyOf(ensembleLogits(stageLogits), ds.test.labels, ds.numClasses);
      saveVariables(net, [j], runDir.stageFile(j));
      writeTensorFile(runDir.logitsFile(j), [{ name: 'logits', shape: [ds.test.count, ds.numClasses], data: logits }]);
      stageRecord.done = true;
      rmSync(runDir.checkpointFile(j), { force: true });
      ctx.saveState();
      const step = j;
      ctx.tracker.logMetrics([
        { key: 'stage_test_accuracy', value: stageRecord.test_accuracy, step, timestamp: Date.now() },
        { key: 'stage_ensemble_accuracy', value: stageRecord.ensemble_accuracy, step, timestamp: Date.now() },
      ]);
      ctx.progress.message(`stage ${j} of ${net.plans.length} done: test ${(100 * stageRecord.test_accuracy).toFixed(2)}%, ensemble ${(100 * stageRecord.ensemble_accuracy).toFixed(2)}%`);
    }
  } finally {
    input.dispose();
  }
}

/**
 * The input of stage j: the cache built from stage j-1's input (which may itself be a cache, or the
 * prefix recomputed per batch), or the frozen prefix recomputed per batch.
 */
function nextInput(ctx: StageContext, previous: StageInput, j: number, useCache: boolean): StageInput {
  const { tf, ds, net, spec, runDir } = ctx;
  if (!useCache) {
    previous.dispose();
    return new PrefixInput(tf, ds, net, j);
  }
  const started = performance.now();
  const cache = CachedInput.build(tf, ds, net, j, previous, {
    memoryBytes: spec.training.cache_memory_mb * 2 ** 20, dir: runDir.cacheDir, batchSize: spec.training.eval_batch_size,
  });
  previous.dispose();
  ctx.log(`stage ${j}: cached the frozen prefix's outputs (${(cache.bytes / 2 ** 20).toFixed(1)} MiB ${cache.onDisk ? 'on disk' : 'in memory'}) in ${((performance.now() - started) / 1000).toFixed(1)}s`);
  return cache;
}

/** End-to-end mode: every block and the last stage's head, trained jointly. */
export async function trainEndToEnd(ctx: StageContext): Promise<void> {
  const { tf, spec, ds, net, state } = ctx;
  net.plans.forEach((p) => net.addStage(p.index));
  const last = net.plans.length - 1;
  const modules = [...net.blocks, net.heads[last]!];
  const record: StageRecord = state.stages[0] ?? {
    stage: 0, epochs: spec.training.epochs, history: [], test_accuracy: null, ensemble_accuracy: null, feature_cache: 'off', feature_cache_seconds: 0, done: false,
  };
  state.stages[0] = record;
  ctx.progress.stageStart(0, 1, spec.training.epochs, `end to end: ${net.plans.length} blocks + head ${net.plans[last]!.head.type}`);
  const input = new PrefixInput(tf, ds, net, 0);
  try {
    const logits = await trainModules(ctx, 0, modules, net.plans.map((p) => p.index), input, spec.training.epochs, spec.training.optimizer, spec.training.schedule, record);
    record.test_accuracy = accuracyOf(logits, ds.test.labels, ds.numClasses);
    record.done = true;
    ctx.saveState();
  } finally {
    input.dispose();
  }
}

/**
 * Trains `modules` for the remaining epochs of a stage record, with checkpoints; returns the test logits
 * after the last epoch. `stages` names the network stages whose variables the checkpoint holds.
 */
async function trainModules(
  ctx: StageContext, j: number, modules: Module[], stages: number[], input: StageInput,
  epochs: number, optimizerSpec: ComponentSpec, scheduleSpec: ComponentSpec, record: StageRecord,
): Promise<Float32Array> {
  const { tf, spec, ds, net, runDir } = ctx;
  const optimizer = makeOptimizer(ctx, optimizerSpec);
  const schedule = makeSchedule(ctx.registry, scheduleSpec);
  const baseLr = Number(optimizerSpec.lr);
  const checkpoint = runDir.checkpointFile(j);
  const globalOffset = ctx.state.stages.slice(0, j).reduce((n, s) => n + s.epochs, 0);
  try {
    if (record.history.length > 0 && existsSync(checkpoint)) {
      const { meta, tensors } = loadVariables(tf, net, stages, checkpoint);
      const slots = [...tensors.values()].filter((t) => t.name.startsWith('optimizer/')).map((t) => tf.tensor(t.data, t.shape));
      optimizer.importState({ step: Number(meta.optimizer_step), slots });
      tf.dispose(slots);
      record.history = record.history.slice(0, Number(meta.epochs_done));
    } else {
      record.history = [];
    }
    let lastLogits: Float32Array | null = null;
    for (let epoch = record.history.length; epoch < epochs; epoch++) {
      const lr = schedule.lrAt(epoch, baseLr, epochs);
      if (epoch > 0 && spec.training.reset_optimizer_on_lr_drop && lr < schedule.lrAt(epoch - 1, baseLr, epochs)) optimizer.reset();
      const batches = Math.min(Math.ceil(ds.train.count / spec.training.batch_size), spec.training.max_steps_per_epoch ?? Infinity);
      ctx.progress.epochStart(j, epoch, batches);
      const result = await trainEpoch({
        tf, ds, input, modules, optimizer, lr, batchSize: spec.training.batch_size, maxSteps: spec.training.max_steps_per_epoch,
        order: new Rng(spec.seed, 1000 + j, epoch), augment: hasAugmentation(ds) ? new Rng(spec.seed, 2000 + j, epoch) : null,
        stage: j, epoch, shouldStop: () => ctx.stop.requested, onBatch: (s) => ctx.progress.batch(s),
      });
      const evalNow = (epoch + 1) % spec.training.eval_every === 0 || epoch === epochs - 1;
      const evaluated = evalNow ? evaluate(tf, ds, input, modules, spec.training.eval_batch_size) : null;
      if (evaluated) lastLogits = evaluated.logits;
      const entry = {
        epoch, lr, train_loss: result.loss, train_accuracy: result.accuracy, test_accuracy: evaluated?.accuracy ?? null,
        seconds: result.seconds, images_per_second: result.images / result.seconds,
      };
      record.history.push(entry);
      ctx.progress.epochEnd(j, entry);
      const step = globalOffset + epoch;
      const now = Date.now();
      ctx.tracker.logMetrics([
        { key: 'train_loss', value: entry.train_loss, step, timestamp: now },
        { key: 'train_accuracy', value: entry.train_accuracy, step, timestamp: now },
        { key: 'lr', value: lr, step, timestamp: now },
        { key: 'images_per_second', value: entry.images_per_second, step, timestamp: now },
        { key: 'stage', value: j, step, timestamp: now },
        ...(entry.test_accuracy === null ? [] : [{ key: 'test_accuracy', value: entry.test_accuracy, step, timestamp: now }]),
      ]);
      if ((epoch + 1) % spec.training.checkpoint_every === 0 && epoch < epochs - 1) {
        const opt = optimizer.exportState();
        const extra: SavedTensor[] = opt.slots.map((t, i) => ({ name: `optimizer/${i}`, shape: t.shape, data: t.dataSync() as Float32Array }));
        saveVariables(net, stages, checkpoint, extra, { epochs_done: epoch + 1, optimizer_step: opt.step });
        ctx.saveState();
      }
    }
    return lastLogits ?? evaluate(tf, ds, input, modules, spec.training.eval_batch_size).logits;
  } finally {
    optimizer.dispose();
  }
}

