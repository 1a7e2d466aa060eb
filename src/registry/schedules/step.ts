import { Type } from '@sinclair/typebox';
import { defineComponent } from '../component.js';

export const StepParams = Type.Object({
  step_size: Type.Integer({ minimum: 1, default: 15, description: 'epochs between drops' }),
  gamma: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.2, description: 'factor applied at each drop' }),
}, { additionalProperties: false });

export default defineComponent({
  kind: 'schedule',
  name: 'step',
  summary: 'multiply the learning rate by gamma every step_size epochs (the paper: 0.2 every 15)',
  params: StepParams,
  create: (p) => ({ lrAt: (epoch, baseLr) => baseLr * p.gamma ** Math.floor(epoch / p.step_size) }),
});
