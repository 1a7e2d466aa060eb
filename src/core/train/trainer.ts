import type * as tfc from '@tensorflow/tfjs';
import type { Tf } from '../backend.js';
import type { Dataset } from '../data/dataset.js';
import { batchIndices, labelsAt } from '../data/batches.js';
import { readTidy, type Module } from '../nn/module.js';
import type { Optimizer } from '../nn/optimizer.js';
import type { Rng } from '../rng.js';
import type { BatchStats } from '../run/progress.js';
import { Interrupted, NonFiniteLossError } from '../run/stop_signal.js';
import type { StageInput } from './stage_input.js';

export interface EpochOptions {
  tf: Tf;
  ds: Dataset;
  input: StageInput;
  /** Applied in order on the input; the last one is the head. All are in training mode. */
  modules: Module[];
  optimizer: Optimizer;
  lr: number;
  batchSize: number;
  maxSteps: number | null;
  order: Rng;
  augment: Rng | null;
  stage: number;
  epoch: number;
  shouldStop: () => boolean;
  onBatch: (s: BatchStats) => void;
}

export interface EpochResult {
  loss: number;
  accuracy: number;
  images: number;
  seconds: number;
}

/**
 * One pass over the training split: forward, cross-entropy, gradients of the modules' params, update.
 * Yields to the event loop after each batch so signals (Ctrl-C) and tracking requests get through.
 */
export async function trainEpoch(o: EpochOptions): Promise<EpochResult> {
  const { tf } = o;
  const vars = o.modules.flatMap((m) => m.params().map((p) => p.variable));
  const start = performance.now();
  let [lossSum, correctSum, images, step] = [0, 0, 0, 0];
  for (const indices of batchIndices(o.ds.train.count, o.batchSize, o.order)) {
    if (o.maxSteps !== null && step >= o.maxSteps) break;
    if (o.shouldStop()) throw new Interrupted();
    const labels = tf.tensor1d(labelsAt(o.ds.train, indices), 'int32');
    const x = o.input.train(indices, o.augment);
    let correct: tfc.Tensor | null = null;
    const { value, grads } = tf.variableGrads(() => {
      const logits = o.modules.reduce((h, m) => m.forward(h, true), x as tfc.Tensor) as tfc.Tensor2D;
      correct = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32')));
      return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, o.ds.numClasses), logits) as tfc.Scalar;
    }, vars);
    const [loss, hits] = readTidy(tf, () => tf.stack([value, correct!]));
    tf.dispose([x, labels, value, correct!]);
    if (!Number.isFinite(loss!)) {
      tf.dispose(Object.values(grads));
      throw new NonFiniteLossError(o.stage, o.epoch, step, loss!);
    }
    o.optimizer.apply(vars, vars.map((v) => grads[v.name]!), o.lr);
    tf.dispose(Object.values(grads));
    lossSum += loss! * indices.length;
    correctSum += hits!;
    images += indices.length;
    step++;
    const seconds = (performance.now() - start) / 1000;
    o.onBatch({ batch: step, loss: lossSum / images, accuracy: correctSum / images, imagesPerSecond: images / seconds });
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { loss: lossSum / Math.max(images, 1), accuracy: correctSum / Math.max(images, 1), images, seconds: (performance.now() - start) / 1000 };
}

/** Test accuracy of the modules (inference mode) on the input, and the logits for the ensemble. */
export function evaluate(tf: Tf, ds: Dataset, input: StageInput, modules: Module[], batchSize: number): { accuracy: number; logits: Float32Array } {
  const logits = new Float32Array(ds.test.count * ds.numClasses);
  let offset = 0;
  for (const indices of batchIndices(ds.test.count, batchSize, null)) {
    const out = readTidy(tf, () => modules.reduce((h, m) => m.forward(h, false), input.test(indices) as tfc.Tensor));
    logits.set(out, offset);
    offset += out.length;
  }
  return { accuracy: accuracyOf(logits, ds.test.labels, ds.numClasses), logits };
}

export function accuracyOf(logits: Float32Array, labels: Int32Array, classes: number): number {
  let correct = 0;
  for (let n = 0; n < labels.length; n++) {
    let best = 0;
    for (let k = 1; k < classes; k++) if (logits[n * classes + k]! > logits[n * classes + best]!) best = k;
    if (best === labels[n]) correct++;
  }
  return correct / Math.max(labels.length, 1);
}

/** The paper's ensemble of stage heads: logits weighted 2^j (normalised), as the reference code does for CIFAR. */
export function ensembleLogits(stageLogits: Float32Array[]): Float32Array {
  const out = new Float32Array(stageLogits[0]!.length);
  const total = stageLogits.reduce((s, _, j) => s + 2 ** j, 0);
  stageLogits.forEach((l, j) => {
    const w = 2 ** j / total;
    for (let i = 0; i < out.length; i++) out[i]! += w * l[i]!;
  });
  return out;
}
