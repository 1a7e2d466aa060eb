import { createRequire } from 'node:module';
import os from 'node:os';
import type * as TfModule from '@tensorflow/tfjs';
import { messages } from './messages.js';

/** The TensorFlow.js API as layerwise uses it; the concrete module depends on the backend. */
export type Tf = typeof TfModule;

export const BACKENDS = ['tensorflow', 'tensorflow-gpu', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface BackendInfo {
  name: BackendName;
  /** What tf.getBackend() reports ('tensorflow' for both native packages). */
  engine: string;
  tfjsVersion: string;
  libtensorflowVersion: string | null;
  intraOpThreads: string;
  interOpThreads: string;
}

export interface LoadedBackend {
  tf: Tf;
  info: BackendInfo;
}

export class BackendError extends Error {
  override name = 'BackendError';
}

export interface BackendOptions {
  /** Sets TF_NUM_INTRAOP_THREADS unless the environment already does. */
  intraOpThreads?: number;
  /** Sets TF_NUM_INTEROP_THREADS unless the environment already does. */
  interOpThreads?: number;
  warn?: (message: string) => void;
}

const require = createRequire(import.meta.url);

let loaded: LoadedBackend | null = null;

/**
 * The one place that chooses the compute backend. Native backends must load or the call
 * throws a BackendError naming the fix; the pure-JS `cpu` backend is used only when asked for.
 * A process holds one backend: a second call with another name is an error.
 */
export async function loadBackend(name: BackendName = 'tensorflow', options: BackendOptions = {}): Promise<LoadedBackend> {
  if (loaded) {
    if (loaded.info.name !== name) throw new BackendError(messages.backendAlreadyLoaded(loaded.info.name, name));
    return loaded;
  }
  applyThreadSettings(options);
  const tf = name === 'cpu' ? await loadPureJs(options) : loadNative(name);
  loaded = { tf, info: describe(tf, name) };
  return loaded;
}

function applyThreadSettings(options: BackendOptions): void {
  if (options.intraOpThreads && !process.env.TF_NUM_INTRAOP_THREADS) {
    process.env.TF_NUM_INTRAOP_THREADS = String(options.intraOpThreads);
  }
  if (options.interOpThreads && !process.env.TF_NUM_INTEROP_THREADS) {
    process.env.TF_NUM_INTEROP_THREADS = String(options.interOpThreads);
  }
  // libtensorflow's C++ logging prints an INFO banner per process unless told otherwise.
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
}

function loadNative(name: 'tensorflow' | 'tensorflow-gpu'): Tf {
  const pkg = name === 'tensorflow' ? '@tensorflow/tfjs-node' : '@tensorflow/tfjs-node-gpu';
  let tf: Tf;
  try {
    tf = require(pkg) as Tf;
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    const missing = (error as NodeJS.ErrnoException)?.code === 'MODULE_NOT_FOUND' && reason.includes(pkg);
    if (name === 'tensorflow-gpu' && missing) throw new BackendError(messages.gpuPackageMissing());
    throw new BackendError(messages.nativeBackendFailed(pkg, reason));
  }
  if (tf.getBackend() !== 'tensorflow') {
    throw new BackendError(messages.nativeBackendFailed(pkg, `tf.getBackend() is '${tf.getBackend()}'`));
  }
  return tf;
}

async function loadPureJs(options: BackendOptions): Promise<Tf> {
  const tf = require('@tensorflow/tfjs') as Tf;
  await tf.setBackend('cpu');
  (options.warn ?? console.warn)(messages.pureJsBackendWarning());
  return tf;
}

function describe(tf: Tf, name: BackendName): BackendInfo {
  const backend = tf.backend() as unknown as { binding?: { TF_Version?: string } };
  const cores = os.availableParallelism();
  return {
    name,
    engine: tf.getBackend(),
    tfjsVersion: tf.version.tfjs,
    libtensorflowVersion: backend.binding?.TF_Version ?? null,
    intraOpThreads: process.env.TF_NUM_INTRAOP_THREADS ?? `default (${cores} cores)`,
    interOpThreads: process.env.TF_NUM_INTEROP_THREADS ?? 'default',
  };
}

export function formatBackendInfo(info: BackendInfo): string {
  const lib = info.libtensorflowVersion ? `libtensorflow ${info.libtensorflowVersion}` : 'no libtensorflow (pure JS)';
  return `backend ${info.name} (tf.getBackend() = ${info.engine}), TensorFlow.js ${info.tfjsVersion}, ${lib}, ` +
    `intra-op threads ${info.intraOpThreads}, inter-op threads ${info.interOpThreads}`;
}
