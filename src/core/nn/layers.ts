import type * as tfc from '@tensorflow/tfjs';
import type { Tf } from '../backend.js';
import { Rng } from '../rng.js';
import { variableFrom, type Layer, type NamedVariable } from './module.js';

/** PyTorch's default init for conv and linear layers: U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
function uniformFanIn(rng: Rng, size: number, fanIn: number): Float32Array {
  const bound = 1 / Math.sqrt(fanIn);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = rng.uniform(-bound, bound);
  return values;
}

export class Conv2d implements Layer {
  private readonly weight: tfc.Variable;
  private readonly bias: tfc.Variable | null;

  constructor(
    private readonly tf: Tf,
    rng: Rng,
    inChannels: number,
    readonly outChannels: number,
    opts: { kernel?: number; stride?: number; bias?: boolean; padding?: 'same' | 'valid' } = {},
  ) {
    this.kernel = opts.kernel ?? 3;
    this.stride = opts.stride ?? 1;
    this.padding = opts.padding ?? 'same';
    const fanIn = inChannels * this.kernel * this.kernel;
    const shape = [this.kernel, this.kernel, inChannels, outChannels];
    this.weight = variableFrom(tf, uniformFanIn(rng, shape.reduce((a, b) => a * b), fanIn), shape);
    this.bias = opts.bias ? variableFrom(tf, uniformFanIn(rng, outChannels, fanIn), [outChannels]) : null;
  }

  private readonly kernel: number;
  private readonly stride: number;
  private readonly padding: 'same' | 'valid';

  params(): NamedVariable[] {
    return [{ name: 'weight', variable: this.weight }, ...(this.bias ? [{ name: 'bias', variable: this.bias }] : [])];
  }
  buffers(): NamedVariable[] {
    return [];
  }
  forward(x: tfc.Tensor): tfc.Tensor {
    const y = this.tf.conv2d(x as tfc.Tensor4D, this.weight as tfc.Tensor4D, this.stride, this.padding);
    return this.bias ? this.tf.add(y, this.bias) : y;
  }
  outputShape([h, w]: number[]): number[] {
    const out = (n: number) => (this.padding === 'same' ? Math.ceil(n / this.stride) : Math.floor((n - this.kernel) / this.stride) + 1);
    return [out(h!), out(w!), this.outChannels];
  }
}

/**
 * Batch normalisation with PyTorch's semantics: `momentum` is the weight of the new batch statistic
 * (0.1 in PyTorch, i.e. tfjs' 0.9), the running variance uses the unbiased batch variance, and the
 * batch itself is normalised with the biased one.
 */
export class BatchNorm implements Layer {
  private readonly gamma: tfc.Variable;
  private readonly beta: tfc.Variable;
  private readonly runningMean: tfc.Variable;
  private readonly runningVar: tfc.Variable;

  constructor(
    private readonly tf: Tf,
    channels: number,
    private readonly momentum = 0.1,
    private readonly epsilon = 1e-5,
  ) {
    this.gamma = variableFrom(tf, new Float32Array(channels).fill(1), [channels]);
    this.beta = variableFrom(tf, new Float32Array(channels), [channels]);
    this.runningMean = variableFrom(tf, new Float32Array(channels), [channels], false);
    this.runningVar = variableFrom(tf, new Float32Array(channels).fill(1), [channels], false);
  }

  params(): NamedVariable[] {
    return [{ name: 'gamma', variable: this.gamma }, { name: 'beta', variable: this.beta }];
  }
  buffers(): NamedVariable[] {
    return [{ name: 'running_mean', variable: this.runningMean }, { name: 'running_var', variable: this.runningVar }];
  }
  forward(x: tfc.Tensor, training: boolean): tfc.Tensor {
    const tf = this.tf;
    if (!training) return tf.batchNorm(x, this.runningMean, this.runningVar, this.beta, this.gamma, this.epsilon);
    return batchNormTrain(tf, x, this.gamma, this.beta, this.epsilon, (mean, variance, n) => {
      const m = this.momentum;
      this.runningMean.assign(tf.add(tf.mul(this.runningMean, 1 - m), tf.mul(mean, m)));
      this.runningVar.assign(tf.add(tf.mul(this.runningVar, 1 - m), tf.mul(variance, (m * n) / Math.max(n - 1, 1))));
    });
  }
  outputShape(input: number[]): number[] {
    return input;
  }
}

/**
 * Training-mode batch norm over all axes but the last, with its backward pass written out:
 * dx = gamma / sigma * (dy - mean(dy) - xhat * mean(dy * xhat)). TensorFlow.js' own gradient of
 * tf.moments builds ones(x.shape) in JavaScript at every step, which costs more than the conv.
 * `onStats` receives the batch mean and biased variance (for running statistics).
 */
