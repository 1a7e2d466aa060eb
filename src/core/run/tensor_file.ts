import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

/** A tensor's values as saved: name, shape, float32 data. */
export interface SavedTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

const MAGIC = 'LWT1';

/**
 * Writes tensors to one file: 'LWT1', a 4-byte header length, a JSON header (names, shapes, offsets,
 * extra metadata), then float32 data. Written to a temporary file and renamed, so a kill never leaves a
 * half-written checkpoint.
 */
export function writeTensorFile(file: string, tensors: SavedTensor[], meta: Record<string, unknown> = {}): void {
  let offset = 0;
  const entries = tensors.map((t) => {
    const e = { name: t.name, shape: t.shape, offset, length: t.data.length };
    offset += t.data.length;
    return e;
  });
  const header = Buffer.from(JSON.stringify({ entries, meta }));
  const prefix = Buffer.alloc(8);
  prefix.write(MAGIC, 0, 'ascii');
  prefix.writeUInt32LE(header.length, 4);
  const data = new Float32Array(offset);
  tensors.forEach((t, i) => data.set(t.data, entries[i]!.offset));
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, Buffer.concat([prefix, header, Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
  renameSync(tmp, file);
}

export function readTensorFile(file: string): { tensors: Map<string, SavedTensor>; meta: Record<string, unknown> } {
  const bytes = readFileSync(file);
  if (bytes.toString('ascii', 0, 4) !== MAGIC) throw new Error(`${file} is not a layerwise tensor file`);
  const headerLength = bytes.readUInt32LE(4);
  const { entries, meta } = JSON.parse(bytes.toString('utf8', 8, 8 + headerLength)) as {
    entries: { name: string; shape: number[]; offset: number; length: number }[];
    meta: Record<string, unknown>;
  };
  const start = 8 + headerLength;
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + bytes.length));
  const tensors = new Map(entries.map((e) => [e.name, { name: e.name, shape: e.shape, data: all.subarray(e.offset, e.offset + e.length) }]));
  return { tensors, meta };
}

export function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
  renameSync(tmp, file);
}

export function readJson<T>(file: string): T | null {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : null;
}
