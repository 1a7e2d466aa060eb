import { stringify } from 'yaml';
import { formatProblem, uniqueBy, type SpecPath, type SpecProblem } from '../spec/errors.js';
import { resolveSpecFile, type Resolution } from '../spec/resolve.js';
import type { ResolvedSpec } from '../spec/types.js';
import { identityHash } from '../run/run_dir.js';

/** One trial of a grid: the values it sets, its resolved spec and its identity (the spec's hash). */
export interface Trial {
  id: string;
  values: Record<string, unknown>;
  spec: ResolvedSpec;
  /** `hidden_layers=2 width=32`: the trial's values by their last key. */
  label: string;
}

export interface GridExpansion {
  base: Resolution;
  trials: Trial[];
  /** Keys whose value differs between trials (the table's columns). */
  varying: string[];
  problems: SpecProblem[];
}

type Assignment = { values: Record<string, unknown>; origins: Record<string, SpecPath> };

/**
 * Expands a spec's grid: the cartesian product of `axes`, times each `zip` group (whose axes move
 * together), plus the explicit `trials`, minus those matching an `exclude` entry. Every trial is resolved
 * and validated like a spec; a problem in a trial points at the grid value that caused it.
 */
export async function expandGrid(file: string, sets: string[] = []): Promise<GridExpansion> {
  const base = await resolveSpecFile(file, { sets });
  if (!base.spec) return { base, trials: [], varying: [], problems: base.problems };
  const grid = base.spec.grid ?? { axes: {}, zip: [], trials: [], exclude: [], metric: 'final_test_accuracy' };

  let combos: Assignment[] = [{ values: {}, origins: {} }];
  for (const [key, values] of Object.entries(grid.axes)) {
    combos = combos.flatMap((c) => values.map((v, i) => ({ values: { ...c.values, [key]: v }, origins: { ...c.origins, [key]: ['grid', 'axes', key, i] } })));
  }
  grid.zip.forEach((group, g) => {
    const length = Object.values(group)[0]!.length;
    combos = combos.flatMap((c) => Array.from({ length }, (_, i) => ({
      values: { ...c.values, ...Object.fromEntries(Object.entries(group).map(([k, v]) => [k, v[i]])) },
      origins: { ...c.origins, ...Object.fromEntries(Object.keys(group).map((k) => [k, ['grid', 'zip', g, k, i] as SpecPath])) },
    })));
  });
  if (Object.keys(grid.axes).length === 0 && grid.zip.length === 0 && grid.trials.length > 0) combos = [];
  combos.push(...grid.trials.map((t, i) => ({ values: t, origins: Object.fromEntries(Object.keys(t).map((k) => [k, ['grid', 'trials', i, k] as SpecPath])) })));
  const matches = (c: Assignment, rule: Record<string, unknown>) => Object.entries(rule).every(([k, v]) => JSON.stringify(c.values[k]) === JSON.stringify(v));
  combos = combos.filter((c) => !grid.exclude.some((rule) => matches(c, rule)));

  const problems: SpecProblem[] = [];
  const trials: Trial[] = [];
  const seen = new Set<string>();
  for (const combo of combos) {
    const args = Object.entries(combo.values).map(([k, v]) => `${k}=${stringify(v, { lineWidth: 0, collectionStyle: 'flow' }).trim()}`);
    const r = await resolveSpecFile(file, { sets: [...sets, ...args], withoutGrid: true });
    if (!r.spec) {
      const label = describe(combo.values);
      for (const p of r.problems) {
        const i = args.findIndex((a) => p.file === `(--set ${a})`);
        const at = i >= 0 ? base.locate(combo.origins[Object.keys(combo.values)[i]!]!) : p;
        problems.push({ ...p, file: at.file, line: at.line, col: at.col, message: `trial ${label}: ${p.message}` });
      }
      continue;
    }
    const id = identityHash(r.spec);
    if (seen.has(id)) continue;
    seen.add(id);
    trials.push({ id, values: combo.values, spec: r.spec, label: describe(combo.values) });
  }
  const keys = [...new Set(trials.flatMap((t) => Object.keys(t.values)))];
  const varying = keys.filter((k) => new Set(trials.map((t) => JSON.stringify(t.values[k]))).size > 1);
  return { base, trials, varying, problems: uniqueBy(problems, formatProblem) };
}

function describe(values: Record<string, unknown>): string {
  return Object.entries(values).map(([k, v]) => `${k.split('.').pop()}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' ') || '(base)';
}
