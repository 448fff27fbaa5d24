// `kvonce-trace batch gs://bucket/prefix/` against the loopback GCS JSON API stand-in (bearer token
// checked on every request) and Google's token endpoint stand-in: paged, dated listings, a
// service-account key exchanged once for the whole batch, stored gzip objects, an object the
// store refuses, and a refused listing.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';

import { assertNoSecrets, requireBinary, run, tempDir } from './cloud_harness.mjs';
import { startGcsServer } from './servers/gcs_server.mjs';
import { startGoogleTokenServer } from './servers/google_token_server.mjs';
import { ndjsonPayload as payload } from './ndjson_payloads.mjs';

const BUCKET = 'kvonce-batch-gcs';
const CLIENT_EMAIL = 'batch-reader@kvonce-test.iam.gserviceaccount.com';
const STATIC_TOKEN = `ya29.batch-static-${crypto.randomBytes(8).toString('hex')}`;
const keys = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const PRIVATE_PEM = keys.privateKey.export({ type: 'pkcs8', format: 'pem' });

const OBJECTS = {
  'kvonce-trace/2025/10/09/a.json': payload(3),
  'kvonce-trace/2025/10/09/b b.jsonl.gz': zlib.gzipSync(payload(4)),
  'kvonce-trace/2025/10/09/sub/c.json': payload(2, { invalid: true }),
  'kvonce-trace/2025/10/09/notes.txt': 'not a payload',
  'kvonce-trace/2025/10/10/d.json': payload(5),
  'kvonce-trace/2025/10/10/denied.json': payload(1),
  'kvonce-trace/2025/10/11/e.json': payload(1),
};
const sha256 = (body) => crypto.createHash('sha256').update(body).digest('hex');

let gcs;
let google;
const issued = []; // access tokens the token endpoint handed out

before(async () => {
  requireBinary();
  gcs = await startGcsServer({ pageSize: 2 });
  gcs.acceptToken(STATIC_TOKEN);
  google = await startGoogleTokenServer({
    publicKey: keys.publicKey,
    clientEmail: CLIENT_EMAIL,
    keyId: 'batch-key-1',
    onAccessToken: (token) => {
      issued.push(token);
      gcs.acceptToken(token);
    },
  });
  for (const [name, body] of Object.entries(OBJECTS)) {
    gcs.putObject(BUCKET, name, body, name.endsWith('.gz') ? { contentEncoding: 'gzip' } : {});
  }
});

after(async () => {
  await Promise.all([gcs?.close(), google?.close()]);
});

const readLines = (file) =>
  fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

function serviceAccountEnv(dir) {
  const file = path.join(dir, 'sa.json');
  fs.writeFileSync(file, JSON.stringify({
    type: 'service_account',
    project_id: 'kvonce-test',
    private_key_id: 'batch-key-1',
    private_key: PRIVATE_PEM,
    client_email: CLIENT_EMAIL,
    token_uri: google.tokenUri,
  }));
  return { GOOGLE_APPLICATION_CREDENTIALS: file, KVONCE_GCS_API_URL: gcs.url };
}

// A line of the key's base64 body: enough to recognise the key if it were ever printed.
const KEY_LINE = PRIVATE_PEM.split('\n')[5];

