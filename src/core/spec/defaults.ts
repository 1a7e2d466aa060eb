import { isObject } from './merge.js';
import type { JsonSchema } from './schema.js';

/**
 * Fills every missing key that has a default, following $refs and picking the branch of a component
 * union by its `type`. Defaults are filled here rather than by ajv, which ignores them under oneOf.
 */
export function fillDefaults(schema: JsonSchema, value: unknown, root: JsonSchema = schema): unknown {
  const s = resolveRef(schema, root);
  if (Array.isArray(s.oneOf) && isObject(value)) {
    const branch = (s.oneOf as JsonSchema[]).find((b) => (b.properties as Record<string, JsonSchema>)?.type?.const === value.type);
    return branch ? fillDefaults(branch, value, root) : value;
  }
  if (isObject(s.properties) && isObject(value)) {
    for (const [key, prop] of Object.entries(s.properties as Record<string, JsonSchema>)) {
      if (!(key in value) && 'default' in prop) value[key] = structuredClone(prop.default);
      if (key in value) value[key] = fillDefaults(prop, value[key], root);
    }
  }
  if (isObject(s.items) && Array.isArray(value)) return value.map((v) => fillDefaults(s.items as JsonSchema, v, root));
  return value;
}

export function resolveRef(schema: JsonSchema, root: JsonSchema): JsonSchema {
  if (typeof schema.$ref !== 'string') return schema;
  const kind = schema.$ref.split('/').pop()!;
  return (root.$defs as Record<string, JsonSchema>)[kind]!;
}
