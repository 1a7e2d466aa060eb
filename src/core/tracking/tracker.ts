import type { BackendInfo } from '../backend.js';
import type { ResolvedSpec } from '../spec/types.js';
import type { RunStatus } from '../run/run_state.js';

export interface MetricPoint {
  key: string;
  value: number;
  step: number;
  timestamp: number;
}

export interface RunStartInfo {
  runDir: string;
  runId: string;
  spec: ResolvedSpec;
  specHash: string;
  backend: BackendInfo;
  resumed: boolean;
}

/** Where a run's records go (MLflow server, local store, nowhere). Calls never throw for delivery problems. */
export interface Tracker {
  start(info: RunStartInfo): Promise<void>;
  logMetrics(points: MetricPoint[]): void;
  /** `file` is a path in the run directory; `artifactPath` the folder in the run's artifacts. */
  logArtifact(file: string, artifactPath?: string): void;
  end(status: RunStatus): Promise<void>;
  /** Waits until what was logged so far is delivered, or delivery pauses on an error, or timeoutMs passes. */
  flush(timeoutMs: number): Promise<void>;
}

export const nullTracker: Tracker = {
  async start() {},
  logMetrics() {},
  logArtifact() {},
  async end() {},
  async flush() {},
};
