import { Type } from '@sinclair/typebox';
import { defineComponent } from '../component.js';
import { Rng } from '../../core/rng.js';
import { Dense, globalAvgPool } from '../../core/nn/layers.js';
import { Sequential } from '../../core/nn/module.js';

export const LinearHeadParams = Type.Object({
  bias: Type.Boolean({ default: true, description: 'bias of the linear layer' }),
}, { additionalProperties: false });

export default defineComponent({
  kind: 'head',
  name: 'linear',
  summary: 'global average pooling, then a linear layer',
  params: LinearHeadParams,
  create(p, ctx) {
    const rng = new Rng(ctx.seed);
    return new Sequential(ctx.name, [
      ['pool', globalAvgPool(ctx.tf)],
      ['linear', new Dense(ctx.tf, rng, ctx.inChannels, ctx.numClasses, p.bias)],
    ]);
  },
});
