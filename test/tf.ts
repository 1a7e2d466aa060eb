import { loadBackend, type Tf } from '../src/core/backend.js';

/** The native backend for tests; loading twice returns the same one. */
export async function nativeTf(): Promise<Tf> {
  return (await loadBackend('tensorflow')).tf;
}
