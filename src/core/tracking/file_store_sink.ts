import { appendFileSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse, stringify } from 'yaml';
import { MlflowError, type KeyValue } from './mlflow_client.js';
import type { TrackerStatus } from './journal.js';
import type { CreatedRun, Sink } from './sink.js';

const STATUS_CODE: Record<TrackerStatus, number> = { RUNNING: 1, FINISHED: 3, FAILED: 4, KILLED: 5 };

/**
 * Writes MLflow's FileStore layout (mlruns/<experiment>/<run>/{meta.yaml,params,metrics,tags,artifacts}),
 * which the MLflow UI opens: `MLFLOW_ALLOW_FILE_STORE=true mlflow ui --backend-store-uri ./mlruns`
 * (MLflow >= 3.13 needs that switch), or `mlflow migrate-filestore` converts it to SQLite.
 */
export class FileStoreSink implements Sink {
  readonly id: string;
  readonly display: string;
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
    this.id = `local-${this.root}`;
    this.display = this.root;
  }

  async createRun(experiment: string, runName: string, startTime: number, tags: KeyValue[]): Promise<CreatedRun> {
    const experimentId = this.experimentId(experiment);
    const runId = randomBytes(16).toString('hex');
    const dir = path.join(this.root, experimentId, runId);
    for (const sub of ['metrics', 'params', 'tags', 'artifacts']) mkdirSync(path.join(dir, sub), { recursive: true });
    const artifactUri = pathToFileURL(path.join(dir, 'artifacts')).href;
    this.writeMeta(dir, {
      artifact_uri: artifactUri, end_time: null, entry_point_name: '', experiment_id: experimentId, lifecycle_stage: 'active',
      run_id: runId, run_name: runName, run_uuid: runId, source_name: '', source_type: 4, source_version: '', start_time: startTime,
      status: STATUS_CODE.RUNNING, tags: [], user_id: os.userInfo().username, deleted_time: null,
    });
    const run = { experimentId, runId, artifactUri };
    await this.logBatch(run, { metrics: [], params: [], tags: [{ key: 'mlflow.runName', value: runName }, ...tags] });
    return run;
  }

  async logBatch(run: CreatedRun, batch: Parameters<Sink['logBatch']>[1]): Promise<void> {
    const dir = path.join(this.root, run.experimentId, run.runId);
    for (const p of batch.params) {
      const file = this.keyFile(dir, 'params', p.key);
      if (existsSync(file) && readFileSync(file, 'utf8') !== p.value) {
        throw new MlflowError(`param '${p.key}' was already logged with another value`, 400, 'INVALID_PARAMETER_VALUE', false);
      }
      writeFileSync(file, p.value);
    }
    for (const t of batch.tags) writeFileSync(this.keyFile(dir, 'tags', t.key), t.value);
    for (const m of batch.metrics) appendFileSync(this.keyFile(dir, 'metrics', m.key), `${m.timestamp} ${m.value} ${m.step}\n`);
  }

  async uploadArtifact(run: CreatedRun, file: string, artifactPath: string): Promise<void> {
    const target = path.join(this.root, run.experimentId, run.runId, 'artifacts', artifactPath);
    mkdirSync(target, { recursive: true });
    copyFileSync(file, path.join(target, path.basename(file)));
  }

  async setStatus(run: CreatedRun, status: TrackerStatus, time: number): Promise<void> {
    const dir = path.join(this.root, run.experimentId, run.runId);
    const meta = parse(readFileSync(path.join(dir, 'meta.yaml'), 'utf8')) as Record<string, unknown>;
    this.writeMeta(dir, { ...meta, status: STATUS_CODE[status], end_time: status === 'RUNNING' ? null : time });
  }

  /** The experiment's id, creating it (and MLflow's Default experiment 0) when missing. */
  private experimentId(name: string): string {
    mkdirSync(this.root, { recursive: true });
    if (!existsSync(path.join(this.root, '0', 'meta.yaml'))) this.writeExperiment('0', 'Default');
    for (const id of readdirSync(this.root)) {
      const meta = path.join(this.root, id, 'meta.yaml');
      if (existsSync(meta) && (parse(readFileSync(meta, 'utf8')) as { name?: string }).name === name) return id;
    }
    // 18-digit ids as MLflow's FileStore makes them (kept as strings: they exceed 2^53).
    const id = `${Date.now()}${String(Math.floor(Math.random() * 1e5)).padStart(5, '0')}`.padEnd(18, '0').slice(0, 18);
    this.writeExperiment(id, name);
    return id;
  }

  private writeExperiment(id: string, name: string): void {
    const dir = path.join(this.root, id);
    mkdirSync(dir, { recursive: true });
    const now = Date.now();
    this.writeMeta(dir, {
      artifact_location: pathToFileURL(dir).href, creation_time: now, experiment_id: id, last_update_time: now, lifecycle_stage: 'active', name,
    });
  }

  private writeMeta(dir: string, meta: Record<string, unknown>): void {
    const sorted = Object.fromEntries(Object.keys(meta).sort().map((k) => [k, meta[k]]));
    writeFileSync(path.join(dir, 'meta.yaml'), stringify(sorted));
  }

  /** Keys with '/' become sub-folders, as in MLflow. */
  private keyFile(dir: string, kind: string, key: string): string {
    if (key.split('/').some((part) => part === '..' || part === '')) throw new MlflowError(`invalid key '${key}'`, 400, 'INVALID_PARAMETER_VALUE', false);
    const file = path.join(dir, kind, key);
    mkdirSync(path.dirname(file), { recursive: true });
    return file;
  }
}