export function batchNormTrain(
  tf: Tf, x: tfc.Tensor, gamma: tfc.Tensor, beta: tfc.Tensor, epsilon: number,
  onStats: (mean: tfc.Tensor, variance: tfc.Tensor, count: number) => void,
): tfc.Tensor {
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const count = x.size / x.shape[x.shape.length - 1]!;
  const f = tf.customGrad((...args: unknown[]) => {
    const [input, g, b, save] = args as [tfc.Tensor, tfc.Tensor, tfc.Tensor, (t: tfc.Tensor[]) => void];
    const { mean, variance } = tf.moments(input, axes);
    tf.tidy(() => onStats(mean, variance, count));
    const invStd = tf.rsqrt(tf.add(variance, epsilon));
    const xhat = tf.mul(tf.sub(input, mean), invStd);
    save([xhat, invStd, g]);
    return {
      value: tf.add(tf.mul(xhat, g), b),
      gradFunc: (dy: tfc.Tensor | tfc.Tensor[], saved: tfc.Tensor[]) => {
        const [xh, inv, gm] = saved as [tfc.Tensor, tfc.Tensor, tfc.Tensor];
        const d = dy as tfc.Tensor;
        const dxhat = tf.mul(d, gm);
        const dx = tf.mul(inv, tf.sub(tf.sub(dxhat, tf.mean(dxhat, axes)), tf.mul(xh, tf.mean(tf.mul(dxhat, xh), axes))));
        return [dx, tf.sum(tf.mul(d, xh), axes), tf.sum(d, axes)];
      },
    };
  });
  return f(x, gamma, beta);
}

export class Dense implements Layer {
  private readonly weight: tfc.Variable;
  private readonly bias: tfc.Variable | null;

  constructor(private readonly tf: Tf, rng: Rng, inFeatures: number, readonly units: number, bias = true) {
    this.weight = variableFrom(tf, uniformFanIn(rng, inFeatures * units, inFeatures), [inFeatures, units]);
    this.bias = bias ? variableFrom(tf, uniformFanIn(rng, units, inFeatures), [units]) : null;
  }
  params(): NamedVariable[] {
    return [{ name: 'weight', variable: this.weight }, ...(this.bias ? [{ name: 'bias', variable: this.bias }] : [])];
  }
  buffers(): NamedVariable[] {
    return [];
  }
  forward(x: tfc.Tensor): tfc.Tensor {
    const y = this.tf.matMul(x as tfc.Tensor2D, this.weight as tfc.Tensor2D);
    return this.bias ? this.tf.add(y, this.bias) : y;
  }
  outputShape(): number[] {
    return [this.units];
  }
}

/** A stateless layer from a function. */
export class Fn implements Layer {
  constructor(
    private readonly fn: (x: tfc.Tensor) => tfc.Tensor,
    private readonly shapeFn: (input: number[]) => number[] = (s) => s,
  ) {}
  params(): NamedVariable[] {
    return [];
  }
  buffers(): NamedVariable[] {
    return [];
  }
  forward(x: tfc.Tensor): tfc.Tensor {
    return this.fn(x);
  }
  outputShape(input: number[]): number[] {
    return this.shapeFn(input);
  }
}

/**
 * ReLU with its gradient written out, dy * (y > 0): tfjs-node's Step kernel (which TF.js uses for
 * ReLU's gradient) runs six ops and fills ones(x.shape) in JavaScript on every backward pass.
 */
export function reluWithGrad(tf: Tf, x: tfc.Tensor): tfc.Tensor {
  const f = tf.customGrad((...args: unknown[]) => {
    const [input, save] = args as [tfc.Tensor, (t: tfc.Tensor[]) => void];
    const y = tf.relu(input);
    save([y]);
    return { value: y, gradFunc: (dy: tfc.Tensor | tfc.Tensor[], [out]: tfc.Tensor[]) => tf.mul(dy as tfc.Tensor, tf.cast(tf.greater(out!, 0), 'float32')) };
  });
  return f(x);
}
export const relu = (tf: Tf) => new Fn((x) => reluWithGrad(tf, x));
export const flatten = (tf: Tf) => new Fn((x) => tf.reshape(x, [x.shape[0]!, -1]), (s) => [s.reduce((a, b) => a * b, 1)]);
/** Average over all positions, as a full-size avgPool: its gradient is native (tf.mean's builds ones in JS). */
export const globalAvgPool = (tf: Tf) =>
  new Fn((x) => tf.reshape(tf.avgPool(x as tfc.Tensor4D, [x.shape[1]!, x.shape[2]!], 1, 'valid'), [x.shape[0]!, x.shape[3]!]), (s) => [s[2]!]);

/**
 * Invertible downsampling (the paper's psi, TF's space_to_depth in NHWC): each 2x2 spatial patch becomes
 * 4x the channels, with output channel (dy * 2 + dx) * C + c.
 */
export function spaceToDepth(tf: Tf, x: tfc.Tensor): tfc.Tensor {
  const [b, h, w, c] = x.shape as [number, number, number, number];
  const blocks = tf.reshape(x, [b, h / 2, 2, w / 2, 2, c]);
  return tf.reshape(tf.transpose(blocks, [0, 1, 3, 2, 4, 5]), [b, h / 2, w / 2, 4 * c]);
}
export const spaceToDepthLayer = (tf: Tf) =>
  new Fn((x) => spaceToDepth(tf, x), ([h, w, c]) => [h! / 2, w! / 2, c! * 4]);

/** Average pooling with kernel = stride = floor(size / target), VALID: the reference code's fixed pooling. */
export function avgPoolTo(tf: Tf, target: number) {
  return new Fn(
    (x) => {
      const k = Math.floor(x.shape[1]! / target);
      return k === 1 && x.shape[1] === target ? x : tf.avgPool(x as tfc.Tensor4D, k, k, 'valid');
    },
    ([h, w, c]) => [Math.floor(h! / Math.floor(h! / target)), Math.floor(w! / Math.floor(w! / target)), c!],
  );
}
