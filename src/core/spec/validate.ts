import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { messages } from '../messages.js';
import { formatPath, uniqueBy, type SpecPath } from './errors.js';
import type { JsonSchema } from './schema.js';
import { suggest } from './suggest.js';

/** A schema violation, not yet located in a file. */
export interface Violation {
  path: SpecPath;
  /** Point at the key rather than its value (unknown keys). */
  atKey?: boolean;
  message: string;
}

const compiled = new WeakMap<JsonSchema, ValidateFunction>();

function compile(schema: JsonSchema): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    const ajv = new Ajv({ allErrors: true, discriminator: true, strict: true, allowUnionTypes: true, verbose: true });
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

/** Checks a spec against the experiment schema; every violation, with a message that says how to fix it. */
export function validateAgainstSchema(schema: JsonSchema, value: unknown): Violation[] {
  const validate = compile(schema);
  if (validate(value)) return [];
  const errors = validate.errors ?? [];
  // Under an anyOf (e.g. "integer or null") report the union once, not each failed branch.
  const unions = errors.filter((e) => e.keyword === 'anyOf');
  const kept = errors.filter((e) => e.keyword === 'anyOf' ||
    !unions.some((u) => u.instancePath === e.instancePath && e.schemaPath.startsWith(u.schemaPath.slice(0, -'anyOf'.length))));
  return uniqueViolations(kept.map((e) => toViolation(e, value, schema)).filter((v): v is Violation => v !== null));
}

export function uniqueViolations(violations: Violation[]): Violation[] {
  return uniqueBy(violations, (v) => `${formatPath(v.path)}|${v.message}`);
}

function instancePath(pointer: string, root: unknown): SpecPath {
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const path: SpecPath = [];
  let node: unknown = root;
  for (const part of parts) {
    const key = Array.isArray(node) ? Number(part) : part;
    path.push(key);
    node = node !== null && typeof node === 'object' ? (node as Record<string | number, unknown>)[key] : undefined;
  }
  return path;
}

function toViolation(e: ErrorObject, root: unknown, schema: JsonSchema): Violation | null {
  const path = instancePath(e.instancePath, root);
  const parent = (e.parentSchema ?? {}) as JsonSchema;
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      const allowed = Object.keys((parent.properties ?? {}) as object);
      return { path: [...path, key], atKey: true, message: messages.unknownKey(key, allowed, suggest(key, allowed)) };
    }
    case 'required': {
      const key = String(p.missingProperty);
      if (key === 'type' && parent.discriminator) return null; // the discriminator error says it better
      const prop = ((parent.properties ?? {}) as Record<string, JsonSchema>)[key] ?? {};
      return { path: [...path, key], message: messages.missingKey(key, describe(prop, schema)) };
    }
    case 'discriminator': {
      const kind = /\$defs\/(\w+)\//.exec(e.schemaPath)?.[1] ?? 'component';
      const names = ((parent.oneOf ?? []) as JsonSchema[]).map((b) => String((b.properties as Record<string, JsonSchema>).type!.const));
      if (p.error === 'mapping') {
        const name = String(p.tagValue);
        return { path: [...path, 'type'], message: messages.unknownComponentInSpec(kind, name, names, suggest(name, names)) };
      }
      return { path: 'type' in ((e.data ?? {}) as object) ? [...path, 'type'] : path, message: messages.missingComponentType(kind, names) };
    }
    case 'propertyNames':
      return null; // reported by the pattern error on the name itself
    case 'pattern':
      if (e.propertyName !== undefined) return { path: [...path, e.propertyName], atKey: true, message: messages.badKeyName(e.propertyName) };
      return { path, message: messages.wrongValue(`a string matching ${p.pattern}`, show(e.data)) };
    case 'minItems':
      return { path, message: messages.tooFewItems(Number(p.limit)) };
    case 'maxItems':
      return { path, message: messages.tooManyItems(Number(p.limit)) };
    case 'uniqueItems':
      return { path, message: messages.duplicateItems(Number(p.i), Number(p.j)) };
    case 'enum': {
      const options = (parent.enum as unknown[]).map(String);
      const got = e.data;
      return { path, message: messages.wrongValue(`one of ${options.join(', ')}`, show(got), typeof got === 'string' ? suggest(got, options) : null) };
    }
    default:
      return { path, message: messages.wrongValue(describe(parent, schema), show(e.data)) };
  }
}

function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

/** A short description of what a schema accepts: "an integer >= 1 or null". */
export function describe(s: JsonSchema, root: JsonSchema): string {
  if (typeof s.$ref === 'string') {
    const kind = s.$ref.split('/').pop()!;
    return `a ${kind} mapping with 'type'`;
  }
  if (Array.isArray(s.anyOf)) return (s.anyOf as JsonSchema[]).map((b) => describe(b, root)).join(' or ');
  if (Array.isArray(s.enum)) return `one of ${(s.enum as unknown[]).join(', ')}`;
  if ('const' in s) return `${JSON.stringify(s.const)}`;
  const bounds = [
    s.minimum !== undefined && `>= ${s.minimum}`,
    s.exclusiveMinimum !== undefined && `> ${s.exclusiveMinimum}`,
    s.maximum !== undefined && `<= ${s.maximum}`,
    s.exclusiveMaximum !== undefined && `< ${s.exclusiveMaximum}`,
    s.minLength !== undefined && `of at least ${s.minLength} character${s.minLength === 1 ? '' : 's'}`,
  ].filter(Boolean).join(' and ');
  const types: Record<string, string> = {
    integer: 'an integer', number: 'a number', boolean: 'true or false', string: 'a string', null: 'null', array: 'a list', object: 'a mapping',
  };
  const t = Array.isArray(s.type) ? (s.type as string[]).map((x) => types[x]).join(' or ') : types[String(s.type)] ?? 'a value';
  return bounds ? `${t} ${bounds}` : t;
}
