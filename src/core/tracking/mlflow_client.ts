import axios, { AxiosError, type AxiosInstance, type AxiosRequestConfig } from 'axios';
import { createReadStream, statSync } from 'node:fs';

export interface KeyValue {
  key: string;
  value: string;
}

export interface Metric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

export interface RunInfo {
  run_id: string;
  experiment_id: string;
  run_name?: string;
  status: 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';
  start_time?: number;
  end_time?: number;
  artifact_uri: string;
  lifecycle_stage: string;
}

export interface Run {
  info: RunInfo;
  data: { metrics: Metric[]; params: KeyValue[]; tags: KeyValue[] };
}

/** MLflow's limits per log-batch request and per value (mlflow/utils/validation.py). */
export const LIMITS = { metrics: 1000, params: 100, tags: 100, items: 1000, bodyBytes: 1_000_000, paramValue: 6000, tagValue: 8000, key: 250 };

/** An error answer from the server (or no answer). `retryable` says whether trying again can succeed. */
export class MlflowError extends Error {
  override name = 'MlflowError';
  constructor(message: string, readonly status: number | null, readonly code: string | null, readonly retryable: boolean) {
    super(message);
  }
}

export interface ClientOptions {
  /** Tries after the first one for retryable failures (the Python client uses 7). */
  maxRetries?: number;
  /** First backoff in ms; doubles each retry, with jitter. */
  backoffMs?: number;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

const RETRY_STATUS = new Set([408, 429, 500, 502, 503, 504]);

/** Removes user:password@ from a URI, so it can be shown or logged. */
export function redactUri(uri: string): string {
  return uri.replace(/^(\w+:\/\/)[^/@]*@/, '$1');
}

/**
 * A typed client for the MLflow tracking REST API (the subset layerwise needs) and the artifact proxy.
 * Credentials come from MLFLOW_TRACKING_USERNAME/PASSWORD (basic) or MLFLOW_TRACKING_TOKEN (bearer), or
 * from user:password in the URI, and never appear in errors.
 */
export class MlflowClient {
  private readonly http: AxiosInstance;
  readonly uri: string;
  private readonly maxRetries: number;
  private readonly backoffMs: number;

