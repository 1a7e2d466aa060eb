import path from 'node:path';
import type { ResolvedSpec } from '../spec/types.js';
import { FileStoreSink } from './file_store_sink.js';
import { JournalTracker, type JournalTrackerOptions } from './journal_tracker.js';
import { RestSink } from './rest_sink.js';
import type { Sink } from './sink.js';
import { nullTracker, type Tracker } from './tracker.js';

/**
 * Where a spec's records go: tracking.uri, else MLFLOW_TRACKING_URI, else the local store ./mlruns.
 * http(s):// is an MLflow server; file:// or a path is a local FileStore directory.
 */
export function sinkFor(uri: string | null, env: NodeJS.ProcessEnv = process.env): Sink {
  const target = uri || env.MLFLOW_TRACKING_URI || null;
  if (target && /^https?:\/\//.test(target)) return new RestSink(target, { maxRetries: 2, backoffMs: 500 });
  if (target && target.startsWith('file:')) return new FileStoreSink(new URL(target).pathname);
  return new FileStoreSink(target ?? path.resolve('mlruns'));
}

export async function createTracker(spec: ResolvedSpec, options: JournalTrackerOptions = {}, env: NodeJS.ProcessEnv = process.env): Promise<Tracker> {
  if (!spec.tracking.enabled) return nullTracker;
  const flush = Number(env.LAYERWISE_TRACKING_FLUSH_TIMEOUT_MS);
  return new JournalTracker(sinkFor(spec.tracking.uri, env), { ...(flush > 0 ? { flushTimeoutMs: flush } : {}), ...options });
}
