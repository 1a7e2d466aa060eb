import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MlflowClient, MlflowError, redactUri, splitBatch } from '../../../src/core/tracking/mlflow_client.js';
import { flattenSpec } from '../../../src/core/tracking/run_records.js';

/** A loopback HTTP server answering from a script of [status, body] pairs; records requests. */
async function fakeServer(script: [number, unknown][]) {
  const requests: { url: string; body: string; auth?: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      requests.push({ url: req.url!, body, auth: req.headers.authorization });
      const [status, answer] = script.shift() ?? [200, {}];
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const uri = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { uri, requests, close: () => new Promise((r) => server.close(r)) };
}

describe('MLflow client (against a fake server)', () => {
  it('splits batches at 1000 metrics, 100 params and 100 tags', () => {
    const metrics = Array.from({ length: 2500 }, (_, i) => ({ key: 'm', value: i, step: i, timestamp: 0 }));
    const params = Array.from({ length: 150 }, (_, i) => ({ key: `p${i}`, value: 'v' }));
    const chunks = splitBatch({ metrics, params, tags: [] });
    for (const c of chunks) {
      assert.ok(c.metrics.length <= 1000 && c.params.length <= 100 && c.metrics.length + c.params.length + c.tags.length <= 1000);
      assert.ok(JSON.stringify(c).length < 1_000_000);
    }
    assert.equal(chunks.flatMap((c) => c.metrics).length, 2500);
    assert.equal(chunks.flatMap((c) => c.params).length, 150);
  });

  it('keeps requests under 1 MB', () => {
    const params = Array.from({ length: 100 }, (_, i) => ({ key: `p${i}`, value: 'x'.repeat(6000) }));
    const tags = Array.from({ length: 100 }, (_, i) => ({ key: `t${i}`, value: 'y'.repeat(8000) }));
    const chunks = splitBatch({ params, tags });
    assert.ok(chunks.length >= 2);
    for (const c of chunks) assert.ok(JSON.stringify(c).length < 1_000_000);
  });

  it('sends NaN and infinities as strings the server accepts', async () => {
    const server = await fakeServer([[200, {}]]);
    await new MlflowClient(server.uri).logBatch('r1', { metrics: [
      { key: 'a', value: NaN, step: 0, timestamp: 1 }, { key: 'b', value: Infinity, step: 0, timestamp: 1 }, { key: 'c', value: -Infinity, step: 0, timestamp: 1 },
    ] });
    assert.deepEqual(JSON.parse(server.requests[0]!.body).metrics.map((m: { value: unknown }) => m.value), ['NaN', 'Infinity', '-Infinity']);
    await server.close();
  });

  it('retries 503 (database is locked) and 429 with backoff, and gives up on 400 at once', async () => {
    const server = await fakeServer([
      [503, { error_code: 'TEMPORARILY_UNAVAILABLE', message: 'database is locked' }], [429, { error_code: 'REQUEST_LIMIT_EXCEEDED' }], [200, {}],
      [400, { error_code: 'INVALID_PARAMETER_VALUE', message: 'Changing param values is not allowed' }],
    ]);
    const client = new MlflowClient(server.uri, { backoffMs: 1 });
    await client.setTag('r', 'k', 'v');
    assert.equal(server.requests.length, 3);
    await assert.rejects(client.setTag('r', 'k', 'v'), (e: MlflowError) => !e.retryable && e.status === 400 && /Changing param values/.test(e.message));
    assert.equal(server.requests.length, 4);
    await server.close();
  });

  it('treats an unreachable server as retryable', async () => {
    const client = new MlflowClient('http://127.0.0.1:9', { maxRetries: 0 });
    await assert.rejects(client.setTag('r', 'k', 'v'), (e: MlflowError) => e.retryable && e.status === null);
  });

  it('finds the experiment another process created first', async () => {
    const server = await fakeServer([
      [404, { error_code: 'RESOURCE_DOES_NOT_EXIST' }], [400, { error_code: 'RESOURCE_ALREADY_EXISTS' }], [200, { experiment: { experiment_id: '7', lifecycle_stage: 'active' } }],
    ]);
    assert.equal(await new MlflowClient(server.uri).getOrCreateExperiment('e'), '7');
    await server.close();
  });

  it('takes credentials from the environment or the URI, and never shows them', async () => {
    const server = await fakeServer([[200, {}], [200, {}], [500, {}]]);
    await new MlflowClient(server.uri, { env: { MLFLOW_TRACKING_USERNAME: 'u', MLFLOW_TRACKING_PASSWORD: 'secret-pw' } }).setTag('r', 'k', 'v');
    await new MlflowClient(server.uri, { env: { MLFLOW_TRACKING_TOKEN: 'tok' } }).setTag('r', 'k', 'v');
    assert.equal(server.requests[0]!.auth, `Basic ${Buffer.from('u:secret-pw').toString('base64')}`);
    assert.equal(server.requests[1]!.auth, 'Bearer tok');
    const withUserInfo = server.uri.replace('http://', 'http://u:secret-pw@');
    await assert.rejects(new MlflowClient(withUserInfo, { maxRetries: 0 }).setTag('r', 'k', 'v'), (e: Error) => !e.message.includes('secret-pw'));
    assert.equal(redactUri(withUserInfo), server.uri);
    await server.close();
  });

  it('flattens a spec into dotted params', () => {
    assert.deepEqual(flattenSpec({ a: { b: 1, c: [1, 2] }, d: 'x', e: null, f: {} }), [
      { key: 'a.b', value: '1' }, { key: 'a.c', value: '[1,2]' }, { key: 'd', value: 'x' }, { key: 'e', value: 'null' }, { key: 'f', value: '{}' },
    ]);
  });
});