  constructor(uri: string, options: ClientOptions = {}) {
    const env = options.env ?? process.env;
    const url = new URL(uri);
    let auth: AxiosRequestConfig['auth'];
    const headers: Record<string, string> = {};
    if (url.username) auth = { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
    else if (env.MLFLOW_TRACKING_USERNAME) auth = { username: env.MLFLOW_TRACKING_USERNAME, password: env.MLFLOW_TRACKING_PASSWORD ?? '' };
    else if (env.MLFLOW_TRACKING_TOKEN) headers.Authorization = `Bearer ${env.MLFLOW_TRACKING_TOKEN}`;
    url.username = '';
    url.password = '';
    this.uri = url.toString().replace(/\/$/, '');
    this.maxRetries = options.maxRetries ?? 7;
    this.backoffMs = options.backoffMs ?? 1000;
    this.http = axios.create({
      baseURL: this.uri, auth, headers, timeout: options.timeoutMs ?? 120_000, maxBodyLength: Infinity, maxContentLength: Infinity,
      // Keep credentials out of errors that may be printed.
      transitional: { clarifyTimeoutError: true },
    });
  }

  private async request<T>(config: AxiosRequestConfig): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await this.http.request<T>(config);
        return (response.data ?? {}) as T;
      } catch (error) {
        const e = this.toError(error, config);
        if (!e.retryable || attempt >= this.maxRetries) throw e;
        const delay = this.backoffMs * 2 ** attempt * (0.5 + Math.random());
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  private toError(error: unknown, config: AxiosRequestConfig): MlflowError {
    const where = `${config.method?.toUpperCase()} ${config.url}`;
    if (!(error instanceof AxiosError)) return new MlflowError(`${where}: ${String(error)}`, null, null, false);
    if (!error.response) return new MlflowError(`${where}: ${error.code ?? error.message} (no answer from ${this.uri})`, null, error.code ?? null, true);
    const { status, data } = error.response;
    const body = typeof data === 'object' && data ? (data as { error_code?: string; message?: string }) : { message: String(data ?? '') };
    // SQLite 'database is locked' arrives as 503 TEMPORARILY_UNAVAILABLE: retryable like other 5xx.
    return new MlflowError(`${where}: ${status} ${body.error_code ?? ''} ${(body.message ?? '').slice(0, 500)}`.trim(), status, body.error_code ?? null, RETRY_STATUS.has(status));
  }

  private post<T>(path: string, data: unknown): Promise<T> {
    return this.request<T>({ method: 'POST', url: `/api/2.0/mlflow/${path}`, data, headers: { 'Content-Type': 'application/json' } });
  }

  private get<T>(path: string, params: Record<string, unknown>): Promise<T> {
    return this.request<T>({ method: 'GET', url: `/api/2.0/mlflow/${path}`, params });
  }

  async health(): Promise<boolean> {
    try {
      await this.http.get('/health', { timeout: 5000 });
      return true;
    } catch {
      return false;
    }
  }

  async getExperimentByName(name: string): Promise<{ experiment_id: string; lifecycle_stage: string } | null> {
    try {
      return (await this.get<{ experiment: { experiment_id: string; lifecycle_stage: string } }>('experiments/get-by-name', { experiment_name: name })).experiment;
    } catch (error) {
      if (error instanceof MlflowError && error.code === 'RESOURCE_DOES_NOT_EXIST') return null;
      throw error;
    }
  }

  /** Finds or creates an experiment; when another process creates it first, finds theirs. */
  async getOrCreateExperiment(name: string): Promise<string> {
    const found = await this.getExperimentByName(name);
    if (found) {
      if (found.lifecycle_stage === 'deleted') throw new MlflowError(`experiment '${name}' is deleted on ${this.uri}; restore it or choose another name`, null, null, false);
      return found.experiment_id;
    }
    try {
      return (await this.post<{ experiment_id: string }>('experiments/create', { name })).experiment_id;
    } catch (error) {
      if (error instanceof MlflowError && error.code === 'RESOURCE_ALREADY_EXISTS') {
        const raced = await this.getExperimentByName(name);
        if (raced) return raced.experiment_id;
      }
      throw error;
    }
  }

  async createRun(experimentId: string, runName: string, startTime: number, tags: KeyValue[]): Promise<RunInfo> {
    return (await this.post<{ run: Run }>('runs/create', { experiment_id: experimentId, run_name: runName, start_time: startTime, tags })).run.info;
  }

  async updateRun(runId: string, status: RunInfo['status'], endTime?: number): Promise<void> {
    await this.post('runs/update', { run_id: runId, status, end_time: endTime });
  }

  async setTag(runId: string, key: string, value: string): Promise<void> {
    await this.post('runs/set-tag', { run_id: runId, key, value });
  }

  /** Logs metrics, params and tags, split into requests within the server's limits. */
  async logBatch(runId: string, batch: { metrics?: Metric[]; params?: KeyValue[]; tags?: KeyValue[] }): Promise<void> {
    for (const chunk of splitBatch(batch)) {
      await this.post('runs/log-batch', { run_id: runId, ...chunk, metrics: chunk.metrics.map(encodeMetric) });
    }
  }

  async getRun(runId: string): Promise<Run> {
    const run = (await this.get<{ run: Run }>('runs/get', { run_id: runId })).run;
    run.data = { metrics: run.data?.metrics ?? [], params: run.data?.params ?? [], tags: run.data?.tags ?? [] };
    return run;
  }

  async searchRuns(experimentIds: string[], filter = '', maxResults = 1000): Promise<Run[]> {
    const runs: Run[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.post<{ runs?: Run[]; next_page_token?: string }>('runs/search', {
        experiment_ids: experimentIds, filter, max_results: maxResults, page_token: pageToken,
      });
      runs.push(...(page.runs ?? []));
      pageToken = page.next_page_token;
    } while (pageToken);
    return runs;
  }

  async getMetricHistory(runId: string, key: string): Promise<Metric[]> {
    const points: Metric[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.get<{ metrics?: Metric[]; next_page_token?: string }>('metrics/get-history', { run_id: runId, metric_key: key, max_results: 25000, page_token: pageToken });
      points.push(...(page.metrics ?? []).map((m) => ({ ...m, value: decodeValue(m.value) })));
      pageToken = page.next_page_token;
    } while (pageToken);
    return points;
  }

  /** Uploads a file through the server's artifact proxy (mlflow-artifacts:/...). */
  async uploadArtifact(artifactUri: string, localFile: string, artifactPath: string): Promise<void> {
    if (!artifactUri.startsWith('mlflow-artifacts:')) {
      throw new MlflowError(`the run's artifact root ${artifactUri} is not served by the tracking server; start it with --serve-artifacts`, null, null, false);
    }
    await this.request({
      method: 'PUT', url: artifactProxyUrl(artifactUri, artifactPath),
      data: createReadStream(localFile), headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': statSync(localFile).size },
    });
  }

  async listArtifacts(runId: string, path = ''): Promise<{ path: string; is_dir?: boolean; file_size?: number }[]> {
    return (await this.get<{ files?: { path: string; is_dir?: boolean; file_size?: number }[] }>('artifacts/list', { run_id: runId, path })).files ?? [];
  }

  async downloadArtifact(artifactUri: string, artifactPath: string): Promise<Buffer> {
    const data = await this.request<ArrayBuffer>({ method: 'GET', url: artifactProxyUrl(artifactUri, artifactPath), responseType: 'arraybuffer' });
    return Buffer.from(data);
  }
}

/** The artifact proxy's URL of a file in a run's artifacts (mlflow-artifacts:/<experiment>/<run>/artifacts). */
function artifactProxyUrl(artifactUri: string, artifactPath: string): string {
  const base = new URL(artifactUri).pathname.replace(/^\/+/, '');
  return `/api/2.0/mlflow-artifacts/artifacts/${[base, artifactPath].filter(Boolean).join('/').split('/').map(encodeURIComponent).join('/')}`;
}

/** JSON has no NaN or Infinity; the server's proto3 JSON parser takes these strings. */
function encodeMetric(m: Metric): Omit<Metric, 'value'> & { value: number | string } {
  const value = Number.isNaN(m.value) ? 'NaN' : m.value === Infinity ? 'Infinity' : m.value === -Infinity ? '-Infinity' : m.value;
  return { ...m, value };
}

function decodeValue(v: number | string): number {
  return typeof v === 'string' ? Number(v) : v;
}

/** Splits a batch so each request holds at most 1000 metrics, 100 params, 100 tags, 1000 items, under 1 MB. */
export function splitBatch(batch: { metrics?: Metric[]; params?: KeyValue[]; tags?: KeyValue[] }): { metrics: Metric[]; params: KeyValue[]; tags: KeyValue[] }[] {
  const chunks: { metrics: Metric[]; params: KeyValue[]; tags: KeyValue[] }[] = [];
  let current = { metrics: [] as Metric[], params: [] as KeyValue[], tags: [] as KeyValue[] };
  let bytes = 0;
  const flush = () => {
    if (current.metrics.length + current.params.length + current.tags.length > 0) chunks.push(current);
    current = { metrics: [], params: [], tags: [] };
    bytes = 0;
  };
  const add = <K extends 'metrics' | 'params' | 'tags'>(kind: K, item: (typeof current)[K][number]) => {
    const size = JSON.stringify(item).length + 1;
    const items = current.metrics.length + current.params.length + current.tags.length;
    if (current[kind].length >= LIMITS[kind] || items >= LIMITS.items || bytes + size > LIMITS.bodyBytes - 10_000) flush();
    (current[kind] as unknown[]).push(item);
    bytes += size;
  };
  for (const p of batch.params ?? []) add('params', p);
  for (const t of batch.tags ?? []) add('tags', t);
  for (const m of batch.metrics ?? []) add('metrics', m);
  flush();
  return chunks;
}
