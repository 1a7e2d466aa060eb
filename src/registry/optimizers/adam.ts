import { Type } from '@sinclair/typebox';
import type * as tfc from '@tensorflow/tfjs';
import { defineComponent } from '../component.js';
import { SlotOptimizer } from '../../core/nn/optimizer.js';
import type { Tf } from '../../core/backend.js';

export const AdamParams = Type.Object({
  lr: Type.Number({ exclusiveMinimum: 0, default: 1e-3, description: 'base learning rate' }),
  beta1: Type.Number({ minimum: 0, exclusiveMaximum: 1, default: 0.9, description: 'decay of the first moment' }),
  beta2: Type.Number({ minimum: 0, exclusiveMaximum: 1, default: 0.999, description: 'decay of the second moment' }),
  epsilon: Type.Number({ exclusiveMinimum: 0, default: 1e-8, description: 'added to the denominator' }),
  weight_decay: Type.Number({ minimum: 0, default: 0, description: 'L2 penalty added to the gradient (coupled, as torch.optim.Adam)' }),
}, { additionalProperties: false });

export interface AdamOptions {
  beta1: number;
  beta2: number;
  epsilon: number;
  weight_decay: number;
  /** true: AdamW's decoupled decay w -= lr*wd*w; false: Adam's L2 term in the gradient. */
  decoupled: boolean;
}

/** Adam and AdamW with PyTorch's bias correction and epsilon placement. */
export class Adam extends SlotOptimizer {
  constructor(tf: Tf, private readonly p: AdamOptions) {
    super(tf, 2);
  }
  protected update(v: tfc.Variable, grad: tfc.Tensor, [m, s]: tfc.Variable[], lr: number): void {
    const { tf, p } = this;
    let g = grad;
    if (p.weight_decay > 0 && !p.decoupled) g = tf.add(g, tf.mul(v, p.weight_decay));
    if (p.weight_decay > 0 && p.decoupled) v.assign(tf.mul(v, 1 - lr * p.weight_decay));
    m!.assign(tf.add(tf.mul(m!, p.beta1), tf.mul(g, 1 - p.beta1)));
    s!.assign(tf.add(tf.mul(s!, p.beta2), tf.mul(tf.square(g), 1 - p.beta2)));
    const c1 = 1 - p.beta1 ** this.step;
    const c2 = 1 - p.beta2 ** this.step;
    const denom = tf.add(tf.div(tf.sqrt(s!), Math.sqrt(c2)), p.epsilon);
    v.assign(tf.sub(v, tf.mul(tf.div(m!, denom), lr / c1)));
  }
}

export default defineComponent({
  kind: 'optimizer',
  name: 'adam',
  summary: 'Adam (L2 weight decay in the gradient, as torch.optim.Adam)',
  params: AdamParams,
  create: (p, ctx) => new Adam(ctx.tf, { ...p, decoupled: false }),
});
