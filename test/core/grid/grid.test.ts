import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expandGrid } from '../../../src/core/grid/expand.js';
import { formatProblem } from '../../../src/core/spec/errors.js';
import type { RunState } from '../../../src/core/run/run_state.js';
import { tempDir } from '../../helpers.js';

const BASE = `name: g
dataset: {type: synthetic, image_size: 8, train_count: 64, test_count: 32}
model:
  stages: 2
  width: 4
  head: {type: aux_conv}
training: {epochs: 1, batch_size: 32, optimizer: {type: sgd, lr: 0.05}}
tracking: {enabled: false}
`;

function cli(args: string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.resolve('bin/layerwise.js'), ...args], { cwd });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('exit', (code) => resolve({ code: code ?? -1, output }));
  });
}

describe('grid expansion', () => {
  it('crosses axes with a zip group whose axes move together, adds explicit trials, drops exclusions', async () => {
    const dir = tempDir({ 's.yaml': `${BASE}grid:
  axes:
    model.head.hidden_layers: [0, 1]
  zip:
    - model.width: [4, 8, 16]
      model.stages: [1, 2, 3]
  trials:
    - {model.head: {type: linear}}
  exclude:
    - {model.head.hidden_layers: 1, model.width: 16}
` });
    const exp = await expandGrid(path.join(dir, 's.yaml'));
    assert.deepEqual(exp.problems, []);
    assert.deepEqual(exp.trials.map((t) => t.values), [
      { 'model.head.hidden_layers': 0, 'model.width': 4, 'model.stages': 1 },
      { 'model.head.hidden_layers': 0, 'model.width': 8, 'model.stages': 2 },
      { 'model.head.hidden_layers': 0, 'model.width': 16, 'model.stages': 3 },
      { 'model.head.hidden_layers': 1, 'model.width': 4, 'model.stages': 1 },
      { 'model.head.hidden_layers': 1, 'model.width': 8, 'model.stages': 2 },
      { 'model.head': { type: 'linear' } },
    ]);
    assert.deepEqual(exp.trials.map((t) => [t.spec.model.width, t.spec.model.stages, t.spec.model.head.type]),
      [[4, 1, 'aux_conv'], [8, 2, 'aux_conv'], [16, 3, 'aux_conv'], [4, 1, 'aux_conv'], [8, 2, 'aux_conv'], [4, 2, 'linear']]);
    assert.equal(new Set(exp.trials.map((t) => t.id)).size, 6);
    assert.equal(exp.trials[0]!.spec.grid, undefined);
    assert.deepEqual(exp.varying, ['model.head.hidden_layers', 'model.width', 'model.stages', 'model.head']);
  });

  it('gives a trial the same identity in any grid, so adding an axis value keeps the old trials', async () => {
    const small = await expandGrid(path.join(tempDir({ 's.yaml': `${BASE}grid: {axes: {model.width: [4, 8]}}\n` }), 's.yaml'));
    const large = await expandGrid(path.join(tempDir({ 's.yaml': `${BASE}grid: {axes: {model.width: [4, 8, 16]}}\n` }), 's.yaml'));
    assert.deepEqual(large.trials.slice(0, 2).map((t) => t.id), small.trials.map((t) => t.id));
  });

  it('reports an invalid trial with its values at the grid value, before anything runs', async () => {
    const dir = tempDir({ 's.yaml': `${BASE}grid:\n  axes:\n    model.head.hidden_layers: [1, -2]\n    training.batch_size: [32]\n` });
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const exp = await expandGrid('s.yaml');
      assert.deepEqual(exp.problems.map(formatProblem), [
        's.yaml:11:35: model.head.hidden_layers: trial hidden_layers=-2 batch_size=32: expected an integer >= 0 and <= 16, got -2',
      ]);
    } finally {
      process.chdir(cwd);
    }
    const run = await cli(['grid', 's.yaml'], dir);
    assert.equal(run.code, 2);
    assert.match(run.output, /1 problem\(s\) in the grid: nothing was run/);
    assert.ok(!existsSync(path.join(dir, 'runs')));
  });
});

describe('grid runs @slow', function () {
  this.timeout(600_000);

  it('retries a failed trial after the others with --retries; stops the rest (resumably) with --fail-fast', async () => {
    const spec = `${BASE}grid:\n  trials:\n    - {training.optimizer.lr: 1.0e+30}\n    - {model.width: 8}\n`;
    const retried = await cli(['grid', 's.yaml', '--workers', '1', '--retries', '1'], tempDir({ 's.yaml': spec }));
    assert.equal(retried.code, 1, retried.output);
    assert.equal((retried.output.match(/failed \(exit 1\); retrying/g) ?? []).length, 1);
    assert.match(retried.output, /started, retry 1/);
    assert.match(retried.output, /1 finished, 1 failed, 0 interrupted, 0 done before/);

    const dir = tempDir({ 's.yaml': spec });
    const stopped = await cli(['grid', 's.yaml', '--workers', '1', '--fail-fast'], dir);
    assert.equal(stopped.code, 1, stopped.output);
    assert.match(stopped.output, /0 finished, 1 failed, 1 interrupted, 0 done before/);
    const dry = await cli(['grid', 's.yaml', '--dry-run'], dir);
    assert.match(dry.output, /\| failed \|/);
    assert.match(dry.output, /\| pending \|/);
  });

  it('runs trials on 2 workers, completes the others when one fails, and re-runs only the failed one', async () => {
    const dir = tempDir({ 's.yaml': `${BASE}grid:\n  axes:\n    model.width: [4, 8]\n  trials:\n    - {training.optimizer.lr: 1.0e+30}\n` });
    const first = await cli(['grid', 's.yaml', '--workers', '2'], dir);
    assert.equal(first.code, 1, first.output);
    assert.match(first.output, /2 finished, 1 failed, 0 interrupted, 0 done before/);
    const gridDir = path.join(dir, 'runs', 'g', 'grid');
    const results = readFileSync(path.join(gridDir, 'results.md'), 'utf8');
    assert.match(results, /\| best \|/);
    assert.equal((results.match(/\| finished \|/g) ?? []).length, 2);
    assert.equal((results.match(/\| failed \|/g) ?? []).length, 1);
    assert.ok(readFileSync(path.join(gridDir, 'results.csv'), 'utf8').split('\n')[0]!.startsWith('best,trial,model.width,training.optimizer.lr,stage 0 test %'));
    assert.match(readFileSync(path.join(gridDir, 'stage_accuracy.svg'), 'utf8'), /^<svg/);

    const dry = await cli(['grid', 's.yaml', '--dry-run'], dir);
    assert.match(dry.output, /3 trials: 2 finished, 1 to run/);

    const states = () => Object.fromEntries((readFileSync(path.join(gridDir, 'grid.yaml'), 'utf8').match(/id: (\w+)/g) ?? [])
      .map((m) => m.slice(4)).map((id) => [id, JSON.parse(readFileSync(path.join(gridDir, 'trials', id, 'state.json'), 'utf8')) as RunState]));
    const before = states();
    const second = await cli(['grid', 's.yaml', '--workers', '2'], dir);
    assert.equal(second.code, 1, second.output);
    assert.match(second.output, /0 finished, 1 failed, 0 interrupted, 2 done before/);
    const after = states();
    for (const [id, state] of Object.entries(before)) {
      if (state.status === 'finished') assert.equal(after[id]!.updated_at, state.updated_at, `finished trial ${id} ran again`);
      else assert.equal(after[id]!.resumed, state.resumed + 1, `failed trial ${id} was not re-run`);
    }
  });
});
