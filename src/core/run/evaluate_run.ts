import path from 'node:path';
import { loadBackend } from '../backend.js';
import type { Dataset } from '../data/dataset.js';
import { resolveOrThrow } from '../spec/resolve.js';
import { planStages } from '../spec/expand.js';
import { Network } from '../train/network.js';
import { PrefixInput } from '../train/stage_input.js';
import { accuracyOf, ensembleLogits, evaluate } from '../train/trainer.js';
import { loadVariables } from './checkpoint.js';

export interface EvalResult {
  run_dir: string;
  test_images: number;
  final_test_accuracy: number;
  /** Per stage: its head's accuracy (greedy models only). */
  stage_test_accuracy: number[];
  ensemble_test_accuracy: number | null;
}

/** Loads a finished run's saved model and measures it on the test split. */
export async function evaluateRun(runDir: string): Promise<EvalResult> {
  const modelDir = path.join(runDir, 'model');
  const { spec, registry } = await resolveOrThrow(path.join(modelDir, 'resolved.yaml'));
  const { tf } = await loadBackend(spec.backend);
  const { type, ...params } = spec.dataset;
  const ds = (await registry.get('dataset', type).create(params as never, { seed: spec.seed, baseDir: runDir })) as Dataset;
  const net = new Network(tf, registry, planStages(spec, ds.shape), ds.shape, spec.model.input_downsample, ds.numClasses, spec.seed);
  try {
    net.plans.forEach((p) => net.addStage(p.index));
    const { meta } = loadVariables(tf, net, net.plans.map((p) => p.index), path.join(modelDir, 'weights.lwt'));
    const input = new PrefixInput(tf, ds, net, 0);
    const upTo = (j: number) => evaluate(tf, ds, input, [...net.blocks.slice(0, j + 1), net.heads[j]!], spec.training.eval_batch_size);
    const last = net.plans.length - 1;
    if (meta.mode === 'end_to_end') {
      return { run_dir: runDir, test_images: ds.test.count, final_test_accuracy: upTo(last).accuracy, stage_test_accuracy: [], ensemble_test_accuracy: null };
    }
    // The final model is the blocks and the last head: the last stage's evaluation.
    const perStage = net.plans.map((p) => upTo(p.index));
    return {
      run_dir: runDir,
      test_images: ds.test.count,
      final_test_accuracy: perStage[last]!.accuracy,
      stage_test_accuracy: perStage.map((r) => r.accuracy),
      ensemble_test_accuracy: accuracyOf(ensembleLogits(perStage.map((r) => r.logits)), ds.test.labels, ds.numClasses),
    };
  } finally {
    net.dispose();
  }
}
