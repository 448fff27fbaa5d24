// `kvonce-trace batch s3://bucket/prefix/` against the loopback S3 stand-in (SigV4 checked on
// every request): dated listings, parallel downloads, an object the store refuses, shards and
// their merge, resume.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';

import { assertNoSecrets, requireBinary, run, tempDir } from './cloud_harness.mjs';
import { startS3Server } from './servers/s3_server.mjs';
import { ndjsonPayload as payload } from './ndjson_payloads.mjs';

const REGION = 'eu-west-3';
const KEYS = { accessKeyId: 'AKIAKVONCEBATCH00001', secretAccessKey: 'kvonce/Batch+Secret=Key0001' };
const BUCKET = 'kvonce-batch';

const OBJECTS = {
  'kvonce-trace/2025/10/09/a.json': payload(3),
  'kvonce-trace/2025/10/09/b.jsonl.gz': zlib.gzipSync(payload(4)),
  'kvonce-trace/2025/10/09/sub/c.json': payload(2, { invalid: true }),
  'kvonce-trace/2025/10/09/readme.txt': 'not a payload',
  'kvonce-trace/2025/10/10/d.json': payload(5),
  'kvonce-trace/2025/10/10/denied.json': payload(1),
  'kvonce-trace/2025/10/11/e.json': payload(1),
};

let s3;

before(async () => {
  requireBinary();
  s3 = await startS3Server({ region: REGION, pageSize: 2 });
  s3.addCredentials(KEYS);
  for (const [key, body] of Object.entries(OBJECTS)) s3.putObject(BUCKET, key, body);
});

after(async () => {
  await s3?.close();
});

const env = () => ({
  AWS_ACCESS_KEY_ID: KEYS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: KEYS.secretAccessKey,
  AWS_REGION: REGION,
  AWS_ENDPOINT_URL_S3: s3.pathStyleEndpoint,
});

const readLines = (file) =>
  fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

function denyOnce() {
  s3.inject({ match: (r) => r.key === 'kvonce-trace/2025/10/10/denied.json', status: 403, code: 'AccessDenied' });
}

