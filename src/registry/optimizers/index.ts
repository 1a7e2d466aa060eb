import adam from './adam.js';
import adamw from './adamw.js';
import sgd from './sgd.js';

/** Every optimizer, in the order `layerwise list` shows them. */
export const OPTIMIZERS = [sgd, adam, adamw];
