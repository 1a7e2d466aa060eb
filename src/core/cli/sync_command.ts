import type { Command } from 'commander';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { resolveSpecFile } from '../spec/resolve.js';
import { RunDir } from '../run/run_dir.js';
import { UsageError } from './common.js';

export function registerSyncCommand(program: Command): void {
  program
    .command('sync')
    .description('deliver tracking records that a run could not send (server down) to MLflow; safe to repeat')
    .argument('<run_dirs...>', 'run directories (or grid directories)')
    .option('--to <uri>', 'tracking URI to deliver to (default: the spec\'s, else MLFLOW_TRACKING_URI, else ./mlruns)')
    .action(async (dirs: string[], opts: { to?: string }) => {
      const [{ deliver }, { Journal }, { sinkFor }] = await Promise.all([
        import('../tracking/deliver.js'), import('../tracking/journal.js'), import('../tracking/create.js'),
      ]);
      let failed = 0;
      for (const dir of dirs) {
        if (!Journal.exists(dir)) throw new UsageError(`${dir} has no tracking journal (tracking/journal.jsonl)`);
        const resolved = new RunDir(dir).resolvedFile;
        // Only the tracking target is needed: data that is no longer on disk does not matter here.
        const uri = opts.to ?? (existsSync(resolved) ? (await resolveSpecFile(resolved)).spec?.tracking.uri ?? null : null);
        const sink = sinkFor(uri);
        const r = await deliver(path.resolve(dir), sink, (line) => process.stderr.write(`${line}\n`));
        const note = r.error ? `; ${r.pending} still pending: ${r.error.message}` : '';
        console.log(`${dir}: delivered ${r.delivered} record(s) to ${sink.display}${r.skipped ? `, ${r.skipped} refused by the server` : ''}${note}`);
        if (r.error) failed++;
      }
      if (failed > 0) process.exitCode = 1;
    });
}
