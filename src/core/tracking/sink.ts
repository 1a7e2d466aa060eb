import type { KeyValue, Metric } from './mlflow_client.js';
import type { TrackerStatus } from './journal.js';

export interface CreatedRun {
  experimentId: string;
  runId: string;
  artifactUri: string;
}

/** A destination for journal records: an MLflow server over REST, or a local mlruns/ store. */
export interface Sink {
  /** Stable id, used to name the journal's delivery state. */
  readonly id: string;
  /** For messages: the URI without credentials. */
  readonly display: string;
  createRun(experiment: string, runName: string, startTime: number, tags: KeyValue[]): Promise<CreatedRun>;
  logBatch(run: CreatedRun, batch: { metrics: Metric[]; params: KeyValue[]; tags: KeyValue[] }): Promise<void>;
  uploadArtifact(run: CreatedRun, file: string, artifactPath: string): Promise<void>;
  setStatus(run: CreatedRun, status: TrackerStatus, time: number): Promise<void>;
}
