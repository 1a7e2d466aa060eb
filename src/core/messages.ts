/**
 * Every user-facing message, in one module, so wording is reviewed in one place and tests can
 * assert exact text.
 */
const SETUP = 'npm run setup';

export const messages = {
  // Backend
  nativeBackendFailed: (pkg: string, reason: string) =>
    `the native TensorFlow backend (${pkg}) could not be loaded: ${reason}\n` +
    `Run '${SETUP}' to install libtensorflow and build the addon offline, or set 'backend: cpu' ` +
    `to use the pure-JS backend knowingly (about 100x slower).`,
  gpuPackageMissing: () =>
    `backend 'tensorflow-gpu' needs @tensorflow/tfjs-node-gpu, which is not installed.\n` +
    `Install it with 'npm install @tensorflow/tfjs-node-gpu' on a machine with CUDA and cuDNN, ` +
    `or use 'backend: tensorflow' (CPU).`,
  pureJsBackendWarning: () =>
    `warning: backend 'cpu' is TensorFlow.js' pure-JS backend, about 100x slower than 'tensorflow'. ` +
    `Use it only for debugging.`,
  backendAlreadyLoaded: (have: string, want: string) =>
    `this process already runs backend '${have}'; it cannot switch to '${want}'`,

  // Registry
  unknownKind: (kind: string, kinds: readonly string[]) => `unknown component kind '${kind}'; kinds are ${kinds.join(', ')}`,
  badComponentName: (kind: string, name: string) => `${kind} name '${name}' must be snake_case (a-z, 0-9, _)`,
  duplicateComponent: (kind: string, name: string) => `${kind} '${name}' is registered twice`,
  unknownComponent: (kind: string, name: string, names: string[]) => `unknown ${kind} '${name}'; registered: ${names.join(', ')}`,
  badPlugin: (file: string) => `plugin ${file} must export default a component definition (kind, name, summary, params, create) or a list of them`,
};
