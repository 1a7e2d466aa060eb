import { Type } from '@sinclair/typebox';
import { defineComponent } from '../component.js';

export default defineComponent({
  kind: 'schedule',
  name: 'constant',
  summary: 'the base learning rate at every epoch',
  params: Type.Object({}, { additionalProperties: false }),
  create: () => ({ lrAt: (_epoch, baseLr) => baseLr }),
});
