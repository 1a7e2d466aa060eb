import { COMPONENT_KINDS, COMPONENT_SLOT, DOWNSAMPLE_KINDS, type ComponentDefinition, type ComponentKind } from '../../registry/component.js';
import type { ComponentRegistry } from '../../registry/container.js';
import { BACKENDS } from '../backend.js';

export type JsonSchema = { [key: string]: unknown };

export const SCHEMA_ID = 'https://layerwise.dev/schemas/experiment.schema.json';
export const SPEC_VERSION = 1;

/** JSON of a TypeBox schema (drops its symbol keys), with unions of literals turned into enums. */
function plain(schema: unknown): JsonSchema {
  return JSON.parse(JSON.stringify(schema), (_key, value) => {
    if (value && typeof value === 'object' && Array.isArray(value.anyOf) && value.anyOf.length > 0 &&
        value.anyOf.every((b: JsonSchema) => 'const' in b && Object.keys(b).length <= 2)) {
      const { anyOf, ...rest } = value;
      return { ...rest, enum: anyOf.map((b: JsonSchema) => b.const) };
    }
    return value;
  });
}

const ref = (kind: ComponentKind) => ({ $ref: `#/$defs/${kind}` });

function componentBranch(d: ComponentDefinition): JsonSchema {
  const params = plain(d.params);
  const properties: Record<string, JsonSchema> = { type: { const: d.name, description: d.summary } };
  for (const [key, prop] of Object.entries((params.properties ?? {}) as Record<string, JsonSchema>)) {
    const slot = prop[COMPONENT_SLOT] as ComponentKind | undefined;
    properties[key] = slot ? { ...ref(slot), description: prop.description, default: prop.default } : prop;
  }
  const required = Object.entries(properties).filter(([k, p]) => k !== 'type' && !('default' in p)).map(([k]) => k);
  return { type: 'object', title: d.name, description: d.summary, properties, required: ['type', ...required], additionalProperties: false };
}

function componentUnion(registry: ComponentRegistry, kind: ComponentKind): JsonSchema {
  return {
    type: 'object',
    description: `a ${kind}: 'type' names a registered ${kind} (${registry.names(kind).join(', ')}), the other keys are its params`,
    required: ['type'],
    properties: { type: { type: 'string' } },
    discriminator: { propertyName: 'type' },
    oneOf: registry.list(kind).map(componentBranch),
  };
}

const int = (extra: JsonSchema = {}) => ({ type: 'integer', ...extra });
const num = (extra: JsonSchema = {}) => ({ type: 'number', ...extra });
const bool = (dflt: boolean, description: string) => ({ type: 'boolean', default: dflt, description });
const nullable = (schema: JsonSchema, description: string) => ({ anyOf: [schema, { type: 'null' }], default: null, description });
const partialParams = (kind: ComponentKind) => ({
  type: 'object',
  description: `params merged onto the model's ${kind} for this stage (a different 'type' replaces it)`,
});
/** An entry of a `stage_overrides` list: the stage it changes, and what it may change there. */
const stageOverrideOf = (properties: Record<string, JsonSchema>) => ({
  type: 'object',
  additionalProperties: false,
  required: ['stage'],
  properties: { stage: int({ minimum: 0, description: 'stage index (0-based)' }), ...properties },
});

