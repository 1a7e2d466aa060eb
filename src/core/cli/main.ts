import { Command, CommanderError } from 'commander';
import { BACKENDS, BackendError, formatBackendInfo, loadBackend, type BackendName } from '../backend.js';
import { SpecError } from '../spec/errors.js';
import { LAYERWISE_VERSION } from '../version.js';
import { UsageError } from './common.js';
import { registerSpecCommands } from './spec_commands.js';
import { registerRunCommands } from './run_commands.js';
import { registerSyncCommand } from './sync_command.js';
import { registerGridCommand } from './grid_command.js';

/** Exit codes: 0 ok, 1 a run or trial failed, 2 bad input (spec, arguments), 3 backend unavailable, 130 interrupted. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('layerwise')
    .description('Greedy layer-wise training of CNNs from declarative YAML experiments')
    .version(LAYERWISE_VERSION)
    .exitOverride()
    .showHelpAfterError()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command('backend')
    .description('load the compute backend and print its versions and thread settings')
    .option('--backend <name>', `one of ${BACKENDS.join(', ')}`, 'tensorflow')
    .action(async (opts: { backend: BackendName }) => {
      const { info } = await loadBackend(opts.backend);
      console.log(formatBackendInfo(info));
    });
  registerSpecCommands(program);
  registerRunCommands(program);
  registerGridCommand(program);
  registerSyncCommand(program);

  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof UsageError) {
      if (error.message) process.stderr.write(`layerwise: ${error.message}\n`);
      return 2;
    }
    if (error instanceof SpecError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    if (error instanceof BackendError) {
      process.stderr.write(`layerwise: ${error.message}\n`);
      return 3;
    }
    throw error;
  }
}
