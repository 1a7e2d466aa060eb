import assert from 'node:assert/strict';
import path from 'node:path';
import { formatProblem } from '../../../src/core/spec/errors.js';
import { resolveSpecFile } from '../../../src/core/spec/resolve.js';
import { tempDir } from '../../helpers.js';

/** A schedule defined outside layerwise, as a user's plugin module (plain JSON Schema params). */
const PLUGIN = `export default {
  kind: 'schedule',
  name: 'halving',
  summary: 'multiplies the rate by factor every epoch',
  params: { type: 'object', properties: { factor: { type: 'number', exclusiveMinimum: 0, default: 0.5, description: 'per-epoch factor' } } },
  create: (p) => ({ lrAt: (epoch, lr) => lr * p.factor ** epoch }),
};
`;

/** Resolves `file` in `dir` with the working directory set to `cwd` (default: dir). */
async function resolveIn(dir: string, file: string, sets: string[] = [], cwd = dir) {
  const before = process.cwd();
  process.chdir(cwd);
  try {
    return await resolveSpecFile(path.join(dir, file), { sets });
  } finally {
    process.chdir(before);
  }
}

describe('spec composition', () => {
  it('extends: bases merge in order, mappings key by key, lists replaced, a changed component type replaced whole', async () => {
    const dir = tempDir({
      'a.yaml': 'name: a\ndataset: {type: synthetic, image_size: 8}\nmodel: {stages: 3, downsample_at: [1, 2], head: {type: aux_conv, hidden_layers: 2, width: 32}}\n',
      'b.yaml': 'training: {optimizer: {type: sgd, lr: 0.2, momentum: 0.5}}\n',
      's.yaml': 'extends: [a.yaml, b.yaml]\nname: s\nmodel: {downsample_at: [2], head: {hidden_layers: 1}}\ntraining: {optimizer: {type: adam}}\n',
    });
    const { spec, problems } = await resolveIn(dir, 's.yaml');
    assert.deepEqual(problems, []);
    assert.equal(spec!.name, 's');
    assert.equal(spec!.model.stages, 3);
    assert.deepEqual(spec!.model.downsample_at, [2]);
    assert.equal(spec!.model.head.hidden_layers, 1);
    assert.equal(spec!.model.head.width, 32);
    assert.equal(spec!.training.optimizer.type, 'adam');
    assert.equal(spec!.training.optimizer.momentum, undefined, 'sgd params do not leak into adam');
    assert.equal(spec!.training.optimizer.lr, 0.001, 'adam default lr, not sgd\'s 0.2');
  });

  it('--set applies after defaults (tuning the default component) and NAME=component switches it, as Hydra does', async () => {
    const dir = tempDir({ 's.yaml': 'name: s\ndataset: {type: synthetic}\n' });
    const tuned = await resolveIn(dir, 's.yaml', ['training.optimizer.lr=0.05', 'model.head=linear']);
    assert.deepEqual(tuned.problems, []);
    assert.deepEqual(tuned.spec!.training.optimizer, { type: 'sgd', lr: 0.05, momentum: 0.9, dampening: 0, nesterov: false, weight_decay: 0 });
    assert.deepEqual(Object.keys(tuned.spec!.model.head), ['type', 'bias']);
  });

  it('relative paths: a file\'s are relative to that file, --set\'s to the working directory', async () => {
    const dir = tempDir({
      'base/b.yaml': 'dataset: {type: cifar10, path: data/cifar}\nplugins: [halving.mjs]\n',
      'base/halving.mjs': PLUGIN,
      's.yaml': 'extends: base/b.yaml\nname: s\n',
      'elsewhere/halving.mjs': PLUGIN,
    });
    const fromFiles = await resolveIn(dir, 's.yaml');
    assert.deepEqual(fromFiles.problems, []);
    assert.equal(fromFiles.spec!.dataset.path, path.join(dir, 'base/data/cifar'));
    assert.deepEqual(fromFiles.spec!.plugins, [path.join(dir, 'base/halving.mjs')]);

    const cwd = path.join(dir, 'elsewhere');
    const fromSets = await resolveIn(dir, 's.yaml', ['dataset.path=cifar', 'plugins=[halving.mjs]'], cwd);
    assert.deepEqual(fromSets.problems, []);
    assert.equal(fromSets.spec!.dataset.path, path.join(cwd, 'cifar'));
    assert.deepEqual(fromSets.spec!.plugins, [path.join(cwd, 'halving.mjs')]);
    const switched = await resolveIn(dir, 's.yaml', ['dataset={type: cifar10, path: c10}'], cwd);
    assert.equal(switched.spec!.dataset.path, path.join(cwd, 'c10'));
  });

  it('plugins: a user\'s component is registered, in the schema, checked like a built-in and built from the spec', async () => {
    const spec = (schedule: string) => `name: s\nplugins: [./halving.mjs]\ndataset: {type: synthetic}\ntraining:\n  schedule: ${schedule}\n`;
    const dir = tempDir({ 'halving.mjs': PLUGIN, 's.yaml': spec('{type: halving, factr: 0.25}'), 'good.yaml': spec('{type: halving, factor: 0.25}') });
    const bad = await resolveIn(dir, 's.yaml');
    assert.deepEqual(bad.problems.map(formatProblem), [
      "s.yaml:5:29: training.schedule.factr: unknown key 'factr'; expected one of: type, factor. Did you mean 'factor'?",
    ]);
    const good = await resolveIn(dir, 'good.yaml');
    assert.deepEqual(good.problems, []);
    const { type, ...params } = good.spec!.training.schedule;
    const schedule = good.registry.get('schedule', type).create(params as never, { resolveNested: () => assert.fail() }) as { lrAt: (e: number, lr: number) => number };
    assert.deepEqual([0, 1, 2].map((e) => schedule.lrAt(e, 1)), [1, 0.25, 0.0625]);
    assert.ok(good.registry.names('schedule').includes('halving'));
  });
});
