import path from 'node:path';
import { MlflowClient, redactUri, type ClientOptions } from './mlflow_client.js';
import type { CreatedRun, Sink } from './sink.js';

/** Delivers to an MLflow tracking server over its REST API. */
export class RestSink implements Sink {
  readonly id: string;
  readonly display: string;
  readonly client: MlflowClient;

  constructor(uri: string, options: ClientOptions = {}) {
    this.client = new MlflowClient(uri, options);
    this.display = redactUri(uri);
    this.id = `server-${new URL(this.client.uri).host}`;
  }

  async createRun(experiment: string, runName: string, startTime: number, tags: { key: string; value: string }[]): Promise<CreatedRun> {
    const experimentId = await this.client.getOrCreateExperiment(experiment);
    const info = await this.client.createRun(experimentId, runName, startTime, tags);
    return { experimentId, runId: info.run_id, artifactUri: info.artifact_uri };
  }

  logBatch(run: CreatedRun, batch: Parameters<Sink['logBatch']>[1]): Promise<void> {
    return this.client.logBatch(run.runId, batch);
  }

  uploadArtifact(run: CreatedRun, file: string, artifactPath: string): Promise<void> {
    const name = path.basename(file);
    return this.client.uploadArtifact(run.artifactUri, file, [artifactPath, name].filter(Boolean).join('/'));
  }

  setStatus(run: CreatedRun, status: Parameters<Sink['setStatus']>[1], time: number): Promise<void> {
    return this.client.updateRun(run.runId, status, status === 'RUNNING' ? undefined : time);
  }
}
