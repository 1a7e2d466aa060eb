import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import cliProgress from 'cli-progress';
import type { GridExpansion, Trial } from './expand.js';
import { trialDir, trialStatus } from './status.js';
import { writeGridReport } from './report.js';
import type { StopSignal } from '../run/stop_signal.js';
import type { Tracker } from '../tracking/tracker.js';

const BIN = fileURLToPath(new URL('../../../../bin/layerwise.js', import.meta.url));

export interface GridRunOptions {
  gridDir: string;
  workers: number;
  retries: number;
  failFast: boolean;
  stop: StopSignal;
  tracker: Tracker;
  log: (line: string) => void;
  interactive: boolean;
}

export interface GridOutcome {
  finished: string[];
  failed: string[];
  interrupted: string[];
  /** Finished before this invocation, so not run again. */
  skipped: string[];
  reportFiles: string[];
  seconds: number;
}

/**
 * Runs a grid's unfinished trials in `workers` child processes, each with its own TensorFlow and
 * cores/workers intra-op threads (a spec's `threads`, or TF_NUM_INTRAOP_THREADS, takes precedence).
 * Finished trials are skipped, failed and cut-short ones resume.
 * A failing trial does not stop the others unless failFast; Ctrl-C stops every worker at a batch
 * boundary, leaving all trials resumable.
 */
export async function runGrid(exp: GridExpansion, o: GridRunOptions): Promise<GridOutcome> {
  const started = performance.now();
  mkdirSync(path.join(o.gridDir, 'trials'), { recursive: true });
  writeFileSync(path.join(o.gridDir, 'grid.yaml'), stringify({ spec: exp.base.file, trials: exp.trials.map((t) => ({ id: t.id, values: t.values })) }));
  const outcome: GridOutcome = { finished: [], failed: [], interrupted: [], skipped: [], reportFiles: [], seconds: 0 };
  const queue: { trial: Trial; attempt: number }[] = [];
  for (const trial of exp.trials) {
    if (trialStatus(trialDir(o.gridDir, trial.id)) === 'finished') outcome.skipped.push(trial.id);
    else queue.push({ trial, attempt: 0 });
  }
  const total = queue.length;
  // A fixed share per trial, not more for the last ones: TF's results depend on its thread count, and a
  // trial should not change with the order it ran in.
  const threads = Math.max(1, Math.floor(os.availableParallelism() / o.workers));
  o.log(`grid ${exp.base.spec!.name}: ${exp.trials.length} trials, ${outcome.skipped.length} already finished, ${total} to run on ${o.workers} worker(s) with ${threads} thread(s) each`);
  const running = new Map<string, ChildProcess>();
  let stopping = false;
  const bar = o.interactive && total > 0 ? new cliProgress.SingleBar({
    stream: process.stderr, hideCursor: true, clearOnComplete: false,
    format: 'grid |{bar}| {value}/{total} trials | running {running} | failed {failed} | ETA {eta_formatted}',
  }, cliProgress.Presets.shades_classic) : null;
  bar?.start(total, 0, { running: 0, failed: 0 });
  const settled = () => outcome.finished.length + outcome.failed.length + outcome.interrupted.length;
  const update = () => bar?.update(settled(), { running: running.size, failed: outcome.failed.length });
  /** A line above the live bar: stop it, print, start it again where it was. */
  const say = (line: string) => {
    bar?.stop();
    o.log(line);
    bar?.start(total, settled(), { running: running.size, failed: outcome.failed.length });
  };

  await new Promise<void>((resolveAll) => {
    const finishIfDone = (): boolean => {
      if (running.size > 0 || (queue.length > 0 && !stopping)) return false;
      clearInterval(poll);
      resolveAll();
      return true;
    };
    const stopAll = () => {
      stopping = true;
      for (const child of running.values()) child.kill('SIGINT');
    };
    const launch = () => {
      while (!stopping && running.size < o.workers && queue.length > 0) start(queue.shift()!);
      finishIfDone();
    };
    const start = ({ trial, attempt }: { trial: Trial; attempt: number }) => {
      const dir = trialDir(o.gridDir, trial.id);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'trial.yaml'), `# grid trial ${trial.label}\n${stringify({ ...trial.spec, tracking: { ...trial.spec.tracking, run_name: trial.spec.tracking.run_name ?? trial.label } })}`);
      const log = createWriteStream(path.join(dir, 'log.txt'), { flags: 'a' });
      const child = spawn(process.execPath, [BIN, 'run', path.join(dir, 'trial.yaml'), '--run-dir', dir, '--parent-run-dir', o.gridDir], {
        env: {
          ...process.env,
          TF_NUM_INTRAOP_THREADS: process.env.TF_NUM_INTRAOP_THREADS ?? String(trial.spec.threads ?? threads),
          TF_NUM_INTEROP_THREADS: process.env.TF_NUM_INTEROP_THREADS ?? '1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
        // Its own process group: a terminal's Ctrl-C reaches only this process, which forwards one SIGINT.
        detached: true,
      });
      child.stdout!.pipe(log, { end: false });
      child.stderr!.pipe(log, { end: false });
      const begun = performance.now();
      running.set(trial.id, child);
      say(`trial ${trial.id} (${trial.label}) started${attempt > 0 ? `, retry ${attempt}` : ''}`);
      child.on('exit', (code) => {
        running.delete(trial.id);
        log.end();
        const seconds = (performance.now() - begun) / 1000;
        if (code === 0) {
          outcome.finished.push(trial.id);
          say(`trial ${trial.id} (${trial.label}) finished in ${seconds.toFixed(0)}s`);
        } else if (code === 130 || stopping) {
          outcome.interrupted.push(trial.id);
          say(`trial ${trial.id} (${trial.label}) interrupted; it resumes when the grid runs again`);
        } else if (attempt < o.retries) {
          queue.push({ trial, attempt: attempt + 1 });
          say(`trial ${trial.id} (${trial.label}) failed (exit ${code}); retrying (log: ${path.join(dir, 'log.txt')})`);
        } else {
          outcome.failed.push(trial.id);
          say(`trial ${trial.id} (${trial.label}) failed (exit ${code}); log: ${path.join(dir, 'log.txt')}`);
          if (o.failFast && !stopping) stopAll();
        }
        update();
        if (!finishIfDone()) launch();
      });
    };
    // Ctrl-C sets the flag; forward it to every worker, which stops at a batch boundary.
    const poll = setInterval(() => {
      if (o.stop.requested && !stopping) {
        stopAll();
        finishIfDone();
      }
    }, 100);
    launch();
  });
  bar?.stop();
  for (const { trial } of queue) if (!outcome.interrupted.includes(trial.id)) outcome.interrupted.push(trial.id);
  outcome.reportFiles = writeGridReport(exp, o.gridDir);
  outcome.seconds = (performance.now() - started) / 1000;
  for (const file of outcome.reportFiles) o.tracker.logArtifact(file);
  await o.tracker.end(outcome.failed.length > 0 ? 'failed' : outcome.interrupted.length > 0 ? 'interrupted' : 'finished');
  return outcome;
}
