import type { Command } from 'commander';
import path from 'node:path';
import { expandGrid } from '../grid/expand.js';
import { formatMarkdownTable, markdownTable } from '../grid/report.js';
import { trialDir, trialStatus } from '../grid/status.js';
import { formatProblem } from '../spec/errors.js';
import { StopSignal } from '../run/stop_signal.js';
import { specHash } from '../run/run_dir.js';
import { collectSets, UsageError } from './common.js';

export function registerGridCommand(program: Command): void {
  program
    .command('grid')
    .description('expand, validate and run a spec\'s ablation grid; finished trials are skipped, failed ones resumed')
    .argument('<spec>', 'spec file with a grid section')
    .option('--set <key=value>', 'override a key of every trial (YAML value); repeatable', collectSets, [])
    .option('--dry-run', 'list the trials, their varying values and which are done; run nothing')
    .option('--workers <n>', 'trials run in parallel, each in its own process', (v) => Number(v), 1)
    .option('--retries <k>', 'run a failed trial up to k more times', (v) => Number(v), 0)
    .option('--fail-fast', 'stop all trials (resumably) at the first failure')
    .option('--grid-dir <dir>', 'grid directory (default <output_dir>/<name>/grid)')
    .action(async (file: string, opts: { set: string[]; dryRun?: boolean; workers: number; retries: number; failFast?: boolean; gridDir?: string }) => {
      if (!Number.isInteger(opts.workers) || opts.workers < 1) throw new UsageError('--workers must be a positive integer');
      if (!Number.isInteger(opts.retries) || opts.retries < 0) throw new UsageError('--retries must be a non-negative integer');
      const exp = await expandGrid(file, opts.set);
      if (exp.problems.length > 0) {
        for (const p of exp.problems) process.stderr.write(`${formatProblem(p)}\n`);
        throw new UsageError(`${exp.problems.length} problem(s) in the grid: nothing was run`);
      }
      const base = exp.base.spec!;
      if (!base.grid) throw new UsageError(`${file} has no grid section`);
      const gridDir = opts.gridDir ?? path.join(base.output_dir, base.name, 'grid');
      if (opts.dryRun) {
        const statuses = exp.trials.map((t) => trialStatus(trialDir(gridDir, t.id)));
        console.log(markdownTable(['trial', ...exp.varying, 'status'],
          exp.trials.map((t, i) => [t.id, ...exp.varying.map((k) => JSON.stringify(t.values[k] ?? '')), statuses[i]!])));
        const done = statuses.filter((s) => s === 'finished').length;
        console.log(`\n${exp.trials.length} trials: ${done} finished, ${exp.trials.length - done} to run (grid directory ${gridDir})`);
        return;
      }
      const [{ runGrid }, { createTracker }] = await Promise.all([import('../grid/runner.js'), import('../tracking/create.js')]);
      const stop = new StopSignal().install();
      const tracker = await createTracker({ ...base, tracking: { ...base.tracking, run_name: base.tracking.run_name ?? `${base.name} grid` } });
      await tracker.start({
        runDir: gridDir, runId: `grid-${base.name}`, spec: base, specHash: specHash(exp.trials.map((t) => t.id).sort()), resumed: false,
        backend: { name: base.backend, engine: 'n/a (grid parent)', tfjsVersion: 'n/a', libtensorflowVersion: null, intraOpThreads: 'n/a', interOpThreads: 'n/a' },
      });
      // The grid's run must exist before its trials' runs can point at it (they wait for it otherwise).
      await tracker.flush(10_000);
      try {
        const outcome = await runGrid(exp, {
          gridDir, workers: opts.workers, retries: opts.retries, failFast: Boolean(opts.failFast), stop, tracker,
          log: (line) => process.stderr.write(`${line}\n`), interactive: Boolean(process.stderr.isTTY),
        });
        console.log(formatMarkdownTable(exp, gridDir));
        console.log(`\n${outcome.finished.length} finished, ${outcome.failed.length} failed, ${outcome.interrupted.length} interrupted, ` +
          `${outcome.skipped.length} done before; ${outcome.seconds.toFixed(0)}s. Results: ${outcome.reportFiles.join(', ')}`);
        // A failure decides the exit code even when --fail-fast left trials unrun (interrupted).
        if (outcome.failed.length > 0) process.exitCode = 1;
        else if (outcome.interrupted.length > 0) process.exitCode = 130;
      } finally {
        stop.uninstall();
      }
    });
}
