import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { resolveOrThrow } from '../../src/core/spec/resolve.js';
import { runExperiment } from '../../src/core/run/orchestrator.js';
import { planStages } from '../../src/core/spec/expand.js';
import { tempDir } from '../helpers.js';

const PAPER = 'experiments/paper';
/** The paper's stage widths and output sizes, from the reference code (shared/notes/paper.md). */
const EXPECTED: Record<string, [number, number][]> = {
  'cifar10_k1.yaml': [[256, 32], [256, 32], [512, 16], [512, 16], [1024, 8]],
  'cifar10_k2.yaml': [[128, 32], [128, 32], [256, 16], [256, 16]],
  'cifar10_k3.yaml': [[128, 32], [128, 32], [256, 16], [256, 16]],
  'imagenet_k1.yaml': [[256, 112], [256, 112], [512, 56], [1024, 28], [2048, 14], [2048, 14], [4096, 7], [4096, 7]],
  'imagenet_k2.yaml': [[128, 112], [128, 112], [256, 56], [256, 56], [512, 28], [512, 28], [1024, 14], [1024, 14]],
  'imagenet_k3.yaml': [[128, 112], [128, 112], [256, 56], [256, 56], [512, 28], [512, 28], [1024, 14], [1024, 14]],
};

describe('paper experiments', () => {
  for (const [file, stages] of Object.entries(EXPECTED)) {
    it(`${file} has the paper's widths and resolutions`, async () => {
      const size = file.startsWith('cifar') ? 32 : 224;
      const { spec } = await resolveOrThrow(path.join(PAPER, file), { sets: [`dataset={type: synthetic, image_size: ${size}}`] });
      assert.deepEqual(planStages(spec, [size, size, 3]).map((p) => [p.width, p.outSpatial]), stages);
    });
  }

  it('every paper spec is covered above', () => {
    const models = readdirSync(PAPER).filter((f) => !f.includes('base'));
    assert.deepEqual(models.sort(), Object.keys(EXPECTED).sort());
  });
});

describe('paper experiments at reduced size @slow', function () {
  this.timeout(300_000);
  for (const file of Object.keys(EXPECTED)) {
    it(`${file}: one batch per stage, width 4, synthetic images of the paper's geometry`, async () => {
      const size = file.startsWith('cifar') ? 32 : 64;
      const dir = tempDir();
      const { spec, registry } = await resolveOrThrow(path.join(PAPER, file), { sets: [
        `dataset={type: synthetic, image_size: ${size}, num_classes: 10, train_count: 8, test_count: 4}`,
        'model.width=4', 'training.epochs=1', 'training.max_steps_per_epoch=1', 'training.batch_size=4', 'training.eval_batch_size=4',
        'tracking.enabled=false', `output_dir=${dir}`,
      ] });
      const summary = await runExperiment({ spec, registry, runDir: path.join(dir, 'run'), log: () => {} });
      assert.equal(summary.status, 'finished');
      assert.equal(summary.stages.length, EXPECTED[file]!.length);
      assert.ok(summary.stages.every((s) => s.history.length === 1 && Number.isFinite(s.train_loss)));
    });
  }
});
