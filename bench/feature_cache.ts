/**
 * Feature-cache benchmark: epoch time of each stage of a 4-stage greedy model on Fashion-MNIST, with the
 * frozen prefix cached (`cache_features: on`) and recomputed per batch (`off`). With the cache, later
 * stages should cost about what the first does; without it, stage j pays for j frozen blocks on every
 * batch. The table also says which stages `auto` (the default) caches: those whose prefix costs at
 * least CACHE_WORTH_MACS_PER_FEATURE multiply-adds per cached value.
 * The cache is built once per stage (one pass of the newest frozen block), so it pays off from the
 * second epoch of a stage on; the paper trains 50 epochs per stage.
 *   npm run build && node dist/bench/feature_cache.js [--train-size 4000] [--width 64] [--epochs 3]
 * Writes bench/results/feature_cache.json.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { resolveOrThrow } from '../src/core/spec/resolve.js';
import { runExperiment } from '../src/core/run/orchestrator.js';
import type { RunSummary } from '../src/core/run/summary.js';
import { CACHE_WORTH_MACS_PER_FEATURE, planStages, prefixCostPerFeature, type StagePlan } from '../src/core/spec/expand.js';
import { numberArg, writeResult } from './common.js';

const trainSize = numberArg('train-size', 4000);
const width = numberArg('width', 64);
const epochs = numberArg('epochs', 3);

let plans: StagePlan[] = [];

async function runWith(cache: 'on' | 'off'): Promise<RunSummary> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'layerwise-bench-'));
  const spec = {
    name: `cache-${cache}`,
    dataset: { type: 'fashion_mnist', train_size: trainSize, test_size: 1000 },
    model: { stages: 4, width, downsample_at: [2], head: { type: 'aux_conv', hidden_layers: 1 } },
    training: { epochs, batch_size: 128, cache_features: cache, optimizer: { type: 'sgd', lr: 0.05 } },
    tracking: { enabled: false },
  };
  writeFileSync(path.join(dir, 'spec.yaml'), stringify(spec));
  const { spec: resolved, registry } = await resolveOrThrow(path.join(dir, 'spec.yaml'));
  plans = planStages(resolved, [28, 28, 1]);
  return runExperiment({ spec: resolved, registry, runDir: path.join(dir, 'run'), log: () => {} });
}

const cached = await runWith('on');
const uncached = await runWith('off');
console.log(`\n4 stages, width ${width}, Fashion-MNIST ${trainSize} training images, ${epochs} epochs per stage\n`);
console.log('| stage | epoch with cache (s) | cache build (s) | stage with cache (s) | epoch without cache (s) | stage without cache (s) | stage speed-up | prefix MACs per cached value | auto caches |');
console.log('|---|---|---|---|---|---|---|---|---|');
const perEpoch = (s: RunSummary['stages'][number]) => s.wall_seconds / s.epochs;
const rows = cached.stages.map((s, j) => {
  const u = uncached.stages[j]!;
  const row = {
    stage: j, cached_epoch_seconds: perEpoch(s), cache_build_seconds: s.feature_cache_seconds,
    cached_stage_seconds: s.wall_seconds + s.feature_cache_seconds, uncached_epoch_seconds: perEpoch(u), uncached_stage_seconds: u.wall_seconds,
  };
  console.log(`| ${j} | ${row.cached_epoch_seconds.toFixed(1)} | ${row.cache_build_seconds.toFixed(1)} | ${row.cached_stage_seconds.toFixed(1)} | ` +
    `${row.uncached_epoch_seconds.toFixed(1)} | ${row.uncached_stage_seconds.toFixed(1)} | ${(row.uncached_stage_seconds / row.cached_stage_seconds).toFixed(2)}x | ` +
    `${j === 0 ? '-' : Math.round(prefixCostPerFeature(plans, j))} | ${j > 0 && prefixCostPerFeature(plans, j) >= CACHE_WORTH_MACS_PER_FEATURE ? 'yes' : 'no'} |`);
  return row;
});
const total = (s: RunSummary) => s.wall_seconds;
console.log(`\nwhole run: ${total(cached).toFixed(1)}s with the cache, ${total(uncached).toFixed(1)}s without; same test accuracy: ${cached.final_test_accuracy === uncached.final_test_accuracy}`);
writeResult('feature_cache', { train_size: trainSize, width, epochs_per_stage: epochs, rows, cached_total_seconds: total(cached), uncached_total_seconds: total(uncached) });
