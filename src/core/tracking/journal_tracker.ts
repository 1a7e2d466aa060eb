import path from 'node:path';
import type { RunStatus } from '../run/run_state.js';
import { deliver } from './deliver.js';
import { Journal, type TrackerStatus } from './journal.js';
import { runParams, runTags } from './run_records.js';
import type { Sink } from './sink.js';
import type { MetricPoint, RunStartInfo, Tracker } from './tracker.js';

const STATUS: Record<RunStatus, TrackerStatus> = { running: 'RUNNING', finished: 'FINISHED', failed: 'FAILED', interrupted: 'KILLED' };

export interface JournalTrackerOptions {
  /** How long end() waits for undelivered records before leaving them to `layerwise sync`. */
  flushTimeoutMs?: number;
  /** Pause before retrying delivery after a failure that may pass; doubles up to 30 s. */
  retryDelayMs?: number;
  log?: (line: string) => void;
  /** The grid run this run belongs to (its MLflow run becomes this one's parent). */
  parentRunDir?: string | null;
}

/**
 * Tracks a run through its journal: each record is written to tracking/journal.jsonl, then delivered
 * to the sink in the background while training goes on. A sink that is down delays records; end()
 * waits a bounded time, and whatever is left is delivered by `layerwise sync RUN_DIR` (or the next resume).
 */
export class JournalTracker implements Tracker {
  private journal: Journal | null = null;
  private runDir = '';
  private loop: Promise<void> | null = null;
  private again = false;
  private closed = false;
  private retryDelay: number;
  private readonly log: (line: string) => void;

  constructor(readonly sink: Sink, private readonly options: JournalTrackerOptions = {}) {
    this.retryDelay = options.retryDelayMs ?? 1000;
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  }

  async start(info: RunStartInfo): Promise<void> {
    this.runDir = info.runDir;
    this.journal = new Journal(path.join(info.runDir, 'tracking'));
    const runName = info.spec.tracking.run_name ?? info.runId;
    if (!this.journal.read().some((r) => r.kind === 'start')) {
      this.journal.append({
        kind: 'start', experiment: info.spec.tracking.experiment ?? info.spec.name, run_name: runName, start_time: Date.now(),
        tags: runTags(info, runName), parent_run_dir: this.options.parentRunDir ?? null,
      });
      this.journal.append({ kind: 'params', params: runParams(info, this.log) });
    } else {
      this.journal.append({ kind: 'status', status: 'RUNNING', time: Date.now() });
      this.journal.append({ kind: 'tags', tags: [{ key: 'layerwise.resumed', value: String(info.resumed) }] });
    }
    this.log(`tracking to ${this.sink.display} (journal ${path.relative(process.cwd(), this.journal.file) || this.journal.file})`);
    this.kick();
  }

  logMetrics(points: MetricPoint[]): void {
    if (!this.journal || points.length === 0) return;
    this.journal.append({ kind: 'metrics', metrics: points });
    this.kick();
  }

  logArtifact(file: string, artifactPath = ''): void {
    if (!this.journal) return;
    this.journal.append({ kind: 'artifact', file: path.relative(this.runDir, file), path: artifactPath });
    this.kick();
  }

  async end(status: RunStatus): Promise<void> {
    if (!this.journal) return;
    this.journal.append({ kind: 'status', status: STATUS[status], time: Date.now() });
    this.kick();
    await this.flush(this.options.flushTimeoutMs ?? 30_000);
    this.closed = true;
    const pending = this.pending();
    if (pending > 0) {
      this.log(`tracking: ${pending} record(s) not yet delivered to ${this.sink.display}; they are kept in ${this.journal.file}. ` +
        `Deliver them with: layerwise sync ${this.runDir}`);
    }
  }

  pending(): number {
    if (!this.journal) return 0;
    const delivered = this.journal.delivery(this.sink.id).delivered;
    return this.journal.read().filter((r) => r.seq > delivered).length;
  }

  async flush(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.loop, new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
  }

  private kick(): void {
    if (this.closed) return;
    if (this.loop) {
      this.again = true;
      return;
    }
    this.loop = this.run().finally(() => (this.loop = null));
  }

  private async run(): Promise<void> {
    do {
      this.again = false;
      let result;
      try {
        result = await deliver(this.runDir, this.sink, this.log);
      } catch (error) {
        this.log(`warning: tracking delivery stopped: ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
      if (result.error) {
        if (this.closed) return;
        await new Promise<void>((r) => setTimeout(r, this.retryDelay).unref());
        this.retryDelay = Math.min(this.retryDelay * 2, 30_000);
        this.again = true;
      } else {
        this.retryDelay = this.options.retryDelayMs ?? 1000;
      }
    } while (this.again && !this.closed);
  }
}

