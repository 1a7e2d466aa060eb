import type { Tf } from '../backend.js';
import type { Network } from '../train/network.js';
import { readTensorFile, writeTensorFile, type SavedTensor } from './tensor_file.js';

/** Writes the variables of the given stages (and any extra tensors, e.g. optimizer slots) to one file. */
export function saveVariables(net: Network, stages: number[], file: string, extra: SavedTensor[] = [], meta: Record<string, unknown> = {}): void {
  const tensors = net.variables(stages).map((v) => ({ name: v.name, shape: v.variable.shape, data: v.variable.dataSync() as Float32Array }));
  writeTensorFile(file, [...tensors, ...extra], meta);
}

/** Loads the given stages' variables from a file written by saveVariables; returns all it holds. */
export function loadVariables(tf: Tf, net: Network, stages: number[], file: string): ReturnType<typeof readTensorFile> {
  const read = readTensorFile(file);
  const { tensors } = read;
  for (const v of net.variables(stages)) {
    const saved = tensors.get(v.name);
    if (!saved) throw new Error(`${file} has no variable ${v.name}`);
    tf.tidy(() => v.variable.assign(tf.tensor(saved.data, saved.shape)));
  }
  return read;
}

