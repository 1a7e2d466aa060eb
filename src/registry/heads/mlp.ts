import { Type } from '@sinclair/typebox';
import { defineComponent } from '../component.js';
import { Rng } from '../../core/rng.js';
import { Dense, globalAvgPool, relu } from '../../core/nn/layers.js';
import { Sequential, type Layer } from '../../core/nn/module.js';

export const MlpHeadParams = Type.Object({
  hidden_units: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, default: [256], description: 'units of each hidden layer (ReLU)' }),
}, { additionalProperties: false });

export default defineComponent({
  kind: 'head',
  name: 'mlp',
  summary: 'global average pooling, then hidden linear layers with ReLU, then a linear layer',
  params: MlpHeadParams,
  create(p, ctx) {
    const { tf } = ctx;
    const rng = new Rng(ctx.seed);
    const layers: [string, Layer][] = [['pool', globalAvgPool(tf)]];
    let features = ctx.inChannels;
    p.hidden_units.forEach((units, i) => {
      layers.push([`linear${i}`, new Dense(tf, rng, features, units)], [`relu${i}`, relu(tf)]);
      features = units;
    });
    layers.push(['linear', new Dense(tf, rng, features, ctx.numClasses)]);
    return new Sequential(ctx.name, layers);
  },
});
