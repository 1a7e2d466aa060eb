/**
 * The README's CPU table: runs experiments/cpu/{k1,k2,k3,e2e_k3}.yaml one after the other into
 * runs/cpu_table/<name>/ and prints per-stage test accuracy, final and ensemble accuracy, and wall time.
 *   npm run build && node dist/bench/cpu_table.js [--report-only]
 * Writes bench/results/cpu_table.json.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readJson } from '../src/core/run/tensor_file.js';
import type { RunSummary } from '../src/core/run/summary.js';
import { writeResult } from './common.js';

const SPECS = ['k1', 'k2', 'k3', 'e2e_k3'];
const bin = fileURLToPath(new URL('../../bin/layerwise.js', import.meta.url));
if (!process.argv.includes('--report-only')) {
  for (const name of SPECS) {
    execFileSync(process.execPath, [bin, 'run', `experiments/cpu/${name}.yaml`, '--run-dir', `runs/cpu_table/${name}`], { stdio: 'inherit' });
  }
}
const summaries = SPECS.map((name) => readJson<RunSummary>(path.join('runs/cpu_table', name, 'summary.json'))!);
const stages = Math.max(...summaries.map((s) => s.stages.length));
const pct = (x: number | null | undefined) => (x === null || x === undefined ? '-' : (100 * x).toFixed(2));
console.log(`| run | ${Array.from({ length: stages }, (_, j) => `stage ${j}`).join(' | ')} | final | ensemble | wall (s) |`);
console.log(`|---|${'---|'.repeat(stages + 3)}`);
for (const s of summaries) {
  const perStage = s.mode === 'greedy' ? s.stages.map((st) => pct(st.test_accuracy)) : [];
  while (perStage.length < stages) perStage.push('-');
  console.log(`| ${s.name} (${s.mode}) | ${perStage.join(' | ')} | ${pct(s.final_test_accuracy)} | ${pct(s.ensemble_test_accuracy)} | ${s.wall_seconds.toFixed(0)} |`);
}
writeResult('cpu_table', summaries.map((s) => ({
  name: s.name, mode: s.mode, stages: s.stages.map((st) => st.test_accuracy), final: s.final_test_accuracy, ensemble: s.ensemble_test_accuracy, wall_seconds: s.wall_seconds,
})));
