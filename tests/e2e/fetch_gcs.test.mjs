// `kvonce-trace fetch --gcs` against a loopback GCS JSON API stand-in, with loopback stand-ins of
// Google's token endpoints that verify service-account JWTs with the test's public key, the STS
// token exchange of workload identity federation, impersonation, and an Actions OIDC endpoint.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';

import { assertNoSecrets, listFiles, readJson, requireBinary, run, tempDir } from './cloud_harness.mjs';
import { startGcsServer } from './servers/gcs_server.mjs';
import { startGoogleTokenServer } from './servers/google_token_server.mjs';
import { startOidcServer } from './servers/oidc_server.mjs';

const BUCKET = 'kvonce-gcs';
const ODD_NAME = 'kvonce-trace/run=7/a b/\u00e9t\u00e9 +.json';
const PAYLOAD = JSON.stringify({ resourceSpans: [{ scopeSpans: [] }] });
const DAY = 'kvonce-trace/2025/10/09/';
const CLIENT_EMAIL = 'reader@kvonce-test.iam.gserviceaccount.com';
const IMPERSONATED = 'fetcher@kvonce-test.iam.gserviceaccount.com';
const AUDIENCE = '//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/ci/providers/github';
const SUBJECT = 'subject-token-from-file-0123456789';
const ACTIONS_REQUEST_TOKEN = 'actions-request-token-for-google';
const STATIC_TOKEN = 'ya29.static-token-for-tests';

// Keys are made here, at test time: none is committed.
const keys = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const PRIVATE_PEM = keys.privateKey.export({ type: 'pkcs8', format: 'pem' });

let gcs;
let google;
let oidc;

before(async () => {
  requireBinary();
  gcs = await startGcsServer({ pageSize: 2 });
  gcs.acceptToken(STATIC_TOKEN);
  oidc = await startOidcServer({ requestToken: ACTIONS_REQUEST_TOKEN });
  google = await startGoogleTokenServer({
    publicKey: keys.publicKey,
    clientEmail: CLIENT_EMAIL,
    keyId: 'test-key-1',
    audience: AUDIENCE,
    subjectToken: (token) => token === SUBJECT || oidc.tokens.some((t) => t.jwt === token),
    serviceAccount: IMPERSONATED,
    onAccessToken: (token) => gcs.acceptToken(token),
  });
  gcs.putObject(BUCKET, ODD_NAME, PAYLOAD);
  gcs.putObject(BUCKET, 'payload.json', PAYLOAD);
  gcs.putObject(BUCKET, 'stored.json.gz', zlib.gzipSync(PAYLOAD), { contentEncoding: 'gzip' });
  for (const name of ['a.json', 'b.json', 'c d.json', 'sub/e.json.gz']) gcs.putObject(BUCKET, DAY + name, `object ${name}`);
  gcs.putObject(BUCKET, 'kvonce-trace/2025/10/1/x.json', 'not this day');
});

after(async () => {
  await Promise.all([gcs?.close(), google?.close(), oidc?.close()]);
});

function writeJson(dir, name, doc) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(doc, null, 2));
  return file;
}

function serviceAccountFile(dir, privateKey = PRIVATE_PEM) {
  return writeJson(dir, 'sa.json', {
    type: 'service_account',
    project_id: 'kvonce-test',
    private_key_id: 'test-key-1',
    private_key: privateKey,
    client_email: CLIENT_EMAIL,
    token_uri: google.tokenUri,
  });
}

const api = () => ({ KVONCE_GCS_API_URL: gcs.url });

