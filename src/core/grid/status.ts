import path from 'node:path';
import { RunDir } from '../run/run_dir.js';
import type { RunSummary } from '../run/summary.js';
import { readJson } from '../run/tensor_file.js';

export type TrialStatus = 'pending' | 'running' | 'finished' | 'failed' | 'interrupted' | 'unfinished';

export function trialDir(gridDir: string, id: string): string {
  return path.join(gridDir, 'trials', id);
}

/** A trial's status from its run directory: never started, done, failed, or cut short (killed: 'unfinished'). */
export function trialStatus(dir: string): TrialStatus {
  const run = new RunDir(dir);
  const state = run.readState();
  if (!state) return 'pending';
  if (state.status !== 'running') return state.status;
  return run.lockHolder() === null ? 'unfinished' : 'running';
}

export function trialSummary(dir: string): RunSummary | null {
  return readJson<RunSummary>(new RunDir(dir).summaryFile);
}
