import { Command, CommanderError } from 'commander';
import { BACKENDS, BackendError, formatBackendInfo, loadBackend, type BackendName } from '../backend.js';

export async function main(argv: string[]): Promise<number> {
  const program = new Command('layerwise')
    .description('Greedy layer-wise training of CNNs from declarative YAML experiments')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command('backend')
    .description('load the compute backend and print its versions and thread settings')
    .option('--backend <name>', `one of ${BACKENDS.join(', ')}`, 'tensorflow')
    .action(async (opts: { backend: BackendName }) => {
      const { info } = await loadBackend(opts.backend);
      console.log(formatBackendInfo(info));
    });

  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof BackendError) {
      process.stderr.write(`layerwise: ${error.message}\n`);
      return 3;
    }
    throw error;
  }
}
