import type * as tfc from '@tensorflow/tfjs';
import type { Tf } from '../backend.js';

/** A named TensorFlow variable; names are paths like `conv.weight` and key checkpoints. */
export interface NamedVariable {
  name: string;
  variable: tfc.Variable;
}

/**
 * A network piece built from tf ops and variables. `params` are trained; `buffers` are state that is
 * not trained (BatchNorm running statistics) but is checkpointed.
 */
export interface Module {
  readonly name: string;
  params(): NamedVariable[];
  buffers(): NamedVariable[];
  /** NHWC in, NHWC (blocks) or logits (heads) out. */
  forward(x: tfc.Tensor, training: boolean): tfc.Tensor;
  /** [height, width, channels] of the output for an NHWC input of the given shape. */
  outputShape(input: Shape3): number[];
  dispose(): void;
}

export type Shape3 = [number, number, number];

export interface Layer {
  params(): NamedVariable[];
  buffers(): NamedVariable[];
  forward(x: tfc.Tensor, training: boolean): tfc.Tensor;
  outputShape(input: number[]): number[];
}

/** Applies layers in order; the common body of blocks and heads. */
export class Sequential implements Module {
  constructor(
    readonly name: string,
    private readonly layers: [string, Layer][],
  ) {}

  params(): NamedVariable[] {
    return this.layers.flatMap(([n, l]) => l.params().map((v) => ({ name: `${n}.${v.name}`, variable: v.variable })));
  }

  buffers(): NamedVariable[] {
    return this.layers.flatMap(([n, l]) => l.buffers().map((v) => ({ name: `${n}.${v.name}`, variable: v.variable })));
  }

  /** Call inside tf.tidy or a gradient function: intermediates are left for them to free. */
  forward(x: tfc.Tensor, training: boolean): tfc.Tensor {
    return this.layers.reduce((out, [, layer]) => layer.forward(out, training), x);
  }

  outputShape(input: Shape3): number[] {
    return this.layers.reduce<number[]>((shape, [, l]) => l.outputShape(shape), input);
  }

  dispose(): void {
    for (const v of [...this.params(), ...this.buffers()]) v.variable.dispose();
  }
}

/** Creates a variable from values computed in JS (seeded), so initialisation is reproducible. */
export function variableFrom(tf: Tf, values: Float32Array, shape: number[], trainable = true): tfc.Variable {
  return tf.tidy(() => tf.variable(tf.tensor(values, shape, 'float32'), trainable));
}

/**
 * Runs `f` in tf.tidy and returns its tensor's values, freeing the tensor. (Never return a typed array
 * from tf.tidy itself: it walks its result looking for tensors, one element at a time.)
 */
export function readTidy(tf: Tf, f: () => tfc.Tensor): Float32Array {
  const t = tf.tidy(f);
  try {
    return t.dataSync() as Float32Array;
  } finally {
    t.dispose();
  }
}
