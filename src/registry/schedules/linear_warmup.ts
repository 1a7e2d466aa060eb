import { Type } from '@sinclair/typebox';
import { COMPONENT_SLOT, defineComponent, type ComponentSpec } from '../component.js';

export const LinearWarmupParams = Type.Object({
  warmup_epochs: Type.Integer({ minimum: 1, default: 5, description: 'epochs of linear warm-up' }),
  start_factor: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.1, description: 'fraction of the learning rate at epoch 0' }),
  then: Type.Object({ type: Type.String() }, { default: { type: 'constant' }, [COMPONENT_SLOT]: 'schedule', description: 'the schedule after the warm-up, on epochs counted from its end' }),
}, { additionalProperties: false });

export default defineComponent({
  kind: 'schedule',
  name: 'linear_warmup',
  summary: 'ramp the learning rate linearly from start_factor x lr, then follow another schedule',
  params: LinearWarmupParams,
  create(p, ctx) {
    const after = ctx.resolveNested(p.then as ComponentSpec);
    return {
      lrAt(epoch, baseLr, total) {
        if (epoch < p.warmup_epochs) return baseLr * (p.start_factor + ((1 - p.start_factor) * epoch) / p.warmup_epochs);
        return after.lrAt(epoch - p.warmup_epochs, baseLr, total - p.warmup_epochs);
      },
    };
  },
});
