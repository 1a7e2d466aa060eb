/** One epoch's figures. */
export interface EpochRecord {
  epoch: number;
  lr: number;
  train_loss: number;
  train_accuracy: number;
  /** null when the test split was not evaluated this epoch (eval_every). */
  test_accuracy: number | null;
  seconds: number;
  images_per_second: number;
}

export interface StageRecord {
  stage: number;
  epochs: number;
  history: EpochRecord[];
  /** Set when the stage finished. */
  test_accuracy: number | null;
  ensemble_accuracy: number | null;
  feature_cache: 'memory' | 'disk' | 'off';
  /** Seconds spent computing the cache before the stage's first epoch (0 without one). */
  feature_cache_seconds: number;
  done: boolean;
}

export type RunStatus = 'running' | 'finished' | 'failed' | 'interrupted';

/** Everything needed to resume a run, rewritten atomically at each checkpoint. */
export interface RunState {
  format: 1;
  run_id: string;
  name: string;
  spec_hash: string;
  mode: 'greedy' | 'end_to_end';
  status: RunStatus;
  error: string | null;
  started_at: string;
  updated_at: string;
  /** Seconds spent in earlier processes of this run (resumes add up). */
  elapsed_seconds: number;
  stages: StageRecord[];
  resumed: number;
}
