import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import type { ResolvedSpec } from '../spec/types.js';
import { readJson, writeJsonAtomic } from './tensor_file.js';
import type { RunState } from './run_state.js';

/** A stable hash of a resolved spec: keys sorted, so formatting and key order do not matter. */
export function specHash(spec: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(canonical) : v && typeof v === 'object'
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])])) : v;
  return createHash('sha256').update(JSON.stringify(canonical(spec))).digest('hex').slice(0, 16);
}

/**
 * The part of a spec that decides what is computed (tracking, grid, output_dir and description do
 * not): resuming needs it unchanged, and it is a grid trial's identity.
 */
export function identityHash(spec: ResolvedSpec): string {
  const { tracking: _t, grid: _g, output_dir: _o, description: _d, ...rest } = spec;
  return specHash(rest);
}

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

/**
 * A run's directory: resolved.yaml, state.json (progress, for resume), checkpoints/, stages/ (finished
 * stages' weights and test logits), model/ (the final model), summary.json, and lock.
 */
export class RunDir {
  constructor(readonly dir: string) {}

  get resolvedFile(): string { return path.join(this.dir, 'resolved.yaml'); }
  get stateFile(): string { return path.join(this.dir, 'state.json'); }
  get summaryFile(): string { return path.join(this.dir, 'summary.json'); }
  get cacheDir(): string { return path.join(this.dir, 'cache'); }
  get modelDir(): string { return path.join(this.dir, 'model'); }
  checkpointFile(stage: number): string { return path.join(this.dir, 'checkpoints', `stage-${stage}.lwt`); }
  stageFile(stage: number): string { return path.join(this.dir, 'stages', `stage-${stage}.lwt`); }
  logitsFile(stage: number): string { return path.join(this.dir, 'stages', `stage-${stage}.test-logits.lwt`); }

  create(spec: ResolvedSpec): void {
    for (const sub of ['checkpoints', 'stages', 'model']) mkdirSync(path.join(this.dir, sub), { recursive: true });
    writeFileSync(this.resolvedFile, `# the fully resolved spec of this run; 'layerwise run ${this.resolvedFile}' repeats it\n${stringify(spec)}`);
  }

  readState(): RunState | null {
    return readJson<RunState>(this.stateFile);
  }

  writeState(state: RunState): void {
    writeJsonAtomic(this.stateFile, { ...state, updated_at: new Date().toISOString() });
  }

  /** Holds the directory for this process; a live holder makes it an error, a dead one (kill -9) is taken over. */
  lock(): void {
    const holder = this.lockHolder();
    if (holder !== null && holder !== process.pid) throw new Error(`run directory ${this.dir} is in use by process ${holder}`);
    writeFileSync(this.lockFile, String(process.pid));
  }

  unlock(): void {
    rmSync(this.lockFile, { force: true });
  }

  /** The live process holding the directory, or null (no lock, or its holder is gone). */
  lockHolder(): number | null {
    if (!existsSync(this.lockFile)) return null;
    const pid = Number(readFileSync(this.lockFile, 'utf8'));
    return pid && isAlive(pid) ? pid : null;
  }

  private get lockFile(): string { return path.join(this.dir, 'lock'); }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
