import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadBackend, formatBackendInfo } from '../backend.js';
import type { ComponentRegistry } from '../../registry/container.js';
import type { Dataset } from '../data/dataset.js';
import { planStages } from '../spec/expand.js';
import type { ResolvedSpec } from '../spec/types.js';
import { Network } from '../train/network.js';
import { nullTracker, type Tracker } from '../tracking/tracker.js';
import { saveVariables } from './checkpoint.js';
import { lineChartSvg } from './plot.js';
import { silentProgress, type ProgressReporter } from './progress.js';
import { identityHash, newRunId, RunDir } from './run_dir.js';
import { trainEndToEnd, trainGreedy, type StageContext } from './stage_training.js';
import { Interrupted, NonFiniteLossError, StopSignal } from './stop_signal.js';
import { buildSummary, type RunSummary } from './summary.js';
import { readJson, writeJsonAtomic } from './tensor_file.js';

export interface RunOptions {
  spec: ResolvedSpec;
  registry: ComponentRegistry;
  /** Directory of the spec file, for relative dataset paths. */
  baseDir?: string;
  /** An explicit run directory; an existing one with the same spec is resumed. */
  runDir?: string;
  progress?: ProgressReporter;
  tracker?: Tracker;
  stop?: StopSignal;
  log?: (line: string) => void;
}

export class RunError extends Error {
  override name = 'RunError';
  constructor(message: string, readonly summary: RunSummary | null) {
    super(message);
  }
}

/**
 * Runs a resolved spec: greedy (stage j trains block j and head j on the frozen, possibly cached,
 * outputs of blocks 0..j-1) or end-to-end. Checkpoints every `checkpoint_every` epochs and resumes from
 * the last one; writes summary.json whatever the outcome.
 */
export async function runExperiment(options: RunOptions): Promise<RunSummary> {
  const { spec, registry } = options;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const progress = options.progress ?? silentProgress;
  const tracker = options.tracker ?? nullTracker;
  const stop = options.stop ?? new StopSignal();
  const hash = identityHash(spec);

  const runDir = new RunDir(options.runDir ?? path.join(spec.output_dir, spec.name, newRunId()));
  let state = runDir.readState();
  if (state && state.spec_hash !== hash) {
    throw new RunError(`${runDir.dir} holds a run of a different spec (hash ${state.spec_hash}, this spec ${hash}); choose another run directory`, null);
  }
  if (state?.status === 'finished') {
    log(`${runDir.dir} already finished; nothing to do`);
    return readJson<RunSummary>(runDir.summaryFile)!;
  }
  const resumed = state !== null;
  if (!resumed) runDir.create(spec);
  runDir.lock();

  const { tf, info } = await loadBackend(spec.backend, { intraOpThreads: spec.threads ?? undefined, warn: log });
  log(formatBackendInfo(info));
  const runId = path.basename(runDir.dir);
  state = state
    ? { ...state, status: 'running', error: null, resumed: state.resumed + 1 }
    : {
        format: 1, run_id: runId, name: spec.name, spec_hash: hash, mode: spec.training.mode, status: 'running', error: null,
        started_at: new Date().toISOString(), updated_at: '', elapsed_seconds: 0, stages: [], resumed: 0,
      };
  runDir.writeState(state);
  log(`${resumed ? 'resuming' : 'run directory'} ${runDir.dir}`);
  await tracker.start({ runDir: runDir.dir, runId, spec, specHash: hash, backend: info, resumed });

  const started = performance.now();
  const elapsedBefore = state.elapsed_seconds;
  const saveState = () => {
    state!.elapsed_seconds = elapsedBefore + (performance.now() - started) / 1000;
    runDir.writeState(state!);
  };
  let net: Network | null = null;
  let summary: RunSummary;
  try {
    const { type: _type, ...datasetParams } = spec.dataset;
    const ds = await registry.get('dataset', spec.dataset.type).create(datasetParams as never, { seed: spec.seed, baseDir: options.baseDir ?? process.cwd() }) as Dataset;
    net = new Network(tf, registry, planStages(spec, ds.shape), ds.shape, spec.model.input_downsample, ds.numClasses, spec.seed);
    const ctx: StageContext = { tf, spec, registry, ds, net, runDir, state, progress, tracker, stop, log, saveState, info };
    if (spec.training.mode === 'greedy') await trainGreedy(ctx);
    else await trainEndToEnd(ctx);
    saveFinalModel(ctx);
    state.status = 'finished';
  } catch (error) {
    // A NaN loss or a signal is explained by its message; anything else may be a bug: keep its stack.
    if (!(error instanceof Interrupted || error instanceof NonFiniteLossError) && error instanceof Error) log(error.stack ?? error.message);
    state.status = error instanceof Interrupted ? 'interrupted' : 'failed';
    state.error = error instanceof Interrupted ? 'interrupted by a signal' : error instanceof Error ? error.message : String(error);
  } finally {
    saveState();
    summary = buildSummary(state, info);
    writeJsonAtomic(runDir.summaryFile, summary);
    net?.dispose();
    runDir.unlock();
    progress.close();
  }
  if (summary.final_test_accuracy !== null) {
    const now = Date.now();
    tracker.logMetrics([
      { key: 'final_test_accuracy', value: summary.final_test_accuracy, step: 0, timestamp: now },
      ...(summary.ensemble_test_accuracy === null ? [] : [{ key: 'ensemble_test_accuracy', value: summary.ensemble_test_accuracy, step: 0, timestamp: now }]),
    ]);
  }
  tracker.logArtifact(writeStagePlot(runDir, summary), 'plots');
  tracker.logArtifact(runDir.summaryFile);
  tracker.logArtifact(runDir.resolvedFile);
  if (state.status === 'finished') tracker.logArtifact(path.join(runDir.modelDir, 'weights.lwt'), 'model');
  await tracker.end(state.status);
  if (state.status === 'interrupted') throw new RunError(`interrupted; resume with: layerwise run --resume ${runDir.dir}`, summary);
  if (state.status === 'failed') throw new RunError(`run failed: ${state.error}\nwhat finished is kept in ${runDir.dir}; resume with: layerwise run --resume ${runDir.dir}`, summary);
  return summary;
}

/** plots/stage_accuracy.svg: test and ensemble accuracy after each stage. */
function writeStagePlot(runDir: RunDir, summary: RunSummary): string {
  const file = path.join(runDir.dir, 'plots', 'stage_accuracy.svg');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, lineChartSvg(`${summary.name}: test accuracy after each stage`, 'stage', [
    { name: 'stage head', values: summary.stages.map((s) => s.test_accuracy) },
    ...(summary.mode === 'greedy' ? [{ name: 'ensemble (2^j weights)', values: summary.stages.map((s) => s.ensemble_accuracy) }] : []),
  ]));
  return file;
}

/** model/: every block and head's weights and the resolved spec, loadable by `layerwise eval`. */
function saveFinalModel(ctx: StageContext): void {
  const { net, runDir } = ctx;
  saveVariables(net, net.plans.map((p) => p.index), path.join(runDir.modelDir, 'weights.lwt'), [], { mode: ctx.spec.training.mode });
  copyFileSync(runDir.resolvedFile, path.join(runDir.modelDir, 'resolved.yaml'));
}
