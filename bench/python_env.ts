import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * A Python virtual environment for the comparison benchmarks: the tensorflow-cpu wheel layerwise takes
 * libtensorflow from (same version) and PyTorch. PyPI's torch is the CUDA build (a few GB with its
 * nvidia-* packages; the CPU-only index is not reachable here); it runs on the CPU. Created once.
 */
export function benchPython(): string {
  const venv = path.resolve('.cache/bench-venv');
  const python = path.join(venv, 'bin', 'python');
  if (!existsSync(path.join(venv, '.complete-torch'))) {
    const tfVersion = process.env.LAYERWISE_TF_VERSION ?? '2.21.0';
    console.error(`[bench] creating ${venv} with tensorflow-cpu==${tfVersion} and torch, once`);
    execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
    execFileSync(python, ['-m', 'pip', 'install', '--quiet', `tensorflow-cpu==${tfVersion}`, 'torch'], { stdio: 'inherit' });
    execFileSync('touch', [path.join(venv, '.complete-torch')]);
  }
  return python;
}
