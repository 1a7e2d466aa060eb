import { Type } from '@sinclair/typebox';
import { defineComponent } from '../component.js';
import { Adam, AdamParams } from './adam.js';

export const AdamWParams = Type.Composite([
  Type.Omit(AdamParams, ['weight_decay']),
  Type.Object({ weight_decay: Type.Number({ minimum: 0, default: 0.01, description: 'decoupled weight decay (w -= lr * wd * w)' }) }),
], { additionalProperties: false });

export default defineComponent({
  kind: 'optimizer',
  name: 'adamw',
  summary: 'AdamW: Adam with decoupled weight decay (torch.optim.AdamW)',
  params: AdamWParams,
  create: (p, ctx) => new Adam(ctx.tf, { ...p, decoupled: true }),
});
