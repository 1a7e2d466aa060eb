import constant from './constant.js';
import cosine from './cosine.js';
import linearWarmup from './linear_warmup.js';
import multiStep from './multi_step.js';
import step from './step.js';

/** Every schedule, in the order `layerwise list` shows them. */
export const SCHEDULES = [constant, step, multiStep, cosine, linearWarmup];
