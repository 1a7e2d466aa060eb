import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { lineChartSvg } from '../run/plot.js';
import type { RunSummary } from '../run/summary.js';
import type { GridExpansion } from './expand.js';
import { trialDir, trialStatus, trialSummary, type TrialStatus } from './status.js';

export interface GridRow {
  id: string;
  label: string;
  values: Record<string, unknown>;
  status: TrialStatus;
  summary: RunSummary | null;
  metric: number | null;
}

/** One row per trial with its summary, sorted by the grid's metric (higher is better; unfinished last). */
export function gridRows(exp: GridExpansion, gridDir: string): GridRow[] {
  const metric = exp.base.spec!.grid?.metric ?? 'final_test_accuracy';
  const rows = exp.trials.map((t) => {
    const dir = trialDir(gridDir, t.id);
    const summary = trialSummary(dir);
    const value = summary ? (summary as unknown as Record<string, unknown>)[metric] : null;
    return { id: t.id, label: t.label, values: t.values, status: trialStatus(dir), summary, metric: typeof value === 'number' ? value : null };
  });
  return rows.sort((a, b) => (b.metric ?? -Infinity) - (a.metric ?? -Infinity));
}

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '' : (100 * x).toFixed(2));
const cell = (v: unknown) => (typeof v === 'object' ? JSON.stringify(v) : String(v));

function table(exp: GridExpansion, rows: GridRow[]): { header: string[]; body: string[][] } {
  const stages = Math.max(0, ...rows.map((r) => r.summary?.stages.length ?? 0));
  const header = ['', 'trial', ...exp.varying, ...Array.from({ length: stages }, (_, j) => `stage ${j} test %`), 'final test %', 'ensemble %', 'wall s', 'status'];
  const best = rows.find((r) => r.status === 'finished' && r.metric !== null);
  const body = rows.map((r) => [
    r === best ? 'best' : '',
    r.id,
    ...exp.varying.map((k) => (k in r.values ? cell(r.values[k]) : '')),
    ...Array.from({ length: stages }, (_, j) => pct(r.summary?.stages[j]?.test_accuracy)),
    pct(r.summary?.final_test_accuracy),
    pct(r.summary?.ensemble_test_accuracy),
    r.summary ? r.summary.wall_seconds.toFixed(0) : '',
    r.status,
  ]);
  return { header, body };
}

/** Writes results.md, results.csv and stage_accuracy.svg into the grid directory; returns their paths. */
export function writeGridReport(exp: GridExpansion, gridDir: string): string[] {
  const rows = gridRows(exp, gridDir);
  const { header, body } = table(exp, rows);
  const metric = exp.base.spec!.grid?.metric ?? 'final_test_accuracy';
  const md = `# ${exp.base.spec!.name}: ${rows.length} trials, sorted by ${metric}\n\n${markdownTable(header, body)}\n`;
  const csvCell = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const csv = [['best', ...header.slice(1)], ...body].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
  const svg = lineChartSvg(`${exp.base.spec!.name}: test accuracy per stage`, 'stage',
    rows.filter((r) => r.summary).map((r) => ({ name: r.label.slice(0, 28), values: r.summary!.stages.map((s) => s.test_accuracy) })));
  const files = ['results.md', 'results.csv', 'stage_accuracy.svg'].map((f) => path.join(gridDir, f));
  [md, csv, svg].forEach((text, i) => writeFileSync(files[i]!, text));
  return files;
}

export function formatMarkdownTable(exp: GridExpansion, gridDir: string): string {
  const { header, body } = table(exp, gridRows(exp, gridDir));
  return markdownTable(header, body);
}

export function markdownTable(header: string[], body: string[][]): string {
  return [header, header.map(() => '---'), ...body].map((r) => `| ${r.join(' | ')} |`).join('\n');
}