/** The experiment spec's JSON Schema, generated from the registry: the contract of every YAML file. */
export function buildExperimentSchema(registry: ComponentRegistry): JsonSchema {
  const stageOverride = stageOverrideOf({
    width: int({ minimum: 1, description: 'this stage\'s block width' }),
    block: partialParams('block'),
    head: partialParams('head'),
  });
  const trainingOverride = stageOverrideOf({
    epochs: int({ minimum: 1, description: 'epochs of this stage' }),
    optimizer: partialParams('optimizer'),
    schedule: partialParams('schedule'),
  });
  const dotted = { type: 'string', pattern: '^[a-z_][a-z0-9_]*(\\.[a-z0-9_]+)*$' };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: SCHEMA_ID,
    title: 'layerwise experiment',
    description: 'A greedy layer-wise (or end-to-end) CNN training experiment. Generated from the component registry: do not edit by hand.',
    type: 'object',
    additionalProperties: false,
    required: ['name', 'dataset'],
    properties: {
      version: { const: SPEC_VERSION, default: SPEC_VERSION, description: 'spec format version' },
      name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$', maxLength: 100, description: 'experiment name (letters, digits, _ . -): names the run directory and the MLflow experiment' },
      description: { type: 'string', default: '', description: 'free text' },
      extends: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }], description: 'base spec file(s), relative to this file; this file\'s keys are merged over theirs' },
      seed: int({ minimum: 0, default: 0, description: 'seeds initialisation, data order and augmentation' }),
      backend: { enum: [...BACKENDS], default: 'tensorflow', description: 'tensorflow (libtensorflow, CPU), tensorflow-gpu (needs @tensorflow/tfjs-node-gpu), cpu (pure JS, ~100x slower)' },
      threads: nullable(int({ minimum: 1 }), 'TensorFlow intra-op threads; null: the TF_NUM_INTRAOP_THREADS environment variable or all cores'),
      output_dir: { type: 'string', default: 'runs', description: 'runs are written to <output_dir>/<name>/<run id>/ (relative to the working directory)' },
      plugins: { type: 'array', items: { type: 'string' }, default: [], description: 'JavaScript modules (relative to this file) whose default export is a component or a list of them' },
      dataset: ref('dataset'),
      model: {
        type: 'object',
        additionalProperties: false,
        default: {},
        description: 'the network: J stages, each a block and an auxiliary head',
        properties: {
          stages: int({ minimum: 1, maximum: 64, default: 3, description: 'J: the number of blocks, trained one after the other' }),
          width: int({ minimum: 1, default: 64, description: 'M: the width of the first block' }),
          widths: nullable({ type: 'array', items: int({ minimum: 1 }), minItems: 1 }, 'explicit width per stage (overrides width and growth)'),
          growth: num({ minimum: 1, default: 2, description: 'the width is multiplied by this at each downsampling' }),
          downsample_at: { type: 'array', items: int({ minimum: 0 }), uniqueItems: true, default: [], description: 'stages whose block starts by downsampling' },
          downsample: { enum: DOWNSAMPLE_KINDS.filter((k) => k !== 'none'), default: 'invertible', description: 'how those blocks downsample' },
          input_downsample: bool(false, 'invertible downsampling of the input image (the paper\'s ImageNet models)'),
          block: { ...ref('block'), default: { type: 'conv' } },
          head: { ...ref('head'), default: { type: 'aux_conv' } },
          stage_overrides: { type: 'array', items: stageOverride, default: [], description: 'per-stage changes to width, block and head' },
        },
      },
      training: {
        type: 'object',
        additionalProperties: false,
        default: {},
        properties: {
          mode: { enum: ['greedy', 'end_to_end'], default: 'greedy', description: 'greedy: stage by stage with frozen prefixes; end_to_end: all blocks and the last head jointly' },
          epochs: int({ minimum: 1, default: 1, description: 'epochs per stage (greedy) or in all (end_to_end)' }),
          batch_size: int({ minimum: 1, default: 128, description: 'training batch size' }),
          eval_batch_size: int({ minimum: 1, default: 256, description: 'evaluation batch size' }),
          max_steps_per_epoch: nullable(int({ minimum: 1 }), 'stop each epoch after this many batches (smoke tests)'),
          optimizer: { ...ref('optimizer'), default: { type: 'sgd' } },
          schedule: { ...ref('schedule'), default: { type: 'constant' } },
          reset_optimizer_on_lr_drop: bool(true, 'forget momentum when the learning rate drops, as the reference code does by re-creating its optimizer'),
          cache_features: { enum: ['auto', 'on', 'off'], default: 'auto', description: 'on: compute the frozen prefix\'s outputs once per stage when no augmentation runs; auto: the same, but only for stages whose prefix costs more to recompute than its cached outputs cost to serve; off: recompute every batch' },
          cache_memory_mb: int({ minimum: 0, default: 2048, description: 'feature cache held in memory up to this size; beyond it, on disk in the run directory' }),
          checkpoint_every: int({ minimum: 1, default: 1, description: 'epochs between checkpoints (a run resumes from the last one)' }),
          eval_every: int({ minimum: 1, default: 1, description: 'epochs between test evaluations (the last epoch of a stage is always evaluated)' }),
          stage_overrides: { type: 'array', items: trainingOverride, default: [], description: 'per-stage epochs, optimizer and schedule' },
        },
      },
      tracking: {
        type: 'object',
        additionalProperties: false,
        default: {},
        properties: {
          uri: nullable({ type: 'string', minLength: 1 }, 'MLflow tracking URI (http(s)://...); null: MLFLOW_TRACKING_URI, else the local store ./mlruns'),
          experiment: nullable({ type: 'string', minLength: 1 }, 'MLflow experiment name; null: the spec name'),
          run_name: nullable({ type: 'string', minLength: 1 }, 'MLflow run name; null: the run id'),
          tags: { type: 'object', additionalProperties: { type: 'string' }, default: {}, description: 'extra run tags' },
          enabled: bool(true, 'false: log nothing to MLflow'),
        },
      },
      grid: {
        type: 'object',
        additionalProperties: false,
        description: 'an ablation grid: trials are this spec with the axes\' values set',
        properties: {
          axes: { type: 'object', propertyNames: dotted, additionalProperties: { type: 'array', minItems: 1 }, default: {}, description: 'dotted path: values (cartesian product)' },
          zip: { type: 'array', items: { type: 'object', propertyNames: dotted, additionalProperties: { type: 'array', minItems: 1 }, minProperties: 1 }, default: [], description: 'groups of axes that vary together (equal lengths)' },
          trials: { type: 'array', items: { type: 'object', propertyNames: dotted }, default: [], description: 'extra trials, each a map of dotted path: value' },
          exclude: { type: 'array', items: { type: 'object', propertyNames: dotted, minProperties: 1 }, default: [], description: 'drop trials whose values match all of one entry' },
          metric: { type: 'string', default: 'final_test_accuracy', description: 'summary.json key that ranks trials (higher is better)' },
        },
      },
    },
    $defs: Object.fromEntries(COMPONENT_KINDS.map((k) => [k, componentUnion(registry, k)])),
  };
}
