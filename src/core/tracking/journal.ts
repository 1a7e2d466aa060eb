import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readJson, writeJsonAtomic } from '../run/tensor_file.js';
import type { KeyValue, Metric } from './mlflow_client.js';

export type TrackerStatus = 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED';

export type JournalEntry =
  | { kind: 'start'; experiment: string; run_name: string; start_time: number; tags: KeyValue[]; parent_run_dir: string | null }
  | { kind: 'params'; params: KeyValue[] }
  | { kind: 'tags'; tags: KeyValue[] }
  | { kind: 'metrics'; metrics: Metric[] }
  /** `file` is relative to the run directory; `path` is the folder in the run's artifacts. */
  | { kind: 'artifact'; file: string; path: string }
  | { kind: 'status'; status: TrackerStatus; time: number };

export type JournalRecord = JournalEntry & { seq: number };

/** Where a journal's records stand with one sink (a server, or a local store). */
export interface DeliveryState {
  sink: string;
  experiment_id: string | null;
  run_id: string | null;
  artifact_uri: string | null;
  delivered: number;
  skipped: { seq: number; error: string }[];
}

/**
 * The run's tracking records, appended to tracking/journal.jsonl before anything is sent, so a server
 * that is down delays data and never loses it. One JSON line per record; NaN and infinities as strings.
 */
export class Journal {
  readonly file: string;
  /** The last record's number, read on the first append (readers never need it). */
  private seq: number | null = null;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    this.file = path.join(dir, 'journal.jsonl');
  }

  static exists(runDir: string): boolean {
    return existsSync(path.join(runDir, 'tracking', 'journal.jsonl'));
  }

  append(entry: JournalEntry): number {
    this.seq = (this.seq ?? this.read().at(-1)?.seq ?? 0) + 1;
    const record = { seq: this.seq, ...entry };
    appendFileSync(this.file, JSON.stringify(record, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)) + '\n');
    return record.seq;
  }

  read(): JournalRecord[] {
    if (!existsSync(this.file)) return [];
    const records: JournalRecord[] = [];
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      if (!line) continue;
      try {
        const r = JSON.parse(line) as JournalRecord;
        if (r.kind === 'metrics') for (const m of r.metrics) m.value = Number(m.value);
        records.push(r);
      } catch {
        // A line cut short by a kill: everything before it is intact.
      }
    }
    return records;
  }

  private deliveryFile(sink: string): string {
    return path.join(this.dir, `delivery-${sink.replace(/[^A-Za-z0-9._-]+/g, '_')}.json`);
  }

  delivery(sink: string): DeliveryState {
    return readJson<DeliveryState>(this.deliveryFile(sink)) ?? { sink, experiment_id: null, run_id: null, artifact_uri: null, delivered: 0, skipped: [] };
  }

  saveDelivery(state: DeliveryState): void {
    writeJsonAtomic(this.deliveryFile(state.sink), state);
  }
}
