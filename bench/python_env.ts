import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * A Python virtual environment for the comparison benchmarks, with the tensorflow-cpu wheel that
 * layerwise takes libtensorflow from (same version). Created once.
 */
export function benchPython(): string {
  const venv = path.resolve('.cache/bench-venv');
  const python = path.join(venv, 'bin', 'python');
  if (!existsSync(path.join(venv, '.complete'))) {
    const tfVersion = process.env.LAYERWISE_TF_VERSION ?? '2.21.0';
    console.error(`[bench] creating ${venv} with tensorflow-cpu==${tfVersion}, once`);
    execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
    execFileSync(python, ['-m', 'pip', 'install', '--quiet', `tensorflow-cpu==${tfVersion}`], { stdio: 'inherit' });
    execFileSync('touch', [path.join(venv, '.complete')]);
  }
  return python;
}
