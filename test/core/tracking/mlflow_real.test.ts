/**
 * Tracking against real MLflow servers (mlflow server, sqlite, artifact proxy, loopback): everything a
 * run logs arrives, a server that goes away loses nothing and duplicates nothing, concurrent runs,
 * over-long params, basic auth, and the local store opened by MLflow itself.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { MlflowClient, type Run } from '../../../src/core/tracking/mlflow_client.js';
import { JournalTracker } from '../../../src/core/tracking/journal_tracker.js';
import { RestSink } from '../../../src/core/tracking/rest_sink.js';
import { flattenSpec } from '../../../src/core/tracking/run_records.js';
import { Journal } from '../../../src/core/tracking/journal.js';
import { resolveOrThrow } from '../../../src/core/spec/resolve.js';
import { runExperiment } from '../../../src/core/run/orchestrator.js';
import { silentProgress } from '../../../src/core/run/progress.js';
import { StopSignal } from '../../../src/core/run/stop_signal.js';
import type { RunSummary } from '../../../src/core/run/summary.js';
import type { ResolvedSpec } from '../../../src/core/spec/types.js';
import { tempDir } from '../../helpers.js';
import { ADMIN, sharedMlflowUri, startMlflowServer } from '../../mlflow_server.js';

function specYaml(name: string, extra: Record<string, unknown> = {}): string {
  return stringify({
    name, seed: 3,
    dataset: { type: 'synthetic', image_size: 8, train_count: 128, test_count: 64 },
    model: { stages: 2, width: 4, head: { type: 'aux_conv', hidden_layers: 1 } },
    training: { epochs: 2, batch_size: 32, optimizer: { type: 'sgd', lr: 0.05 } },
    ...extra,
  });
}

function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.resolve('bin/layerwise.js'), ...args], { cwd, env: { ...process.env, ...env } });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('exit', (code) => resolve({ code: code ?? -1, output }));
  });
}

async function findRun(client: MlflowClient, experiment: string, layerwiseRunId: string): Promise<Run> {
  const exp = await client.getExperimentByName(experiment);
  assert.ok(exp, `experiment ${experiment} missing`);
  const runs = await client.searchRuns([exp.experiment_id], `tags."layerwise.run_id" = '${layerwiseRunId}'`);
  assert.equal(runs.length, 1, `runs for ${layerwiseRunId}: ${runs.length}`);
  return client.getRun(runs[0]!.info.run_id);
}

/** Checks that every metric point of the summary reached the server exactly once, with its step. */
async function assertMetricsComplete(client: MlflowClient, run: Run, summary: RunSummary): Promise<void> {
  const history = summary.stages.flatMap((s) => s.history);
  const expected: Record<string, number[]> = {
    train_loss: history.map((h) => h.train_loss),
    test_accuracy: history.map((h) => h.test_accuracy!),
    lr: history.map((h) => h.lr),
  };
  for (const [key, values] of Object.entries(expected)) {
    const points = (await client.getMetricHistory(run.info.run_id, key)).sort((a, b) => a.step - b.step);
    assert.deepEqual(points.map((p) => p.step), values.map((_, i) => i), `${key} steps`);
    points.forEach((p, i) => assert.ok(Math.abs(p.value - values[i]!) < 1e-6, `${key}[${i}]: ${p.value} vs ${values[i]}`));
  }
  const stageAcc = await client.getMetricHistory(run.info.run_id, 'stage_test_accuracy');
  assert.deepEqual(stageAcc.map((p) => p.step).sort(), summary.stages.map((s) => s.stage));
  const final = await client.getMetricHistory(run.info.run_id, 'final_test_accuracy');
  assert.equal(final.length, 1);
  assert.equal(final[0]!.value, summary.final_test_accuracy);
}

