/**
 * Every user-facing message, in one module, so wording is reviewed in one place and tests can
 * assert exact text.
 */
const SETUP = 'npm run setup';
const article = (word: string) => (/^[aeiou]/.test(word) ? 'an' : 'a');

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

  // Spec files
  yamlSyntax: (detail: string) => `YAML syntax error: ${detail}`,
  fileNotFound: (file: string) => `file not found: ${file}`,
  extendsCycle: (chain: string[]) => `'extends' forms a cycle: ${chain.join(' -> ')}`,
  extendsType: () => `'extends' must be a file name or a list of file names`,
  notAMapping: () => `a spec must be a YAML mapping of keys to values`,
  badSet: (arg: string) => `--set expects KEY.PATH=VALUE (value in YAML), got '${arg}'`,
  badSetPath: (path: string) => `--set path '${path}' is not a dotted path of snake_case keys`,

  // Spec validation
  didYouMean: (suggestion: string | null) => (suggestion === null ? '' : `. Did you mean '${suggestion}'?`),
  unknownKey: (key: string, allowed: string[], suggestion: string | null) =>
    `unknown key '${key}'; expected one of: ${allowed.join(', ')}${messages.didYouMean(suggestion)}`,
  missingKey: (key: string, expected: string) => `missing required key '${key}' (${expected})`,
  unknownComponentInSpec: (kind: string, name: string, names: string[], suggestion: string | null) =>
    `unknown ${kind} '${name}'; registered ${kind}s: ${names.join(', ')}${messages.didYouMean(suggestion)}`,
  missingComponentType: (kind: string, names: string[]) => `${article(kind)} ${kind} needs 'type', one of: ${names.join(', ')}`,
  wrongValue: (expected: string, got: string, suggestion: string | null = null) => `expected ${expected}, got ${got}${messages.didYouMean(suggestion)}`,
  badKeyName: (key: string) => `'${key}' is not a dotted path of snake_case keys (like training.optimizer.lr)`,
  tooFewItems: (n: number) => `needs at least ${n} item${n === 1 ? '' : 's'}`,
  tooManyItems: (n: number) => `allows at most ${n} item${n === 1 ? '' : 's'}`,
  duplicateItems: (i: number, j: number) => `items ${j} and ${i} are the same; values must be unique`,

  // Cross-field checks
  widthsLength: (n: number, stages: number) => `has ${n} widths for ${stages} stages; give one width per stage`,
  stageOutOfRange: (stage: number, stages: number) => `stage ${stage} does not exist: the model has ${stages} stages (0 to ${stages - 1})`,
  duplicateStageOverride: (stage: number, first: number) => `stage ${stage} is already overridden by entry ${first}; merge the two`,
  blockCannotDownsample: (block: string) => `block '${block}' has no 'downsample' param, so downsample_at cannot place downsampling`,
  oddInvertible: (stage: number, size: number) =>
    `stage ${stage}: invertible downsampling needs an even input size, but stage ${stage} reads ${size}x${size}; use max_pool, avg_pool or stride there, or downsample earlier or later`,
  tooSmall: (stage: number, size: number) => `stage ${stage}: downsampling shrinks the image below 1x1 (input ${size}x${size}); downsample fewer times`,
  poolLargerThanMap: (stage: number, size: number, poolTo: number) =>
    `stage ${stage}: the head pools to ${poolTo}x${poolTo} but the block outputs ${size}x${size}; lower pool_to or downsample less`,
  gridPathMissing: (dotted: string, suggestion: string | null) =>
    `'${dotted}' does not name a key of the resolved spec${messages.didYouMean(suggestion)}`,
  zipLengths: (lengths: string) => `the axes of a zip group must have equal lengths; got ${lengths}`,
};
