import { readFileSync } from 'node:fs';

/** layerwise' own version, from its package.json (compiled code sits in dist/src/core/). */
export const LAYERWISE_VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
