export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Merges `over` onto `base`: mappings merge key by key, everything else (lists included) is replaced.
 * A component mapping whose `type` changes is replaced whole, since its params belong to another component.
 */
export function mergeSpecs(base: unknown, over: unknown): unknown {
  if (!isObject(base) || !isObject(over)) return structuredClone(over);
  if ('type' in over && 'type' in base && over.type !== base.type) return structuredClone(over);
  const out: Record<string, unknown> = structuredClone(base);
  for (const [k, v] of Object.entries(over)) out[k] = k in out ? mergeSpecs(out[k], v) : structuredClone(v);
  return out;
}

export function getPath(value: unknown, path: (string | number)[]): unknown {
  return path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), value);
}

/** Sets a value at a path, creating mappings on the way. */
export function setPath(value: Record<string, unknown>, path: (string | number)[], leaf: unknown): void {
  let node: Record<string | number, unknown> = value;
  path.slice(0, -1).forEach((k) => {
    if (!isObject(node[k]) && !Array.isArray(node[k])) node[k] = {};
    node = node[k] as Record<string, unknown>;
  });
  node[path[path.length - 1]!] = leaf;
}

/** `a.b[2].c` → ['a', 'b', 2, 'c'] */
export function parseDottedPath(dotted: string): (string | number)[] {
  return dotted.split('.').flatMap((part) => {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) return [part];
    const indices = [...m[2]!.matchAll(/\[(\d+)\]/g)].map((x) => Number(x[1]));
    return [...(m[1] ? [m[1]] : []), ...indices];
  });
}
