// `kvonce-trace fetch --url` against a loopback HTTP server with fault injection: every fault
// ends with its documented exit code, a clear message and no file left behind.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';

import { assertNoSecrets, listFiles, readJson, requireBinary, run, tempDir } from './cloud_harness.mjs';
import { startHttpServer } from './servers/http_server.mjs';

const PAYLOAD = fs.readFileSync(new URL('../data/kvonce-otlp.json', import.meta.url));
const SHA = crypto.createHash('sha256').update(PAYLOAD).digest('hex');
const SIGNATURE = 'c0ffee5ecretf00dsignature0123456789abcdef';
const CREDENTIAL = 'AKIAKVONCEHTTPTEST01';
const SECRETS = [SIGNATURE, CREDENTIAL];

let server;

before(async () => {
  requireBinary();
  server = await startHttpServer({ payload: PAYLOAD, signature: SIGNATURE });
});

after(async () => {
  await server?.close();
});

// Runs `fetch --url` into a fresh directory; returns the result, the directory and the target.
async function fetchUrl(t, url, extra = [], env = {}) {
  const dir = tempDir(t);
  const target = path.join(dir, 'payload.json');
  const result = await run(['fetch', '--url', url, '--target', target, ...extra], env, dir);
  return { ...result, dir, target };
}

function assertNothingLeft(r) {
  assert.deepEqual(listFiles(r.dir), [], `files left behind: ${listFiles(r.dir)}`);
}

