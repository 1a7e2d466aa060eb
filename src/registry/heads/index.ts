import auxConv from './aux_conv.js';
import linear from './linear.js';
import mlp from './mlp.js';

/** Every head, in the order `layerwise list` shows them. */
export const HEADS = [auxConv, linear, mlp];
