import path from 'node:path';
import { Journal, type DeliveryState, type JournalRecord } from './journal.js';
import { MlflowError, type KeyValue, type Metric } from './mlflow_client.js';
import type { CreatedRun, Sink } from './sink.js';

export interface DeliveryResult {
  delivered: number;
  pending: number;
  skipped: number;
  /** Set when delivery stopped on a failure that may pass (server down, 5xx): try again later. */
  error: MlflowError | null;
}

/**
 * Sends a run's undelivered journal records to a sink, in order, and records how far it got after each
 * step. Params, tags and metrics in a row go as one batch. What can never succeed (a 4xx) is skipped
 * with its error kept in the delivery state; what may succeed later stops delivery until the next try.
 * A re-sent batch does not duplicate: params and tags are idempotent and MLflow's SQL stores drop
 * repeated metric points (same key, value, step and timestamp).
 */
export async function deliver(runDir: string, sink: Sink, log: (line: string) => void = () => {}): Promise<DeliveryResult> {
  const journal = new Journal(path.join(runDir, 'tracking'));
  const state = journal.delivery(sink.id);
  const records = journal.read().filter((r) => r.seq > state.delivered);
  const before = state.delivered;
  let i = 0;
  try {
    while (i < records.length) {
      const r = records[i]!;
      if (r.kind === 'start') {
        if (!state.run_id) await startRun(r, state, sink);
        i = advance(journal, state, r.seq, i);
      } else if (!state.run_id) {
        throw new MlflowError('the journal has no start record', null, null, false);
      } else if (r.kind === 'params' || r.kind === 'tags' || r.kind === 'metrics') {
        const group: JournalRecord[] = [];
        while (i + group.length < records.length && ['params', 'tags', 'metrics'].includes(records[i + group.length]!.kind)) group.push(records[i + group.length]!);
        await attempt(journal, state, group.at(-1)!.seq, log, () => sink.logBatch(run(state), merge(group)));
        i += group.length;
      } else if (r.kind === 'artifact') {
        await attempt(journal, state, r.seq, log, () => sink.uploadArtifact(run(state), path.join(runDir, r.file), r.path));
        i++;
      } else {
        await attempt(journal, state, r.seq, log, () => sink.setStatus(run(state), r.status, r.time));
        i++;
      }
    }
  } catch (error) {
    if (!(error instanceof MlflowError) || !error.retryable) throw error;
    return { delivered: state.delivered - before, pending: journal.read().filter((r) => r.seq > state.delivered).length, skipped: state.skipped.length, error };
  }
  return { delivered: state.delivered - before, pending: 0, skipped: state.skipped.length, error: null };
}

function run(state: DeliveryState): CreatedRun {
  return { experimentId: state.experiment_id!, runId: state.run_id!, artifactUri: state.artifact_uri! };
}

function advance(journal: Journal, state: DeliveryState, seq: number, i: number): number {
  state.delivered = seq;
  journal.saveDelivery(state);
  return i + 1;
}

async function attempt(journal: Journal, state: DeliveryState, lastSeq: number, log: (line: string) => void, send: () => Promise<void>): Promise<void> {
  try {
    await send();
  } catch (error) {
    if (!(error instanceof MlflowError) || error.retryable) throw error;
    log(`warning: tracking records up to #${lastSeq} were refused and skipped: ${error.message}`);
    state.skipped.push({ seq: lastSeq, error: error.message });
  }
  state.delivered = lastSeq;
  journal.saveDelivery(state);
}

/**
 * Creates the run, under its grid's parent run when it has one. Only the grid's own delivery creates
 * the parent (trials doing it too would race into duplicates); until it exists, a trial waits.
 */
async function startRun(r: Extract<JournalRecord, { kind: 'start' }>, state: DeliveryState, sink: Sink): Promise<void> {
  const tags: KeyValue[] = [...r.tags];
  if (r.parent_run_dir) {
    const parentId = new Journal(path.join(r.parent_run_dir, 'tracking')).delivery(sink.id).run_id;
    if (!parentId) {
      throw new MlflowError(`the grid's run is not created yet; deliver it first (layerwise sync ${r.parent_run_dir})`, null, null, true);
    }
    tags.push({ key: 'mlflow.parentRunId', value: parentId });
  }
  const created = await sink.createRun(r.experiment, r.run_name, r.start_time, tags);
  Object.assign(state, { experiment_id: created.experimentId, run_id: created.runId, artifact_uri: created.artifactUri });
}

/** One batch from consecutive records; a param or tag given twice keeps its last value (one batch may not repeat a key). */
function merge(group: JournalRecord[]): { metrics: Metric[]; params: KeyValue[]; tags: KeyValue[] } {
  const params = new Map<string, string>();
  const tags = new Map<string, string>();
  const metrics: Metric[] = [];
  for (const r of group) {
    if (r.kind === 'params') r.params.forEach((p) => params.set(p.key, p.value));
    if (r.kind === 'tags') r.tags.forEach((t) => tags.set(t.key, t.value));
    if (r.kind === 'metrics') metrics.push(...r.metrics);
  }
  const pairs = (m: Map<string, string>) => [...m].map(([key, value]) => ({ key, value }));
  return { metrics, params: pairs(params), tags: pairs(tags) };
}
