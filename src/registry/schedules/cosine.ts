import { Type } from '@sinclair/typebox';
import { defineComponent } from '../component.js';

export const CosineParams = Type.Object({
  min_lr: Type.Number({ minimum: 0, default: 0, description: 'learning rate at the last epoch' }),
}, { additionalProperties: false });

export default defineComponent({
  kind: 'schedule',
  name: 'cosine',
  summary: 'cosine annealing from the base learning rate to min_lr over the stage\'s epochs',
  params: CosineParams,
  create: (p) => ({
    lrAt: (epoch, baseLr, total) => p.min_lr + (baseLr - p.min_lr) * 0.5 * (1 + Math.cos((Math.PI * epoch) / Math.max(total, 1))),
  }),
});