describe('fetch --gcs', () => {
  test('GOOGLE_OAUTH_ACCESS_TOKEN; the object name fully encoded (/ too), alt=media', async (t) => {
    const dir = tempDir(t);
    const mark = gcs.requests.length;
    const result = await run(['fetch', '--gcs', `gs://${BUCKET}/${ODD_NAME}`, '--target', path.join(dir, 'p.json')],
      { ...api(), GOOGLE_OAUTH_ACCESS_TOKEN: STATIC_TOKEN }, dir);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'p.json'), 'utf8'), PAYLOAD);
    const seen = gcs.requests.slice(mark);
    assert.equal(seen.length, 1);
    assert.equal(seen[0].object, ODD_NAME);
    assert.equal(seen[0].params.alt, 'media');
    assert.match(seen[0].url, /\/o\/kvonce-trace%2Frun%3D7%2Fa%20b%2F%C3%A9t%C3%A9%20%2B\.json\?/);
    const meta = readJson(path.join(dir, 'kvonce-payload-metadata.json'));
    assert.equal(meta.sourceType, 'gcs');
    assert.equal(meta.sourceDetail, `gs://${BUCKET}/${ODD_NAME}`);
    assertNoSecrets(result, [STATIC_TOKEN]);
  });

  test('a gzip object is saved as stored (no decompressive transcoding)', async (t) => {
    const dir = tempDir(t);
    const result = await run(['fetch', '--gcs', `gs://${BUCKET}/stored.json.gz`, '--target', path.join(dir, 'p.json.gz')],
      { ...api(), GOOGLE_OAUTH_ACCESS_TOKEN: STATIC_TOKEN }, dir);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(fs.readFileSync(path.join(dir, 'p.json.gz')), zlib.gzipSync(PAYLOAD));
    assert.equal(readJson(path.join(dir, 'kvonce-payload-metadata.json')).contentEncoding, 'gzip');
  });

  test('a service-account key: RS256 JWT verified by the token endpoint', async (t) => {
    const dir = tempDir(t);
    const mark = google.requests.length;
    const result = await run(['fetch', '--gcs', `gs://${BUCKET}/payload.json`, '--target', path.join(dir, 'p.json')],
      { ...api(), GOOGLE_APPLICATION_CREDENTIALS: serviceAccountFile(dir) }, dir);
    assert.equal(result.code, 0, result.stderr);
    const seen = google.requests.slice(mark);
    assert.equal(seen.length, 1);
    assert.equal(seen[0].path, '/token');
    assert.equal(seen[0].grantType, 'urn:ietf:params:oauth:grant-type:jwt-bearer');
    assert.equal(fs.readFileSync(path.join(dir, 'p.json'), 'utf8'), PAYLOAD);
    assertNoSecrets(result, ['PRIVATE KEY']);
  });

  test('a key the endpoint does not know: exit 8, invalid_grant, nothing written', async (t) => {
    const dir = tempDir(t);
    const other = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    const result = await run(['fetch', '--gcs', `gs://${BUCKET}/payload.json`, '--target', path.join(dir, 'p.json')],
      { ...api(), GOOGLE_APPLICATION_CREDENTIALS: serviceAccountFile(dir, other) }, dir);
    assert.equal(result.code, 8, result.stderr);
    assert.match(result.stderr, /invalid_grant/);
    assert.match(result.stderr, /Invalid JWT Signature/);
    assertNoSecrets(result, ['PRIVATE KEY']);
    assert.deepEqual(listFiles(dir), ['sa.json']);
  });

  test('an external account: subject token file, STS exchange, impersonation', async (t) => {
    const dir = tempDir(t);
    fs.writeFileSync(path.join(dir, 'subject'), `${SUBJECT}\n`);
    const credentials = writeJson(dir, 'external.json', {
      type: 'external_account',
      audience: AUDIENCE,
      subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
      token_url: google.stsUrl,
      service_account_impersonation_url: google.impersonationUrl,
      credential_source: { file: path.join(dir, 'subject') },
    });
    const mark = google.requests.length;
    const gcsMark = gcs.requests.length;
    const result = await run(['fetch', '--gcs', `gs://${BUCKET}/payload.json`, '--target', path.join(dir, 'p.json')],
      { ...api(), GOOGLE_APPLICATION_CREDENTIALS: credentials }, dir);
    assert.equal(result.code, 0, result.stderr);
    const seen = google.requests.slice(mark);
    assert.deepEqual(seen.map((r) => r.path), ['/v1/token', `/v1/projects/-/serviceAccounts/${IMPERSONATED}:generateAccessToken`]);
    assert.equal(gcs.requests[gcsMark].token, seen[1].impersonated, 'GCS got the impersonated token');
    assertNoSecrets(result, [SUBJECT, seen[1].impersonated]);
  });

  test('an external account as google-github-actions/auth writes it: the Actions OIDC URL', async (t) => {
    const dir = tempDir(t);
    const credentials = writeJson(dir, 'gha-creds.json', {
      type: 'external_account',
      audience: AUDIENCE,
      subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
      token_url: google.stsUrl,
      credential_source: {
        url: `${oidc.requestUrl}&audience=https://iam.googleapis.com${AUDIENCE.slice(1)}`,
        headers: { Authorization: `Bearer ${ACTIONS_REQUEST_TOKEN}` },
        format: { type: 'json', subject_token_field_name: 'value' },
      },
    });
    const before = oidc.tokens.length;
    const result = await run(['fetch', '--gcs', `gs://${BUCKET}/payload.json`, '--target', path.join(dir, 'p.json')],
      { ...api(), GOOGLE_APPLICATION_CREDENTIALS: credentials }, dir);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(oidc.tokens.length, before + 1);
    assertNoSecrets(result, [ACTIONS_REQUEST_TOKEN, oidc.tokens[oidc.tokens.length - 1].jwt]);
  });

  test('a token GCS does not accept: exit 8, no token printed, no file', async (t) => {
    const dir = tempDir(t);
    const bad = 'ya29.not-accepted-token';
    const result = await run(['fetch', '--gcs', `gs://${BUCKET}/payload.json`, '--target', path.join(dir, 'p.json')],
      { ...api(), GOOGLE_OAUTH_ACCESS_TOKEN: bad }, dir);
    assert.equal(result.code, 8, result.stderr);
    assert.match(result.stderr, /401/);
    assertNoSecrets(result, [bad]);
    assert.deepEqual(listFiles(dir), []);
  });

  test('a missing object: exit 7 naming it', async (t) => {
    const dir = tempDir(t);
    const result = await run(['fetch', '--gcs', `gs://${BUCKET}/absent.json`, '--target', path.join(dir, 'p.json')],
      { ...api(), GOOGLE_OAUTH_ACCESS_TOKEN: STATIC_TOKEN }, dir);
    assert.equal(result.code, 7, result.stderr);
    assert.match(result.stderr, /absent\.json/);
    assert.deepEqual(listFiles(dir), []);
  });

  test('a prefix: objects.list with pageToken, every object into the directory', async (t) => {
    const dir = tempDir(t);
    const target = path.join(dir, 'objects');
    const mark = gcs.requests.length;
    const result = await run(['fetch', '--gcs', `gs://${BUCKET}`, '--date', '2025-10-09', '--target', target],
      { ...api(), GOOGLE_OAUTH_ACCESS_TOKEN: STATIC_TOKEN }, dir);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(listFiles(target), ['a.json', 'b.json', 'c d.json', 'sub/e.json.gz']);
    const lists = gcs.requests.slice(mark).filter((r) => r.object === undefined);
    assert.equal(lists.length, 2, 'four objects at two per page');
    assert.equal(lists[0].params.prefix, DAY);
    assert.ok(lists[1].params.pageToken);
    assert.equal(readJson(path.join(dir, 'kvonce-payload-metadata.json')).objects.length, 4);
  });
});