describe('batch s3://bucket/ --from --to', () => {
  test('two days: valid, invalid and refused objects, each with its line; exit 1', async (t) => {
    const dir = tempDir(t);
    const results = path.join(dir, 'results.jsonl');
    denyOnce();
    const mark = s3.requests.length;
    const r = await run(
      ['batch', `s3://${BUCKET}/`, '--from', '2025-10-09', '--to', '2025-10-10', '--jobs', '2', '--results', results],
      env(), dir);
    assert.equal(r.code, 1, r.stderr);
    assertNoSecrets(r, [KEYS.secretAccessKey]);

    const lines = readLines(results).sort((a, b) => a.source.localeCompare(b.source));
    assert.deepEqual(lines.map((l) => l.source), [
      `s3://${BUCKET}/kvonce-trace/2025/10/09/a.json`,
      `s3://${BUCKET}/kvonce-trace/2025/10/09/b.jsonl.gz`,
      `s3://${BUCKET}/kvonce-trace/2025/10/09/sub/c.json`,
      `s3://${BUCKET}/kvonce-trace/2025/10/10/d.json`,
      `s3://${BUCKET}/kvonce-trace/2025/10/10/denied.json`,
    ]);
    const [a, b, c, d, denied] = lines;
    assert.equal(a.valid, true);
    assert.equal(a.events, 3);
    assert.equal(a.sha256, (await import('node:crypto')).createHash('sha256').update(OBJECTS['kvonce-trace/2025/10/09/a.json']).digest('hex'));
    assert.equal(b.valid, true);
    assert.equal(b.events, 4);
    assert.equal(b.bytes, OBJECTS['kvonce-trace/2025/10/09/b.jsonl.gz'].length);
    assert.equal(c.valid, false);
    assert.deepEqual(c.issueCounts, { 'multiple-success': 1 });
    assert.equal(d.valid, true);
    assert.equal(denied.valid, false);
    assert.equal(denied.error.kind, 'auth');
    assert.match(denied.error.message, /AccessDenied/);
    assert.equal(denied.sha256, null);

    // One listing per day (day 9 holds four keys: two pages), every request signed and answered.
    const seen = s3.requests.slice(mark);
    assert.equal(seen.filter((q) => q.key === '').length, 3);
    assert.ok(seen.every((q) => q.status === 200 || q.error === 'AccessDenied'), JSON.stringify(seen));
    assert.ok(!seen.some((q) => q.key === 'kvonce-trace/2025/10/11/e.json'), 'a day outside the range was read');
    assert.ok(!seen.some((q) => q.key.endsWith('readme.txt')), 'a non-payload object was downloaded');
    assert.match(r.stdout, /\| Source \| Kind \| Message \|/);
    assert.match(r.stdout, /denied\.json \| auth \|/);
  });

  test('shards download only their share; merge sees every payload once', async (t) => {
    const dir = tempDir(t);
    const files = [];
    const downloaded = [];
    for (let i = 0; i < 3; i++) {
      const results = path.join(dir, `r${i}.jsonl`);
      const mark = s3.requests.length;
      const r = await run(['batch', `s3://${BUCKET}/kvonce-trace/`, '--shard', `${i + 1}/3`, '--results', results], env(), dir);
      assert.ok(r.code === 0 || r.code === 1, r.stderr);
      files.push(results);
      downloaded.push(...s3.requests.slice(mark).filter((q) => q.key !== '').map((q) => q.key));
    }
    const payloads = Object.keys(OBJECTS).filter((k) => !k.endsWith('.txt'));
    assert.deepEqual([...downloaded].sort(), [...payloads].sort(), 'each object fetched by exactly one shard');
    const sources = files.flatMap(readLines).map((l) => l.source).sort();
    assert.deepEqual(sources, payloads.map((k) => `s3://${BUCKET}/${k}`).sort());

    const merged = await run(['batch', 'merge', ...files, '--summary', path.join(dir, 'summary.md')], {}, dir);
    assert.equal(merged.code, 1, merged.stderr); // c.json is invalid
    assert.match(merged.stdout, /batch: 5 of 6 payloads valid, 1 invalid/);
    const summary = fs.readFileSync(path.join(dir, 'summary.md'), 'utf8');
    assert.match(summary, /## kvonce-trace batch merge/);
    assert.match(summary, /sub\/c\.json/);
  });

  test('resume: recorded objects are fetched and hashed, not verified again', async (t) => {
    const dir = tempDir(t);
    const results = path.join(dir, 'results.jsonl');
    const first = await run(['batch', `s3://${BUCKET}/kvonce-trace/2025/10/09/`, '--results', results], env(), dir);
    assert.equal(first.code, 1, first.stderr);
    assert.equal(readLines(results).length, 3);
    const second = await run(['batch', `s3://${BUCKET}/kvonce-trace/2025/10/09/`, '--resume', results], env(), dir);
    assert.equal(second.code, 1, second.stderr);
    assert.equal((second.stderr.match(/RESUMED/g) || []).length, 3);
    assert.equal(readLines(results).length, 3);
    assert.match(second.stdout, /\| 3 \| 2 \| 1 \| 0 \| 0 \| 3 \|/);
  });

  test('a listing the store refuses ends the batch with exit 8 and no results file', async (t) => {
    const dir = tempDir(t);
    const results = path.join(dir, 'results.jsonl');
    const r = await run(['batch', `s3://${BUCKET}/kvonce-trace/`, '--results', results],
      { ...env(), AWS_SECRET_ACCESS_KEY: 'wrong-secret' }, dir);
    assert.equal(r.code, 8, r.stderr);
    assert.match(r.stderr, /SignatureDoesNotMatch/);
    assert.ok(!fs.existsSync(results));
    assertNoSecrets(r, ['wrong-secret']);
  });

  test('a listing whose tokens cycle A, B, A ends with exit 7 after three pages', async (t) => {
    const dir = tempDir(t);
    const bucket = 'kvonce-cycle';
    s3.putObject(bucket, 'p/a.json', payload(1));
    s3.cycleListingTokens(bucket, ['A', 'B']);
    t.after(() => s3.cycleListingTokens(bucket, null));
    const mark = s3.requests.length;
    const r = await run(['batch', `s3://${bucket}/p/`], env(), dir);
    assert.equal(r.code, 7, r.stderr);
    assert.match(r.stderr, /S3 ListObjectsV2 s3:\/\/kvonce-cycle\/p\/: page 3 repeats a continuation token/);
    const tokens = s3.requests.slice(mark).map((q) => new URL(q.url, 'http://x').searchParams.get('continuation-token'));
    assert.deepEqual(tokens, [null, 'A', 'B']);
  });
});