describe('fetch --url: success paths', () => {
  test('plain download: file, metadata beside it, summary on stdout', async (t) => {
    const r = await fetchUrl(t, server.url('/payload.json'));
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(fs.readFileSync(r.target), PAYLOAD);
    assert.deepEqual(listFiles(r.dir), ['kvonce-payload-metadata.json', 'payload.json']);
    const meta = readJson(path.join(r.dir, 'kvonce-payload-metadata.json'));
    assert.equal(meta.sourceType, 'url');
    assert.equal(meta.sourceDetail, server.url('/payload.json'));
    assert.equal(meta.sha256, SHA);
    assert.equal(meta.sizeBytes, PAYLOAD.length);
    assert.equal(meta.contentEncoding, 'identity');
    assert.equal(meta.attempts, 1);
    assert.match(meta.fetchedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(meta.tool.name, 'kvonce-trace');
    assert.match(r.stdout, new RegExp(`fetched url .* -> .*payload\\.json \\(${PAYLOAD.length} bytes, sha256 ${SHA}`));
  });

  test('presigned URL: the signature is sent, and appears nowhere in output or metadata', async (t) => {
    const url = server.url(`/signed?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${CREDENTIAL}%2F20251009%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=${SIGNATURE}`);
    const r = await fetchUrl(t, url, ['--expect-sha256', SHA.toUpperCase()]);
    assert.equal(r.code, 0, r.stderr);
    const metaText = fs.readFileSync(path.join(r.dir, 'kvonce-payload-metadata.json'), 'utf8');
    assert.equal(JSON.parse(metaText).sourceDetail, server.url('/signed?X-Amz-Algorithm=AWS4-HMAC-SHA256'));
    assertNoSecrets(r, SECRETS);
    for (const secret of SECRETS) assert.ok(!metaText.includes(secret), 'metadata leaks a secret');
  });

  test('a rejected presigned URL: exit 8, SignatureDoesNotMatch, the URL quoted redacted', async (t) => {
    const r = await fetchUrl(t, server.url(`/signed?X-Amz-Signature=wrong${SIGNATURE}&X-Amz-Credential=${CREDENTIAL}`));
    assert.equal(r.code, 8, r.stderr);
    assert.match(r.stderr, /\/signed: HTTP 403 SignatureDoesNotMatch/);
    assertNoSecrets(r, SECRETS);
    assertNothingLeft(r);
  });

  test('500 then 200: retried, attempts recorded', async (t) => {
    const r = await fetchUrl(t, server.url('/flaky?id=a'));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(server.count('/flaky', 'a'), 2);
    assert.match(r.stderr, /HTTP 500, retrying in/);
    assert.equal(readJson(path.join(r.dir, 'kvonce-payload-metadata.json')).attempts, 2);
    assert.deepEqual(fs.readFileSync(r.target), PAYLOAD);
  });

  test('429 with Retry-After: 1 waits a second before the retry', async (t) => {
    const r = await fetchUrl(t, server.url('/throttled?id=a'));
    assert.equal(r.code, 0, r.stderr);
    const seen = server.requests.filter((q) => q.route === '/throttled' && q.id === 'a');
    assert.equal(seen.length, 2);
    assert.ok(seen[1].time - seen[0].time >= 950, `retried after ${seen[1].time - seen[0].time} ms`);
  });

  test('S3 SlowDown (503) is retried', async (t) => {
    const r = await fetchUrl(t, server.url('/slowdown?id=a'));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(server.count('/slowdown', 'a'), 2);
  });

  test('a connection reset mid-body, then success: the file holds the complete body only', async (t) => {
    const r = await fetchUrl(t, server.url('/reset-once?id=a'));
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(fs.readFileSync(r.target), PAYLOAD);
    assert.deepEqual(listFiles(r.dir), ['kvonce-payload-metadata.json', 'payload.json']);
  });

  test('a stored gzip object with Content-Encoding: gzip is saved as stored', async (t) => {
    const r = await fetchUrl(t, server.url('/gzip'));
    assert.equal(r.code, 0, r.stderr);
    const saved = fs.readFileSync(r.target);
    assert.deepEqual(saved, zlib.gzipSync(PAYLOAD));
    assert.deepEqual(zlib.gunzipSync(saved), PAYLOAD);
    const meta = readJson(path.join(r.dir, 'kvonce-payload-metadata.json'));
    assert.equal(meta.contentEncoding, 'gzip');
    assert.equal(meta.sha256, crypto.createHash('sha256').update(saved).digest('hex'));
  });

  test('a redirect on the same server is followed', async (t) => {
    const r = await fetchUrl(t, server.url('/redirect-ok'));
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(fs.readFileSync(r.target), PAYLOAD);
  });

  test('KVONCE_OTLP_PAYLOAD_URL is the source when no flag is given', async (t) => {
    const dir = tempDir(t);
    const target = path.join(dir, 'p.json');
    const r = await run(['fetch', '--target', target], { KVONCE_OTLP_PAYLOAD_URL: server.url('/payload.json') }, dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readJson(path.join(dir, 'kvonce-payload-metadata.json')).sourceType, 'url');
    assert.deepEqual(fs.readFileSync(target), PAYLOAD);
  });
});

describe('fetch --url: faults end as designed, nothing left behind', () => {
  test('connection reset on every attempt: exit 7 after the retries', async (t) => {
    const r = await fetchUrl(t, server.url('/reset?id=a'), ['--retries', '1']);
    assert.equal(r.code, 7, r.stderr);
    assert.equal(server.count('/reset', 'a'), 2);
    assert.match(r.stderr, /fetch error: .*\/reset.*gave up after 2 attempts/);
    assertNothingLeft(r);
  });

  test('a stalled body: the timeout ends it, exit 7', async (t) => {
    const started = Date.now();
    const r = await fetchUrl(t, server.url('/stall?id=a'), ['--timeout', '1', '--retries', '0']);
    assert.equal(r.code, 7, r.stderr);
    assert.match(r.stderr, /timed out/i);
    assert.ok(Date.now() - started < 15_000);
    assertNothingLeft(r);
  });

  test('a body larger than --max-bytes: exit 5, the Collector hint, no retry', async (t) => {
    const r = await fetchUrl(t, server.url('/big?bytes=3000000&id=a'), ['--max-bytes', '1000000']);
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /larger than --max-bytes \(1000000 bytes\); split the batches in the Collector/);
    assert.equal(server.count('/big', 'a'), 1);
    assertNothingLeft(r);
  });

  test('the default limit is 10 MiB', async (t) => {
    const r = await fetchUrl(t, server.url(`/big?bytes=${10 * 1024 * 1024 + 1}&id=b`));
    assert.equal(r.code, 5, r.stderr);
    assertNothingLeft(r);
    const ok = await fetchUrl(t, server.url(`/big?bytes=${10 * 1024 * 1024}&id=c`));
    assert.equal(ok.code, 0, ok.stderr);
  });

  test('a wrong --expect-sha256: exit 9, both hashes named', async (t) => {
    const wrong = 'ab'.repeat(32);
    const r = await fetchUrl(t, server.url('/payload.json'), ['--expect-sha256', wrong]);
    assert.equal(r.code, 9, r.stderr);
    assert.match(r.stderr, new RegExp(`SHA-256 ${SHA} differs from --expect-sha256 ${wrong}`));
    assertNothingLeft(r);
  });

  test('a redirect loop: exit 7 after the redirect limit', async (t) => {
    const r = await fetchUrl(t, server.url('/redirect-loop?id=a'));
    assert.equal(r.code, 7, r.stderr);
    assert.match(r.stderr, /more than 5 redirects/);
    assert.equal(server.count('/redirect-loop', 'a'), 6);
    assertNothingLeft(r);
  });

  test('a redirect to plain http beyond loopback is refused before it is followed', async (t) => {
    const r = await fetchUrl(t, server.url('/redirect-http'));
    assert.equal(r.code, 7, r.stderr);
    assert.match(r.stderr, /redirect to http:\/\/kvonce-remote\.invalid\/payload\.json refused: plain http:\/\/ .* is refused/);
    assertNothingLeft(r);
  });

  test('403 AccessDenied: exit 8 at once (no retry), code and hint', async (t) => {
    const r = await fetchUrl(t, server.url('/denied?id=a'));
    assert.equal(r.code, 8, r.stderr);
    assert.equal(server.count('/denied', 'a'), 1);
    assert.match(r.stderr, /HTTP 403 AccessDenied \(Access Denied\); check that the credentials .* s3:GetObject/);
    assertNothingLeft(r);
  });

  test('ExpiredToken: exit 8 with the expiry hint', async (t) => {
    const r = await fetchUrl(t, server.url('/expired'));
    assert.equal(r.code, 8, r.stderr);
    assert.match(r.stderr, /HTTP 400 ExpiredToken .*credentials have expired/);
    assertNothingLeft(r);
  });

  test('404 NoSuchKey: exit 7', async (t) => {
    const r = await fetchUrl(t, server.url('/missing'));
    assert.equal(r.code, 7, r.stderr);
    assert.match(r.stderr, /HTTP 404 NoSuchKey/);
    assertNothingLeft(r);
  });

  test('nothing listening: exit 7 naming the URL', async (t) => {
    const r = await fetchUrl(t, 'http://127.0.0.1:1/payload.json', ['--retries', '0']);
    assert.equal(r.code, 7, r.stderr);
    assert.match(r.stderr, /http:\/\/127\.0\.0\.1:1\/payload\.json/);
    assertNothingLeft(r);
  });
});

