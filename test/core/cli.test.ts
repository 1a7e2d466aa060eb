import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from '../helpers.js';

const exec = promisify(execFile);
async function cli(args: string[], cwd = process.cwd()): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [path.resolve('bin/layerwise.js'), ...args], { cwd });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('command line', () => {
  it('validate: exit 0 on good specs, 2 with every located problem and no stack trace on bad ones', async () => {
    const dir = tempDir({ 'bad.yaml': 'name: x\ndataset: {type: synthetc}\ntraining: {epochs: 0}\n' });
    const good = await cli(['validate', 'experiments/quickstart.yaml', 'experiments/cpu/k3.yaml']);
    assert.equal(good.code, 0);
    assert.equal(good.stdout, 'experiments/quickstart.yaml: ok\nexperiments/cpu/k3.yaml: ok\n');
    const bad = await cli(['validate', 'bad.yaml'], dir);
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr, "bad.yaml:2:17: dataset.type: unknown dataset 'synthetc'; registered datasets: fashion_mnist, mnist, cifar10, image_folder, synthetic. Did you mean 'synthetic'?\n" +
      'bad.yaml:3:20: training.epochs: expected an integer >= 1, got 0\n1 of 1 spec invalid\n');
  });

  it('validate warns, and run refuses, when a dataset is not on disk', async () => {
    const dir = tempDir({ 's.yaml': 'name: x\ndataset: {type: cifar10, path: ./none}\n' });
    const v = await cli(['validate', 's.yaml'], dir);
    assert.equal(v.code, 0);
    assert.match(v.stderr, /^s\.yaml:2:32: dataset\.path: warning: .*test_batch\.bin not found/);
    const r = await cli(['run', 's.yaml'], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^s\.yaml:2:32: dataset\.path: .*not found/);
  });

  it('list shows components with params and defaults; show --stages prints the stage plan', async () => {
    const list = await cli(['list', 'head']);
    assert.match(list.stdout, /^heads:\n {2}aux_conv: /);
    assert.match(list.stdout, / {6}hidden_layers = 0 {2}\[an integer >= 0 and <= 16\] {2}k-1/);
    const plan = await cli(['show', 'experiments/paper/cifar10_k1.yaml', '--stages']);
    assert.match(plan.stdout, /\| 4 \| conv \| invertible \| 16x16x512 \| 1024 \| 8x8 \| aux_conv hidden_layers=0/);
  });

  it('rejects bad arguments with exit 2', async () => {
    assert.equal((await cli(['run'])).code, 2);
    assert.equal((await cli(['list', 'blocks'])).code, 2);
    assert.equal((await cli(['grid', 'experiments/grids/k.yaml', '--workers', '0'])).code, 2);
  });
});
