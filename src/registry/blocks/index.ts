import conv from './conv.js';

/** Every block, in the order `layerwise list` shows them. */
export const BLOCKS = [conv];
