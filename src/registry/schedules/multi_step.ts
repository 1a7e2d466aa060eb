import { Type } from '@sinclair/typebox';
import { defineComponent } from '../component.js';

export const MultiStepParams = Type.Object({
  milestones: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, uniqueItems: true, default: [30, 60], description: 'epochs at which the learning rate drops' }),
  gamma: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.1, description: 'factor applied at each milestone' }),
}, { additionalProperties: false });

export default defineComponent({
  kind: 'schedule',
  name: 'multi_step',
  summary: 'multiply the learning rate by gamma at each milestone epoch',
  params: MultiStepParams,
  create: (p) => ({ lrAt: (epoch, baseLr) => baseLr * p.gamma ** p.milestones.filter((m) => epoch >= m).length }),
});
