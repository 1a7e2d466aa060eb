import { Option, type Command } from 'commander';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { resolveOrThrow } from '../spec/resolve.js';
import { RunDir } from '../run/run_dir.js';
import { pct } from '../run/summary.js';
import { collectSets, UsageError } from './common.js';


export function registerRunCommands(program: Command): void {
  program
    .command('run')
    .description('run a spec end to end (or resume a run); writes runs/<name>/<run id>/ with summary.json')
    .argument('[spec]', 'spec file')
    .option('--set <key=value>', 'override a key (YAML value); repeatable', collectSets, [])
    .option('--run-dir <dir>', 'run directory; an existing one of the same spec is resumed')
    .option('--resume <run_dir>', 'resume a crashed, killed or interrupted run from its last checkpoint')
    .addOption(new Option('--parent-run-dir <dir>', 'the grid this run is a trial of').hideHelp())
    .action(async (specFile: string | undefined, opts: { set: string[]; runDir?: string; resume?: string; parentRunDir?: string }) => {
      if (opts.resume && (specFile || opts.set.length > 0)) throw new UsageError('--resume takes the run directory alone: its resolved.yaml is the spec');
      if (!opts.resume && !specFile) throw new UsageError('give a spec file, or --resume RUN_DIR');
      let runDir = opts.runDir;
      let file = specFile!;
      if (opts.resume) {
        runDir = opts.resume;
        file = new RunDir(runDir).resolvedFile;
        if (!existsSync(file)) throw new UsageError(`${runDir} is not a run directory (no resolved.yaml)`);
      }
      const { spec, registry } = await resolveOrThrow(file, { sets: opts.set });
      // Loaded here, not at start-up, so `validate` and `list` stay fast.
      const [{ runExperiment, RunError }, { createProgress }, { StopSignal }, { createTracker }] = await Promise.all([
        import('../run/orchestrator.js'), import('../run/progress.js'), import('../run/stop_signal.js'), import('../tracking/create.js'),
      ]);
      const stop = new StopSignal().install();
      try {
        const summary = await runExperiment({
          spec, registry, runDir, baseDir: path.dirname(path.resolve(file)), progress: createProgress(), stop,
          tracker: await createTracker(spec, { parentRunDir: opts.parentRunDir ? path.resolve(opts.parentRunDir) : null }),
        });
        const stages = summary.stages.map((s) => `stage ${s.stage} ${pct(s.test_accuracy)}`).join(', ');
        console.log(`${summary.name} finished in ${summary.wall_seconds.toFixed(0)}s: ${stages}; final ${pct(summary.final_test_accuracy)}` +
          (summary.ensemble_test_accuracy === null ? '' : `, ensemble ${pct(summary.ensemble_test_accuracy)}`));
        console.log(`summary: ${path.join(runDir ?? path.join(spec.output_dir, spec.name, summary.run_id), 'summary.json')}`);
      } catch (error) {
        if (!(error instanceof RunError)) throw error;
        process.stderr.write(`layerwise: ${error.message}\n`);
        process.exitCode = error.summary?.status === 'interrupted' ? 130 : 1;
      } finally {
        stop.uninstall();
      }
    });

  program
    .command('eval')
    .description('load a finished run\'s model and report its test accuracy (final model, each stage, ensemble)')
    .argument('<run_dir>', 'run directory')
    .option('--json', 'print JSON')
    .action(async (runDir: string, opts: { json?: boolean }) => {
      if (!existsSync(path.join(runDir, 'model', 'weights.lwt'))) throw new UsageError(`${runDir} has no saved model (model/weights.lwt): is the run finished?`);
      const { evaluateRun } = await import('../run/evaluate_run.js');
      const r = await evaluateRun(runDir);
      if (opts.json) console.log(JSON.stringify(r, null, 2));
      else {
        console.log(`${runDir}: final model ${pct(r.final_test_accuracy)} on ${r.test_images} test images`);
        r.stage_test_accuracy.forEach((a, j) => console.log(`  stage ${j}: ${pct(a)}`));
        if (r.ensemble_test_accuracy !== null) console.log(`  ensemble: ${pct(r.ensemble_test_accuracy)}`);
      }
    });
}
