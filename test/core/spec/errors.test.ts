import assert from 'node:assert/strict';
import path from 'node:path';
import { formatProblem } from '../../../src/core/spec/errors.js';
import { resolveSpecFile } from '../../../src/core/spec/resolve.js';
import { tempDir } from '../../helpers.js';

const GOOD = `name: t
dataset: {type: synthetic}
model:
  stages: 2
  head: {type: aux_conv, hidden_layers: 1}
training:
  optimizer: {type: sgd, lr: 0.1}
`;

interface Case {
  name: string;
  files: Record<string, string>;
  sets?: string[];
  /** Expected problems as FILE:LINE:COL: path: message, FILE relative to the temp dir. */
  expected: string[];
}

const cases: Case[] = [
  {
    name: 'unknown key, with a suggestion',
    files: { 's.yaml': GOOD.replace('lr: 0.1', 'lerning_rate: 0.1') },
    expected: ["s.yaml:7:26: training.optimizer.lerning_rate: unknown key 'lerning_rate'; expected one of: type, lr, momentum, dampening, nesterov, weight_decay. Did you mean 'lr'?"],
  },
  {
    name: 'misspelt component',
    files: { 's.yaml': GOOD.replace('type: aux_conv', 'type: aux_cnv') },
    expected: ["s.yaml:5:16: model.head.type: unknown head 'aux_cnv'; registered heads: aux_conv, linear, mlp. Did you mean 'aux_conv'?"],
  },
  {
    name: 'wrong type',
    files: { 's.yaml': GOOD.replace('stages: 2', 'stages: two') },
    expected: ["s.yaml:4:11: model.stages: expected an integer >= 1 and <= 64, got 'two'"],
  },
  {
    name: 'out of range, and several problems at once',
    files: { 's.yaml': GOOD.replace('hidden_layers: 1', 'hidden_layers: -1').replace('lr: 0.1', 'lr: 0') },
    expected: [
      's.yaml:5:41: model.head.hidden_layers: expected an integer >= 0 and <= 16, got -1',
      's.yaml:7:30: training.optimizer.lr: expected a number > 0, got 0',
    ],
  },
  {
    name: 'enum value with a suggestion',
    files: { 's.yaml': GOOD + 'backend: tensorflw\n' },
    expected: ["s.yaml:8:10: backend: expected one of tensorflow, tensorflow-gpu, cpu, got 'tensorflw'. Did you mean 'tensorflow'?"],
  },
  {
    name: 'missing required key',
    files: { 's.yaml': 'name: t\nmodel: {stages: 2}\n' },
    expected: ["s.yaml:1:1: dataset: missing required key 'dataset' (a dataset mapping with 'type')"],
  },
  {
    name: 'extends: missing file',
    files: { 's.yaml': `extends: base.yaml\n${GOOD}` },
    expected: ['s.yaml:1:10: extends: file not found: base.yaml'],
  },
  {
    name: 'extends: cycle',
    files: { 'a.yaml': `extends: b.yaml\n${GOOD}`, 'b.yaml': 'extends: a.yaml\n' },
    expected: ["b.yaml:1:10: extends: 'extends' forms a cycle: a.yaml -> b.yaml -> a.yaml"],
  },
  {
    name: 'extends: an error in the base is reported in the base',
    files: { 's.yaml': 'extends: base.yaml\nname: t\n', 'base.yaml': GOOD.replace('stages: 2', 'stagez: 2') },
    expected: ["base.yaml:4:3: model.stagez: unknown key 'stagez'; expected one of: stages, width, widths, growth, downsample_at, downsample, input_downsample, block, head, stage_overrides. Did you mean 'stages'?"],
  },
  {
    name: 'bad --set value',
    files: { 's.yaml': GOOD },
    sets: ['training.batch_size=big'],
    expected: ["(--set training.batch_size=big):1:21: training.batch_size: expected an integer >= 1, got 'big'"],
  },
  {
    name: 'bad --set syntax',
    files: { 's.yaml': GOOD },
    sets: ['training.batch_size'],
    expected: ["(--set training.batch_size):1:1: (--set): --set expects KEY.PATH=VALUE (value in YAML), got 'training.batch_size'"],
  },
  {
    name: 'YAML syntax error',
    files: { 's.yaml': 'name: t\ndataset: {type: synthetic\nmodel: {}\n' },
    expected: ['s.yaml:3:1: (yaml): YAML syntax error: Flow map in block collection must be sufficiently indented and end with a }'],
  },
  {
    name: 'duplicate key',
    files: { 's.yaml': GOOD + 'name: u\n' },
    expected: ['s.yaml:8:1: (yaml): YAML syntax error: Map keys must be unique'],
  },
  {
    name: 'cross-field: stage override out of range',
    files: { 's.yaml': GOOD.replace('  stages: 2\n', '  stages: 2\n  stage_overrides: [{stage: 2, width: 8}]\n') },
    expected: ['s.yaml:5:29: model.stage_overrides[0].stage: stage 2 does not exist: the model has 2 stages (0 to 1)'],
  },
  {
    name: 'cross-field: downsampling below the head\'s pooling size',
    files: { 's.yaml': GOOD.replace('  stages: 2\n', '  stages: 2\n  downsample_at: [0, 1]\n').replace('hidden_layers: 1', 'hidden_layers: 1, pool_to: 8') },
    expected: ['s.yaml:6:53: model.head.pool_to: stage 1: the head pools to 8x8 but the block outputs 4x4; lower pool_to or downsample less'],
  },
  {
    name: 'cross-field: a stage override\'s bad param is reported at the override',
    files: { 's.yaml': GOOD.replace('  stages: 2\n', '  stages: 2\n  stage_overrides: [{stage: 1, head: {width_factor: 0}}]\n') },
    expected: ['s.yaml:5:53: model.stage_overrides[0].head.width_factor: expected a number > 0, got 0'],
  },
  {
    name: 'cross-field: a grid axis that names no key',
    files: { 's.yaml': GOOD + 'grid:\n  axes:\n    model.head.hiden_layers: [1, 2]\n' },
    expected: ["s.yaml:10:5: grid.axes.model.head.hiden_layers: 'model.head.hiden_layers' does not name a key of the resolved spec. Did you mean 'hidden_layers'?"],
  },
];

describe('spec errors', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const dir = tempDir(c.files);
      const cwd = process.cwd();
      process.chdir(dir);
      try {
        const r = await resolveSpecFile(path.join(dir, Object.keys(c.files)[0]!), { sets: c.sets });
        assert.equal(r.spec, null);
        assert.deepEqual(r.problems.map(formatProblem), c.expected);
      } finally {
        process.chdir(cwd);
      }
    });
  }

  it('accepts the good spec the table breaks', async () => {
    const dir = tempDir({ 's.yaml': GOOD });
    const r = await resolveSpecFile(path.join(dir, 's.yaml'));
    assert.deepEqual(r.problems, []);
    assert.equal(r.spec?.model.head.pool_to, 2);
  });
});