describe('fetch --url: outbound policy', () => {
  test('plain http to a host that is not loopback is refused without --allow-http (exit 3)', async (t) => {
    const r = await fetchUrl(t, 'http://kvonce-remote.invalid/payload.json');
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /--allow-http/);
    assertNothingLeft(r);
  });

  test('credentials in the URL are refused and not echoed', async (t) => {
    const url = server.url('/payload.json').replace('http://', 'http://user:pa55word@');
    const r = await fetchUrl(t, url);
    assert.equal(r.code, 3, r.stderr);
    assertNoSecrets(r, ['pa55word']);
    assertNothingLeft(r);
  });

  test('KVONCE_ALLOWED_HOSTS: an unlisted host is never contacted', async (t) => {
    const before = server.requests.length;
    const r = await fetchUrl(t, server.url('/payload.json'), [], { KVONCE_ALLOWED_HOSTS: 'example.org' });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /not in KVONCE_ALLOWED_HOSTS/);
    assert.equal(server.requests.length, before);
    assertNothingLeft(r);
  });

  test('KVONCE_ALLOWED_HOSTS applies to redirect targets too', async (t) => {
    const served = server.count('/payload.json');
    const r = await fetchUrl(t, server.url('/redirect-localhost'), [], { KVONCE_ALLOWED_HOSTS: '127.0.0.1' });
    assert.equal(r.code, 7, r.stderr);
    assert.match(r.stderr, /redirect to http:\/\/localhost:\d+\/payload\.json refused: host localhost is not in KVONCE_ALLOWED_HOSTS/);
    assert.equal(server.count('/payload.json'), served);
    assertNothingLeft(r);
  });
});