describe('tracking against a real MLflow server @slow @mlflow', function () {
  this.timeout(600_000);
  let uri: string;
  before(async () => (uri = await sharedMlflowUri()));

  it('a run with MLFLOW_TRACKING_URI set arrives complete: params, tags, every metric point with its step, artifacts, status', async () => {
    const dir = tempDir({ 'spec.yaml': specYaml('tracked-run') });
    const { code, output } = await cli(['run', 'spec.yaml', '--run-dir', 'run'], dir, { MLFLOW_TRACKING_URI: uri });
    assert.equal(code, 0, output);
    const summary = JSON.parse(readFileSync(path.join(dir, 'run', 'summary.json'), 'utf8')) as RunSummary;
    const client = new MlflowClient(uri);
    const run = await findRun(client, 'tracked-run', 'run');
    assert.equal(run.info.status, 'FINISHED');
    const { spec } = await resolveOrThrow(path.join(dir, 'run', 'resolved.yaml'));
    const params = Object.fromEntries(run.data.params.map((p) => [p.key, p.value]));
    assert.deepEqual(params, Object.fromEntries(flattenSpec(spec).map((p) => [p.key, p.value])));
    const tags = Object.fromEntries(run.data.tags.map((t) => [t.key, t.value]));
    assert.equal(tags['mlflow.runName'], 'run');
    assert.equal(tags['layerwise.backend'], 'tensorflow');
    assert.match(tags['layerwise.libtensorflow_version']!, /^2\./);
    assert.equal(tags['layerwise.spec_hash'], summary.spec_hash);
    assert.ok(tags['mlflow.user']);
    await assertMetricsComplete(client, run, summary);
    const artifacts = (await client.listArtifacts(run.info.run_id)).map((f) => f.path).sort();
    assert.deepEqual(artifacts, ['model', 'plots', 'resolved.yaml', 'summary.json']);
    assert.deepEqual((await client.listArtifacts(run.info.run_id, 'model')).map((f) => f.path), ['model/weights.lwt']);
    assert.deepEqual((await client.listArtifacts(run.info.run_id, 'plots')).map((f) => f.path), ['plots/stage_accuracy.svg']);
    const uploaded = await client.downloadArtifact(run.info.artifact_uri, 'summary.json');
    assert.equal(JSON.parse(uploaded.toString()).final_test_accuracy, summary.final_test_accuracy);
  });

  it('loses and duplicates nothing when the server is stopped mid-run and restarted', async () => {
    const server = await startMlflowServer();
    const dir = tempDir({ 'spec.yaml': specYaml('server-restart', { training: { epochs: 3, batch_size: 32, optimizer: { type: 'sgd', lr: 0.05 } }, tracking: { uri: server.uri } }) });
    const { spec, registry } = await resolveOrThrow(path.join(dir, 'spec.yaml'));
    const tracker = new JournalTracker(new RestSink(server.uri, { maxRetries: 1, backoffMs: 100 }), { retryDelayMs: 200, flushTimeoutMs: 120_000, log: () => {} });
    let stopped: Promise<void> | null = null;
    let restarted: Promise<void> | null = null;
    const progress = {
      ...silentProgress,
      epochEnd(stage: number, r: { epoch: number }) {
        if (stage === 0 && r.epoch === 0) stopped = server.stop();
        if (stage === 1 && r.epoch === 0) restarted = stopped!.then(() => server.start());
      },
    };
    const summary = await runExperiment({ spec, registry, runDir: path.join(dir, 'run'), tracker, progress, log: () => {} });
    await restarted;
    assert.equal(tracker.pending(), 0);
    const client = new MlflowClient(server.uri);
    const run = await findRun(client, 'server-restart', 'run');
    assert.equal(run.info.status, 'FINISHED');
    await assertMetricsComplete(client, run, summary);
    await server.stop();
  });

  it('ends an interrupted run KILLED, resumes it into the same MLflow run (FINISHED, every point once), and a failed run FAILED', async () => {
    const experiment = `status-${Date.now()}`;
    const dir = tempDir({
      'spec.yaml': specYaml('status', { tracking: { uri, experiment } }),
      'nan.yaml': specYaml('status-nan', { tracking: { uri, experiment }, training: { epochs: 1, batch_size: 32, optimizer: { type: 'sgd', lr: 1e30 } } }),
    });
    const client = new MlflowClient(uri);
    const track = () => new JournalTracker(new RestSink(uri), { log: () => {} });
    const { spec, registry } = await resolveOrThrow(path.join(dir, 'spec.yaml'));
    const stop = new StopSignal();
    const stopAfterFirstEpoch = { ...silentProgress, epochEnd: () => (stop.requested = true) };
    await assert.rejects(runExperiment({ spec, registry, runDir: path.join(dir, 'run'), tracker: track(), progress: stopAfterFirstEpoch, stop, log: () => {} }), /interrupted/);
    const killed = await findRun(client, experiment, 'run');
    assert.equal(killed.info.status, 'KILLED');

    const summary = await runExperiment({ spec, registry, runDir: path.join(dir, 'run'), tracker: track(), log: () => {} });
    const resumed = await findRun(client, experiment, 'run');
    assert.equal(resumed.info.run_id, killed.info.run_id);
    assert.equal(resumed.info.status, 'FINISHED');
    assert.equal(resumed.data.tags.find((t) => t.key === 'layerwise.resumed')?.value, 'true');
    await assertMetricsComplete(client, resumed, summary);

    const nan = await resolveOrThrow(path.join(dir, 'nan.yaml'));
    await assert.rejects(runExperiment({ spec: nan.spec, registry: nan.registry, runDir: path.join(dir, 'nan'), tracker: track(), log: () => {} }), /the loss is/);
    assert.equal((await findRun(client, experiment, 'nan')).info.status, 'FAILED');
  });

  it('delivers later with `layerwise sync` what could not be sent while the server was down', async () => {
    const server = await startMlflowServer();
    await server.stop();
    const dir = tempDir({ 'spec.yaml': specYaml('sync-later', { tracking: { uri: server.uri } }) });
    const first = await cli(['run', 'spec.yaml', '--run-dir', 'run'], dir, { LAYERWISE_TRACKING_FLUSH_TIMEOUT_MS: '2000' });
    assert.equal(first.code, 0, first.output);
    assert.match(first.output, /record\(s\) not yet delivered .*Deliver them with: layerwise sync/);
    await server.start();
    const synced = await cli(['sync', 'run'], dir, {});
    assert.equal(synced.code, 0, synced.output);
    const again = await cli(['sync', 'run'], dir, {});
    assert.match(again.output, /delivered 0 record/);
    const client = new MlflowClient(server.uri);
    const run = await findRun(client, 'sync-later', 'run');
    assert.equal(run.info.status, 'FINISHED');
    await assertMetricsComplete(client, run, JSON.parse(readFileSync(path.join(dir, 'run', 'summary.json'), 'utf8')));
    await server.stop();
  });

  it('takes two runs logging at once to one new experiment, and NaN and infinite values', async () => {
    const experiment = `concurrent-${Date.now()}`;
    const trackers = [0, 1].map(() => new JournalTracker(new RestSink(uri), { log: () => {} }));
    const dirs = [tempDir(), tempDir()];
    const spec = { ...(await resolveOrThrow(path.join(tempDir({ 's.yaml': specYaml('c') }), 's.yaml'))).spec, tracking: { uri, experiment, run_name: null, tags: {}, enabled: true } } as ResolvedSpec;
    const backend = { name: 'tensorflow' as const, engine: 'tensorflow', tfjsVersion: 'x', libtensorflowVersion: 'y', intraOpThreads: '', interOpThreads: '' };
    await Promise.all(trackers.map((t, i) => t.start({ runDir: dirs[i]!, runId: `run-${i}`, spec, specHash: 'h', backend, resumed: false })));
    for (let step = 0; step < 300; step++) trackers.forEach((t, i) => t.logMetrics([{ key: 'loss', value: i + step / 1000, step, timestamp: 1000 + step }]));
    trackers[0]!.logMetrics([NaN, Infinity, -Infinity].map((value, step) => ({ key: 'odd', value, step, timestamp: 1 })));
    await Promise.all(trackers.map((t) => t.end('finished')));
    const client = new MlflowClient(uri);
    for (const i of [0, 1]) {
      const run = await findRun(client, experiment, `run-${i}`);
      const points = await client.getMetricHistory(run.info.run_id, 'loss');
      assert.equal(points.length, 300);
      assert.equal(run.info.status, 'FINISHED');
    }
    const odd = await client.getMetricHistory((await findRun(client, experiment, 'run-0')).info.run_id, 'odd');
    const byStep = odd.sort((a, b) => a.step - b.step).map((p) => p.value);
    assert.ok(Number.isNaN(byStep[0]), `NaN arrived as ${byStep[0]}`);
    assert.ok(byStep[1]! > 1e300 && byStep[2]! < -1e300, `infinities arrived as ${byStep.slice(1)}`);
  });

  it('cuts a param longer than 6000 characters, with a warning, and keeps it whole in resolved.yaml', async () => {
    const description = 'd'.repeat(7000);
    const dir = tempDir({ 'spec.yaml': specYaml('long-param', { description, tracking: { uri } }) });
    const { code, output } = await cli(['run', 'spec.yaml', '--run-dir', 'run'], dir, {});
    assert.equal(code, 0, output);
    assert.match(output, /warning: param description is 7000 characters; MLflow keeps 6000/);
    const client = new MlflowClient(uri);
    const run = await findRun(client, 'long-param', 'run');
    assert.equal(run.data.params.find((p) => p.key === 'description')!.value.length, 6000);
    const resolved = (await client.downloadArtifact(run.info.artifact_uri, 'resolved.yaml')).toString();
    assert.ok(resolved.includes(description));
  });

  it('logs to a server with basic auth using MLFLOW_TRACKING_USERNAME/PASSWORD, keeping the password out of every record', async () => {
    const server = await startMlflowServer({ auth: true });
    const dir = tempDir({ 'spec.yaml': specYaml('auth-run', { tracking: { uri: server.uri } }) });
    const creds = { MLFLOW_TRACKING_USERNAME: ADMIN.username, MLFLOW_TRACKING_PASSWORD: ADMIN.password };
    const { code, output } = await cli(['run', 'spec.yaml', '--run-dir', 'run'], dir, creds);
    assert.equal(code, 0, output);
    const run = await findRun(new MlflowClient(server.uri, { env: creds }), 'auth-run', 'run');
    assert.equal(run.info.status, 'FINISHED');
    for (const file of ['tracking/journal.jsonl', 'summary.json', 'resolved.yaml']) {
      assert.ok(!readFileSync(path.join(dir, 'run', file), 'utf8').includes(ADMIN.password), file);
    }
    assert.ok(!output.includes(ADMIN.password));
    assert.ok(!JSON.stringify(run.data).includes(ADMIN.password));
    const refused = await cli(['run', 'spec.yaml', '--run-dir', 'run2'], dir, {});
    assert.match(refused.output, /tracking delivery stopped: .*401/);
    await server.stop();
  });

  it('logs a grid as a parent run with one child run per trial, and its results on the parent', async () => {
    const experiment = `grid-${Date.now()}`;
    const dir = tempDir({ 'spec.yaml': specYaml('grid-run', {
      training: { epochs: 1, batch_size: 32, optimizer: { type: 'sgd', lr: 0.05 } },
      tracking: { uri, experiment },
      grid: { axes: { 'model.width': [4, 8] } },
    }) });
    const { code, output } = await cli(['grid', 'spec.yaml'], dir, {});
    assert.equal(code, 0, output);
    const client = new MlflowClient(uri);
    const exp = (await client.getExperimentByName(experiment))!;
    const runs = await client.searchRuns([exp.experiment_id]);
    assert.equal(runs.length, 3);
    const parent = runs.find((r) => !(r.data.tags ?? []).some((t) => t.key === 'mlflow.parentRunId'))!;
    const children = runs.filter((r) => r !== parent);
    for (const child of children) {
      assert.equal(child.data.tags!.find((t) => t.key === 'mlflow.parentRunId')!.value, parent.info.run_id);
      assert.equal(child.info.status, 'FINISHED');
    }
    assert.deepEqual(children.map((c) => c.data.tags!.find((t) => t.key === 'mlflow.runName')!.value).sort(), ['width=4', 'width=8']);
    assert.equal(parent.info.status, 'FINISHED');
    assert.deepEqual((await client.listArtifacts(parent.info.run_id)).map((f) => f.path).sort(), ['results.csv', 'results.md', 'stage_accuracy.svg']);
  });

  it('writes a local store that MLflow itself lists, when no server is configured', async () => {
    const dir = tempDir({ 'spec.yaml': specYaml('local-store') });
    const env = { MLFLOW_TRACKING_URI: '' };
    const { code, output } = await cli(['run', 'spec.yaml', '--run-dir', 'run'], dir, env);
    assert.equal(code, 0, output);
    assert.match(output, new RegExp(`tracking to ${dir.replace(/[/\\]/g, '.')}.mlruns`));
    const server = await startMlflowServer({ backendStoreUri: path.join(dir, 'mlruns'), env: { MLFLOW_ALLOW_FILE_STORE: 'true' } });
    const client = new MlflowClient(server.uri);
    const run = await findRun(client, 'local-store', 'run');
    const summary = JSON.parse(readFileSync(path.join(dir, 'run', 'summary.json'), 'utf8')) as RunSummary;
    assert.equal(run.info.status, 'FINISHED');
    assert.equal(run.data.params.find((p) => p.key === 'model.stages')!.value, '2');
    await assertMetricsComplete(client, run, summary);
    assert.ok(new Journal(path.join(dir, 'run', 'tracking')).read().length > 5);
    await server.stop();
  });
});

