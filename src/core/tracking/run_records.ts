import { execFileSync } from 'node:child_process';
import os from 'node:os';
import type { RunStartInfo } from './tracker.js';
import { LAYERWISE_VERSION } from '../version.js';
import { LIMITS, redactUri, type KeyValue } from './mlflow_client.js';

/** The resolved spec flattened to dotted keys (lists as JSON), the form MLflow params take. */
export function flattenSpec(value: unknown, prefix = ''): KeyValue[] {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return prefix ? [{ key: prefix, value: '{}' }] : [];
    return entries.flatMap(([k, v]) => flattenSpec(v, prefix ? `${prefix}.${k}` : k));
  }
  return [{ key: prefix, value: typeof value === 'string' ? value : JSON.stringify(value) }];
}

/** Params of a run: its flattened spec, with values past MLflow's limit cut (the whole spec is an artifact). */
export function runParams(info: RunStartInfo, warn: (line: string) => void): KeyValue[] {
  const spec = { ...info.spec, tracking: { ...info.spec.tracking, uri: info.spec.tracking.uri && redactUri(info.spec.tracking.uri) } };
  return flattenSpec(spec).map((p) => {
    if (p.value.length <= LIMITS.paramValue) return p;
    warn(`warning: param ${p.key} is ${p.value.length} characters; MLflow keeps ${LIMITS.paramValue}, so it is cut there (resolved.yaml holds it whole)`);
    return { key: p.key, value: p.value.slice(0, LIMITS.paramValue) };
  });
}


function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** Tags: MLflow's system tags (name, source, git, user, note) and layerwise' own (versions, backend, spec hash). */
export function runTags(info: RunStartInfo, runName: string): KeyValue[] {
  const commit = git(['rev-parse', 'HEAD']);
  const tags: Record<string, string> = {
    'mlflow.runName': runName,
    'mlflow.source.name': `layerwise run ${info.spec.name}`,
    'mlflow.source.type': 'LOCAL',
    'mlflow.user': os.userInfo().username,
    'layerwise.version': LAYERWISE_VERSION,
    'layerwise.spec_hash': info.specHash,
    'layerwise.run_id': info.runId,
    'layerwise.run_dir': info.runDir,
    'layerwise.backend': info.backend.name,
    'layerwise.tfjs_version': info.backend.tfjsVersion,
    'layerwise.libtensorflow_version': info.backend.libtensorflowVersion ?? 'none',
    'layerwise.mode': info.spec.training.mode,
    ...(commit ? { 'mlflow.source.git.commit': commit, 'layerwise.git_dirty': String((git(['status', '--porcelain']) ?? '') !== '') } : {}),
    ...(info.spec.description ? { 'mlflow.note.content': info.spec.description } : {}),
    ...info.spec.tracking.tags,
  };
  return Object.entries(tags).map(([key, value]) => ({ key, value: value.slice(0, LIMITS.tagValue) }));
}
