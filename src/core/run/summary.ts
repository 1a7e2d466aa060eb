import type { BackendInfo } from '../backend.js';
import type { RunState, StageRecord } from './run_state.js';

export interface StageSummary {
  stage: number;
  epochs: number;
  train_loss: number | null;
  train_accuracy: number | null;
  test_accuracy: number | null;
  ensemble_accuracy: number | null;
  wall_seconds: number;
  images_per_second: number | null;
  feature_cache: StageRecord['feature_cache'];
  feature_cache_seconds: number;
  history: StageRecord['history'];
}

/** summary.json: what a run reached, machine-readable. */
export interface RunSummary {
  name: string;
  run_id: string;
  spec_hash: string;
  mode: RunState['mode'];
  status: RunState['status'];
  error: string | null;
  backend: BackendInfo;
  stages: StageSummary[];
  final_test_accuracy: number | null;
  ensemble_test_accuracy: number | null;
  wall_seconds: number;
  started_at: string;
  finished_at: string;
  resumed: number;
}

/** An accuracy as a percentage: 0.8525 → '85.25%'; null → '-'. */
export const pct = (x: number | null) => (x === null ? '-' : `${(100 * x).toFixed(2)}%`);

export function buildSummary(state: RunState, backend: BackendInfo): RunSummary {
  const stages = state.stages.map((s): StageSummary => {
    const last = s.history.at(-1);
    const seconds = s.history.reduce((t, e) => t + e.seconds, 0);
    const images = s.history.reduce((t, e) => t + e.images_per_second * e.seconds, 0);
    return {
      stage: s.stage,
      epochs: s.history.length,
      train_loss: last?.train_loss ?? null,
      train_accuracy: last?.train_accuracy ?? null,
      test_accuracy: s.test_accuracy ?? [...s.history].reverse().find((e) => e.test_accuracy !== null)?.test_accuracy ?? null,
      ensemble_accuracy: s.ensemble_accuracy,
      wall_seconds: seconds,
      images_per_second: seconds > 0 ? images / seconds : null,
      feature_cache: s.feature_cache,
      feature_cache_seconds: s.feature_cache_seconds,
      history: s.history,
    };
  });
  const done = state.stages.filter((s) => s.done);
  return {
    name: state.name,
    run_id: state.run_id,
    spec_hash: state.spec_hash,
    mode: state.mode,
    status: state.status,
    error: state.error,
    backend,
    stages,
    final_test_accuracy: state.status === 'finished' ? done.at(-1)?.test_accuracy ?? null : null,
    ensemble_test_accuracy: state.status === 'finished' ? done.at(-1)?.ensemble_accuracy ?? null : null,
    wall_seconds: state.elapsed_seconds,
    started_at: state.started_at,
    finished_at: new Date().toISOString(),
    resumed: state.resumed,
  };
}
