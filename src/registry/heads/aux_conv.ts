import { Type } from '@sinclair/typebox';
import { defineComponent } from '../component.js';
import { Rng } from '../../core/rng.js';
import { BatchNorm, Conv2d, Dense, avgPoolTo, flatten, relu } from '../../core/nn/layers.js';
import { Sequential, type Layer } from '../../core/nn/module.js';

export const AuxConvParams = Type.Object({
  hidden_layers: Type.Integer({ minimum: 0, maximum: 16, default: 0, description: 'k-1: extra 3x3 conv layers before pooling (k = hidden_layers + 1)' }),
  width: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], { default: null, description: 'width of the hidden convs; null: width_factor x the block width' }),
  width_factor: Type.Number({ exclusiveMinimum: 0, default: 1, description: 'hidden conv width relative to the block width, used when width is null' }),
  pool_to: Type.Integer({ minimum: 1, default: 2, description: 'spatial averaging down to pool_to x pool_to (2: the paper\'s four quadrants)' }),
  batch_norm: Type.Boolean({ default: true, description: 'batch norm after each hidden conv and after pooling' }),
  bn_momentum: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.1, description: 'PyTorch convention: weight of the new batch statistic' }),
  bn_epsilon: Type.Number({ exclusiveMinimum: 0, default: 1e-5, description: 'batch norm epsilon' }),
}, { additionalProperties: false });

export function auxHiddenWidth(p: { width: number | null; width_factor: number }, blockWidth: number): number {
  return p.width ?? Math.max(1, Math.round(blockWidth * p.width_factor));
}

export default defineComponent({
  kind: 'head',
  name: 'aux_conv',
  summary: 'the paper\'s k-hidden-layer auxiliary classifier: (k-1) x [3x3 conv, BN, ReLU], average pool to 2x2, BN, linear',
  params: AuxConvParams,
  create(p, ctx) {
    const { tf } = ctx;
    const rng = new Rng(ctx.seed);
    const layers: [string, Layer][] = [];
    let channels = ctx.inChannels;
    const width = auxHiddenWidth(p, ctx.inChannels);
    for (let i = 0; i < p.hidden_layers; i++) {
      layers.push([`conv${i}`, new Conv2d(tf, rng, channels, width, { bias: !p.batch_norm })]);
      if (p.batch_norm) layers.push([`bn${i}`, new BatchNorm(tf, width, p.bn_momentum, p.bn_epsilon)]);
      layers.push([`relu${i}`, relu(tf)]);
      channels = width;
    }
    const pool = avgPoolTo(tf, p.pool_to);
    const pooled = pool.outputShape([ctx.spatial, ctx.spatial, channels]);
    layers.push(['pool', pool]);
    if (p.batch_norm) layers.push(['bn_pool', new BatchNorm(tf, channels, p.bn_momentum, p.bn_epsilon)]);
    layers.push(['flatten', flatten(tf)]);
    layers.push(['linear', new Dense(tf, rng, pooled.reduce((a, b) => a * b, 1), ctx.numClasses)]);
    return new Sequential(ctx.name, layers);
  },
});
