import { Type } from '@sinclair/typebox';
import type * as tfc from '@tensorflow/tfjs';
import { defineComponent } from '../component.js';
import { SlotOptimizer } from '../../core/nn/optimizer.js';
import type { Tf } from '../../core/backend.js';

export const SgdParams = Type.Object({
  lr: Type.Number({ exclusiveMinimum: 0, default: 0.1, description: 'base learning rate (the schedule scales it per epoch)' }),
  momentum: Type.Number({ minimum: 0, maximum: 1, default: 0.9, description: 'momentum factor' }),
  dampening: Type.Number({ minimum: 0, maximum: 1, default: 0, description: 'dampening for momentum' }),
  nesterov: Type.Boolean({ default: false, description: 'Nesterov momentum' }),
  weight_decay: Type.Number({ minimum: 0, default: 0, description: 'L2 penalty added to the gradient of every trainable variable (batch norm included), as PyTorch' }),
}, { additionalProperties: false });

type P = { momentum: number; dampening: number; nesterov: boolean; weight_decay: number };

/** PyTorch's SGD: g += wd*w; buf = mu*buf + (1-dampening)*g (buf = g at the first step); w -= lr*(nesterov ? g + mu*buf : buf). */
export class Sgd extends SlotOptimizer {
  constructor(tf: Tf, private readonly p: P) {
    super(tf, p.momentum > 0 ? 1 : 0);
  }
  protected update(v: tfc.Variable, grad: tfc.Tensor, slots: tfc.Variable[], lr: number): void {
    const { tf, p } = this;
    let g = p.weight_decay > 0 ? tf.add(grad, tf.mul(v, p.weight_decay)) : grad;
    if (p.momentum > 0) {
      const buf = slots[0]!;
      const next = this.step === 1 ? g : tf.add(tf.mul(buf, p.momentum), tf.mul(g, 1 - p.dampening));
      buf.assign(next);
      g = p.nesterov ? tf.add(g, tf.mul(next, p.momentum)) : next;
    }
    v.assign(tf.sub(v, tf.mul(g, lr)));
  }
}

export default defineComponent({
  kind: 'optimizer',
  name: 'sgd',
  summary: 'SGD with momentum, Nesterov and weight decay (PyTorch semantics)',
  params: SgdParams,
  create: (p, ctx) => new Sgd(ctx.tf, p),
});
