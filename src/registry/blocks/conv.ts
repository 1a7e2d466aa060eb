import { Type } from '@sinclair/typebox';
import { DOWNSAMPLE_KINDS, defineComponent } from '../component.js';
import { Rng } from '../../core/rng.js';
import { BatchNorm, Conv2d, Fn, relu, spaceToDepthLayer } from '../../core/nn/layers.js';
import { Sequential, type Layer } from '../../core/nn/module.js';

export const ConvBlockParams = Type.Object({
  downsample: Type.Union(DOWNSAMPLE_KINDS.map((k) => Type.Literal(k)), {
    default: 'none',
    description: 'downsampling before the conv: invertible (space-to-depth, the paper), max_pool, avg_pool (2x2), stride (conv stride 2), none. model.downsample_at sets it per stage.',
  }),
  kernel_size: Type.Integer({ minimum: 1, maximum: 11, default: 3, description: 'conv kernel size' }),
  batch_norm: Type.Boolean({ default: true, description: 'batch norm after the conv' }),
  bias: Type.Boolean({ default: false, description: 'conv bias (the reference code uses none)' }),
  bn_momentum: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.1, description: 'PyTorch convention: weight of the new batch statistic' }),
  bn_epsilon: Type.Number({ exclusiveMinimum: 0, default: 1e-5, description: 'batch norm epsilon' }),
}, { additionalProperties: false });

export default defineComponent({
  kind: 'block',
  name: 'conv',
  summary: 'downsampling (optional), 3x3 conv, batch norm (optional), ReLU',
  params: ConvBlockParams,
  create(p, ctx) {
    const { tf } = ctx;
    const rng = new Rng(ctx.seed);
    const layers: [string, Layer][] = [];
    let inChannels = ctx.inChannels;
    let stride = 1;
    if (p.downsample === 'invertible') {
      layers.push(['psi', spaceToDepthLayer(tf)]);
      inChannels *= 4;
    } else if (p.downsample === 'max_pool' || p.downsample === 'avg_pool') {
      const pool = p.downsample === 'max_pool' ? tf.maxPool : tf.avgPool;
      layers.push([p.downsample, new Fn((x) => pool(x as never, 2, 2, 'valid'), ([h, w, c]) => [Math.floor(h! / 2), Math.floor(w! / 2), c!])]);
    } else if (p.downsample === 'stride') {
      stride = 2;
    }
    layers.push(['conv', new Conv2d(tf, rng, inChannels, ctx.width, { kernel: p.kernel_size, stride, bias: p.bias })]);
    if (p.batch_norm) layers.push(['bn', new BatchNorm(tf, ctx.width, p.bn_momentum, p.bn_epsilon)]);
    layers.push(['relu', relu(tf)]);
    return new Sequential(ctx.name, layers);
  },
});