describe('batch gs://bucket/ --from --to', () => {
  test('a service account, two days, paged listings: valid, invalid and refused objects; exit 1', async (t) => {
    const dir = tempDir(t);
    const results = path.join(dir, 'results.jsonl');
    gcs.inject({ match: (r) => r.object === 'kvonce-trace/2025/10/10/denied.json', times: 1, status: 403, reason: 'forbidden' });
    const mark = gcs.requests.length;
    const r = await run(
      ['batch', `gs://${BUCKET}/`, '--from', '2025-10-09', '--to', '2025-10-10', '--jobs', '2', '--results', results],
      serviceAccountEnv(dir), dir);
    assert.equal(r.code, 1, r.stderr);

    const lines = readLines(results).sort((a, b) => a.source.localeCompare(b.source));
    assert.deepEqual(lines.map((l) => l.source), [
      `gs://${BUCKET}/kvonce-trace/2025/10/09/a.json`,
      `gs://${BUCKET}/kvonce-trace/2025/10/09/b b.jsonl.gz`,
      `gs://${BUCKET}/kvonce-trace/2025/10/09/sub/c.json`,
      `gs://${BUCKET}/kvonce-trace/2025/10/10/d.json`,
      `gs://${BUCKET}/kvonce-trace/2025/10/10/denied.json`,
    ]);
    const [a, b, c, d, denied] = lines;
    assert.equal(a.valid, true);
    assert.equal(a.events, 3);
    assert.equal(a.sha256, sha256(OBJECTS['kvonce-trace/2025/10/09/a.json']));
    // The gzip object is hashed as stored (no decompressive transcoding) and verified inflated.
    assert.equal(b.valid, true);
    assert.equal(b.events, 4);
    assert.equal(b.sha256, sha256(OBJECTS['kvonce-trace/2025/10/09/b b.jsonl.gz']));
    assert.equal(c.valid, false);
    assert.deepEqual(c.issueCounts, { 'multiple-success': 1 });
    assert.equal(d.valid, true);
    assert.equal(denied.valid, false);
    assert.equal(denied.error.kind, 'auth');
    assert.equal(denied.sha256, null);

    const seen = gcs.requests.slice(mark);
    const listings = seen.filter((q) => q.object === undefined);
    // Day 9 holds four objects (two pages of two), day 10 two (one page with no next token).
    assert.deepEqual(listings.map((q) => q.params.prefix), [
      'kvonce-trace/2025/10/09/', 'kvonce-trace/2025/10/09/', 'kvonce-trace/2025/10/10/',
    ]);
    assert.ok(listings[1].params.pageToken, 'the second page was asked for with the first page\'s token');
    assert.ok(!seen.some((q) => q.object === 'kvonce-trace/2025/10/11/e.json'), 'a day outside the range was read');
    assert.ok(!seen.some((q) => q.object?.endsWith('.txt')), 'a non-payload object was downloaded');
    // One token for the whole batch: every request carries a token the endpoint issued.
    const tokens = new Set(seen.map((q) => q.token));
    assert.equal(tokens.size, 1);
    assert.ok(issued.some((tok) => tokens.has(tok)), 'requests used the exchanged token');
    assertNoSecrets(r, [KEY_LINE, ...tokens]);
    assert.match(r.stdout, /denied\.json \| auth \|/);
  });

  test('shards download only their share, together every object once', async (t) => {
    const dir = tempDir(t);
    const env = { GOOGLE_OAUTH_ACCESS_TOKEN: STATIC_TOKEN, KVONCE_GCS_API_URL: gcs.url };
    const downloaded = [];
    const files = [];
    for (let i = 0; i < 2; i++) {
      const results = path.join(dir, `r${i}.jsonl`);
      const mark = gcs.requests.length;
      const r = await run(['batch', `gs://${BUCKET}/kvonce-trace/2025/10/`, '--shard', `${i + 1}/2`, '--results', results], env, dir);
      assert.ok(r.code === 0 || r.code === 1, r.stderr);
      assertNoSecrets(r, [STATIC_TOKEN]);
      files.push(results);
      downloaded.push(...gcs.requests.slice(mark).filter((q) => q.object !== undefined).map((q) => q.object));
    }
    const payloads = Object.keys(OBJECTS).filter((k) => k.startsWith('kvonce-trace/2025/10/') && !k.endsWith('.txt'));
    assert.deepEqual([...downloaded].sort(), [...payloads].sort(), 'each object fetched by exactly one shard');
    assert.equal(files.flatMap(readLines).length, payloads.length);
  });

  test('a token the store refuses ends the batch at the listing: exit 8, no results file', async (t) => {
    const dir = tempDir(t);
    const results = path.join(dir, 'results.jsonl');
    const wrong = `ya29.not-accepted-${crypto.randomBytes(8).toString('hex')}`;
    const r = await run(['batch', `gs://${BUCKET}/kvonce-trace/`, '--results', results],
      { GOOGLE_OAUTH_ACCESS_TOKEN: wrong, KVONCE_GCS_API_URL: gcs.url }, dir);
    assert.equal(r.code, 8, r.stderr);
    assert.match(r.stderr, /401/);
    assert.ok(!fs.existsSync(results));
    assertNoSecrets(r, [wrong]);
  });

  test('a listing whose page tokens cycle A, B, A ends with exit 7 after three pages', async (t) => {
    const dir = tempDir(t);
    const bucket = 'kvonce-cycle';
    gcs.putObject(bucket, 'p/a.json', payload(1));
    gcs.cycleListingTokens(bucket, ['A', 'B']);
    t.after(() => gcs.cycleListingTokens(bucket, null));
    const mark = gcs.requests.length;
    const r = await run(['batch', `gs://${bucket}/p/`],
      { GOOGLE_OAUTH_ACCESS_TOKEN: STATIC_TOKEN, KVONCE_GCS_API_URL: gcs.url }, dir);
    assert.equal(r.code, 7, r.stderr);
    assert.match(r.stderr, /GCS objects\.list gs:\/\/kvonce-cycle\/p\/: page 3 repeats a continuation token/);
    assert.deepEqual(gcs.requests.slice(mark).map((q) => q.params.pageToken), [undefined, 'A', 'B']);
  });
});
