import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** `--name N` from the command line, or the fallback. */
export function numberArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

/** Writes bench/results/<name>.json. */
export function writeResult(name: string, value: unknown): void {
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(path.join('bench/results', `${name}.json`), JSON.stringify(value, null, 2) + '\n');
}
