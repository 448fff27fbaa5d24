// `kvonce-trace fetch --s3` against a loopback S3 stand-in that verifies every SigV4 signature
// with AWS's own signer, plus loopback STS and GitHub Actions OIDC stand-ins for web identity.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';

import { assertNoSecrets, listFiles, readJson, requireBinary, run, tempDir } from './cloud_harness.mjs';
import { startOidcServer } from './servers/oidc_server.mjs';
import { startS3Server } from './servers/s3_server.mjs';
import { startStsServer } from './servers/sts_server.mjs';

const REGION = 'eu-west-3';
const STATIC = { accessKeyId: 'AKIAKVONCETEST000001', secretAccessKey: 'kvonce/Static+Secret=Key0001' };
const TEMPORARY = {
  accessKeyId: 'ASIAKVONCETEST000002',
  secretAccessKey: 'kvonce/Temporary+Secret0002',
  sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE/session+token==',
};
const ROLE = 'arn:aws:iam::123456789012:role/kvonce-ci';
const WEB_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJzdHMuYW1hem9uYXdzLmNvbSJ9.file-token-signature';
const ACTIONS_REQUEST_TOKEN = 'actions-request-token-0123456789';
const PAYLOAD = JSON.stringify({ resourceSpans: [] });
const ODD_KEY = 'kvonce-trace/year=2025/a b/\u00fcn\u00efc\u00f6d\u00e9 \u20ac=1.json';
const DAY = 'kvonce-trace/2025/10/09/';

let s3;
let sts;
let oidc;

before(async () => {
  requireBinary();
  s3 = await startS3Server({ region: REGION, pageSize: 2 });
  s3.addCredentials(STATIC);
  s3.addCredentials(TEMPORARY);
  oidc = await startOidcServer({ requestToken: ACTIONS_REQUEST_TOKEN });
  sts = await startStsServer({
    roleArn: ROLE,
    // The file token, or a token the OIDC stand-in issued for STS's audience.
    webIdentityToken: (token) =>
      token === WEB_TOKEN || oidc.tokens.some((t) => t.jwt === token && t.audience === 'sts.amazonaws.com'),
    onIssue: (credentials) => s3.addCredentials(credentials),
  });
  s3.putObject('kvonce-bkt', ODD_KEY, PAYLOAD);
  s3.putObject('kvonce-bkt', 'payload.json', PAYLOAD);
  s3.putObject('kvonce-bkt', 'stored.json.gz', zlib.gzipSync(PAYLOAD), { contentEncoding: 'gzip' });
  for (const name of ['a.json', 'b.json', 'c=1.json', 'sub dir/d.json.gz', '\u00e9.json']) {
    s3.putObject('kvonce-bkt', DAY + name, `object ${name}`);
  }
  s3.putObject('kvonce-bkt', 'kvonce-trace/2025/10/10/other.json', 'not this day');
});

after(async () => {
  await Promise.all([s3?.close(), sts?.close(), oidc?.close()]);
});

const staticEnv = () => ({
  AWS_ACCESS_KEY_ID: STATIC.accessKeyId,
  AWS_SECRET_ACCESS_KEY: STATIC.secretAccessKey,
  AWS_REGION: REGION,
  AWS_ENDPOINT_URL_S3: s3.pathStyleEndpoint,
});
const ALL_SECRETS = [STATIC.secretAccessKey, TEMPORARY.secretAccessKey, TEMPORARY.sessionToken, WEB_TOKEN, ACTIONS_REQUEST_TOKEN];

function requestsSince(mark) {
  return s3.requests.slice(mark);
}

describe('fetch --s3 (GetObject)', () => {
  test('static keys, path-style, a key with =, spaces and unicode', async (t) => {
    const dir = tempDir(t);
    const mark = s3.requests.length;
    const result = await run(['fetch', '--s3', `s3://kvonce-bkt/${ODD_KEY}`, '--target', path.join(dir, 'p.json')], staticEnv(), dir);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'p.json'), 'utf8'), PAYLOAD);
    const seen = requestsSince(mark);
    assert.equal(seen.length, 1);
    assert.equal(seen[0].status, 200);
    assert.equal(seen[0].style, 'path');
    assert.equal(seen[0].key, ODD_KEY);
    assert.match(seen[0].url, /year%3D2025\/a%20b\/%C3%BCn/);
    const meta = readJson(path.join(dir, 'kvonce-payload-metadata.json'));
    assert.equal(meta.sourceType, 's3');
    assert.equal(meta.sourceDetail, `s3://kvonce-bkt/${ODD_KEY}`);
    assert.equal(meta.sizeBytes, Buffer.byteLength(PAYLOAD));
    assertNoSecrets(result, ALL_SECRETS);
    assert.ok(!JSON.stringify(meta).includes(STATIC.secretAccessKey));
  });

  test('a session token is sent, signed and required', async (t) => {
    const dir = tempDir(t);
    const env = {
      AWS_ACCESS_KEY_ID: TEMPORARY.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEMPORARY.secretAccessKey,
      AWS_SESSION_TOKEN: TEMPORARY.sessionToken,
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL: s3.pathStyleEndpoint,
    };
    const mark = s3.requests.length;
    const ok = await run(['fetch', '--s3', 's3://kvonce-bkt/payload.json', '--target', path.join(dir, 'p.json')], env, dir);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(requestsSince(mark)[0].headers['x-amz-security-token'], TEMPORARY.sessionToken);
    assertNoSecrets(ok, ALL_SECRETS);

    delete env.AWS_SESSION_TOKEN;
    const refused = await run(['fetch', '--s3', 's3://kvonce-bkt/payload.json', '--target', path.join(dir, 'q.json')], env, dir);
    assert.equal(refused.code, 8, refused.stderr);
    assert.match(refused.stderr, /InvalidToken/);
    assert.ok(!fs.existsSync(path.join(dir, 'q.json')));
  });

  test('virtual-hosted addressing through a resolve override', async (t) => {
    const dir = tempDir(t);
    const mark = s3.requests.length;
    const env = { ...staticEnv(), AWS_ENDPOINT_URL_S3: s3.virtualHostEndpoint };
    const result = await run(
      ['fetch', '--s3', `s3://kvonce-bkt/${ODD_KEY}`, '--target', path.join(dir, 'p.json'),
        '--resolve', s3.resolveFor('kvonce-bkt'), '--allow-http'],
      env, dir);
    assert.equal(result.code, 0, result.stderr);
    const seen = requestsSince(mark);
    assert.equal(seen[0].style, 'virtual');
    assert.equal(seen[0].host, `kvonce-bkt.s3.localhost:${s3.port}`);
    assert.equal(seen[0].key, ODD_KEY);
    assert.equal(fs.readFileSync(path.join(dir, 'p.json'), 'utf8'), PAYLOAD);
  });

  test('the old job variables: KVONCE_OTLP_S3_URI, _REGION, _ENDPOINT, _FORCE_PATH_STYLE', async (t) => {
    const dir = tempDir(t);
    const env = {
      AWS_ACCESS_KEY_ID: STATIC.accessKeyId,
      AWS_SECRET_ACCESS_KEY: STATIC.secretAccessKey,
      KVONCE_OTLP_S3_URI: 's3://kvonce-bkt/payload.json',
      KVONCE_OTLP_S3_REGION: REGION,
      KVONCE_OTLP_S3_ENDPOINT: `localhost:${s3.port}`,
      KVONCE_OTLP_S3_USE_SSL: 'false',
      KVONCE_OTLP_S3_FORCE_PATH_STYLE: 'true',
    };
    const result = await run(['fetch', '--target', path.join(dir, 'p.json')], env, dir);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(readJson(path.join(dir, 'kvonce-payload-metadata.json')).sourceType, 's3');
    assert.equal(fs.readFileSync(path.join(dir, 'p.json'), 'utf8'), PAYLOAD);
  });

  test('a gzip object is saved as stored, not decoded', async (t) => {
    const dir = tempDir(t);
    const result = await run(['fetch', '--s3', 's3://kvonce-bkt/stored.json.gz', '--target', path.join(dir, 'p.json.gz')], staticEnv(), dir);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(fs.readFileSync(path.join(dir, 'p.json.gz')), zlib.gzipSync(PAYLOAD));
    assert.equal(readJson(path.join(dir, 'kvonce-payload-metadata.json')).contentEncoding, 'gzip');
  });

  test('the shared credentials file and AWS_PROFILE', async (t) => {
    const dir = tempDir(t);
    fs.mkdirSync(path.join(dir, '.aws'));
    fs.writeFileSync(
      path.join(dir, '.aws', 'credentials'),
      `[default]\naws_access_key_id = AKIAWRONGDEFAULT\naws_secret_access_key = nope\n\n[ci]\n` +
        `aws_access_key_id = ${STATIC.accessKeyId}\naws_secret_access_key = ${STATIC.secretAccessKey}\n`,
    );
    const env = { AWS_PROFILE: 'ci', AWS_REGION: REGION, AWS_ENDPOINT_URL_S3: s3.pathStyleEndpoint };
    const result = await run(['fetch', '--s3', 's3://kvonce-bkt/payload.json', '--target', path.join(dir, 'out', 'p.json')], env, dir);
    assert.equal(result.code, 0, result.stderr);
    assertNoSecrets(result, ALL_SECRETS);
  });
});

describe('fetch --s3 errors', () => {
  test('a wrong secret: exit 8, SignatureDoesNotMatch, no secret, no file', async (t) => {
    const dir = tempDir(t);
    const wrong = 'kvonce/WRONG+secret=0000000000';
    const mark = s3.requests.length;
    const result = await run(
      ['fetch', '--s3', `s3://kvonce-bkt/${ODD_KEY}`, '--target', path.join(dir, 'p.json')],
      { ...staticEnv(), AWS_SECRET_ACCESS_KEY: wrong }, dir);
    assert.equal(result.code, 8, result.stderr);
    assert.match(result.stderr, /SignatureDoesNotMatch/);
    assert.match(result.stderr, /s3:\/\/kvonce-bkt\//);
    assertNoSecrets(result, [wrong, ...ALL_SECRETS]);
    assert.equal(requestsSince(mark).length, 1, 'an auth failure is not retried');
    assert.deepEqual(listFiles(dir), []);
  });

  test('the region the bucket does not live in is refused with a hint', async (t) => {
    const dir = tempDir(t);
    const result = await run(
      ['fetch', '--s3', 's3://kvonce-bkt/payload.json', '--target', path.join(dir, 'p.json'), '--region', 'us-east-2'],
      staticEnv(), dir);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /AuthorizationHeaderMalformed/);
    assert.deepEqual(listFiles(dir), []);
  });

  for (const [code, status, exit] of [['AccessDenied', 403, 8], ['ExpiredToken', 400, 8]]) {
    test(`${code}: exit ${exit}, the code named, no file`, async (t) => {
      const dir = tempDir(t);
      s3.inject({ match: (r) => r.key === 'payload.json', status, code });
      const result = await run(['fetch', '--s3', 's3://kvonce-bkt/payload.json', '--target', path.join(dir, 'p.json')], staticEnv(), dir);
      assert.equal(result.code, exit, result.stderr);
      assert.match(result.stderr, new RegExp(code));
      assert.deepEqual(listFiles(dir), []);
    });
  }

  test('NoSuchKey: a fetch error naming the key', async (t) => {
    const dir = tempDir(t);
    const result = await run(['fetch', '--s3', 's3://kvonce-bkt/absent.json', '--target', path.join(dir, 'p.json')], staticEnv(), dir);
    assert.equal(result.code, 7, result.stderr);
    assert.match(result.stderr, /NoSuchKey/);
    assert.match(result.stderr, /absent\.json/);
    assert.deepEqual(listFiles(dir), []);
  });

  test('SlowDown is retried, each attempt signed afresh', async (t) => {
    const dir = tempDir(t);
    s3.inject({ match: (r) => r.key === 'payload.json', status: 503, code: 'SlowDown', times: 1 });
    const mark = s3.requests.length;
    const result = await run(['fetch', '--s3', 's3://kvonce-bkt/payload.json', '--target', path.join(dir, 'p.json')], staticEnv(), dir);
    assert.equal(result.code, 0, result.stderr);
    const seen = requestsSince(mark);
    assert.deepEqual(seen.map((r) => r.status), [503, 200]);
    assert.equal(readJson(path.join(dir, 'kvonce-payload-metadata.json')).attempts, 2);
  });

  test('no credentials at all: exit 8 and what to set', async (t) => {
    const dir = tempDir(t);
    const result = await run(['fetch', '--s3', 's3://kvonce-bkt/payload.json', '--target', path.join(dir, 'p.json')],
      { AWS_REGION: REGION, AWS_ENDPOINT_URL_S3: s3.pathStyleEndpoint }, dir);
    assert.equal(result.code, 8, result.stderr);
    assert.match(result.stderr, /AWS_ACCESS_KEY_ID/);
    assert.deepEqual(listFiles(dir), []);
  });
});

describe('fetch --s3 prefix (ListObjectsV2)', () => {
  test('a listing with continuation tokens fetches every object of the day', async (t) => {
    const dir = tempDir(t);
    const mark = s3.requests.length;
    const target = path.join(dir, 'objects');
    const result = await run(['fetch', '--s3', 's3://kvonce-bkt/', '--date', '2025-10-09', '--target', target], staticEnv(), dir);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(listFiles(target), ['a.json', 'b.json', 'c=1.json', 'sub dir/d.json.gz', '\u00e9.json'].sort());
    assert.equal(fs.readFileSync(path.join(target, 'sub dir', 'd.json.gz'), 'utf8'), 'object sub dir/d.json.gz');
    const lists = requestsSince(mark).filter((r) => r.key === '');
    assert.equal(lists.length, 3, 'five objects at two per page');
    assert.ok(!lists[0].url.includes('continuation-token'));
    assert.ok(lists[1].url.includes('continuation-token='));
    assert.ok(lists.every((r) => r.status === 200));
    const meta = readJson(path.join(dir, 'kvonce-payload-metadata.json'));
    assert.equal(meta.sourceType, 's3');
    assert.equal(meta.sourceDetail, `s3://kvonce-bkt/${DAY}`);
    assert.equal(meta.objects.length, 5);
  });

  test('virtual-hosted listing', async (t) => {
    const dir = tempDir(t);
    const target = path.join(dir, 'objects');
    const result = await run(
      ['fetch', '--s3', `s3://kvonce-bkt/${DAY}`, '--target', target, '--endpoint', s3.virtualHostEndpoint,
        '--resolve', s3.resolveFor('kvonce-bkt'), '--allow-http'],
      staticEnv(), dir);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(listFiles(target).length, 5);
  });

  test('an empty prefix is an input error and leaves nothing', async (t) => {
    const dir = tempDir(t);
    const result = await run(['fetch', '--s3', 's3://kvonce-bkt/', '--date', '2024-01-01', '--target', path.join(dir, 'objects')], staticEnv(), dir);
    assert.equal(result.code, 4, result.stderr);
    assert.deepEqual(listFiles(dir), []);
  });

  test('a failure part-way removes the objects already fetched', async (t) => {
    const dir = tempDir(t);
    s3.inject({ match: (r) => r.key === `${DAY}c=1.json`, status: 403, code: 'AccessDenied' });
    const result = await run(['fetch', '--s3', `s3://kvonce-bkt/${DAY}`, '--target', path.join(dir, 'objects')], staticEnv(), dir);
    assert.equal(result.code, 8, result.stderr);
    assert.match(result.stderr, /AccessDenied/);
    assert.deepEqual(listFiles(dir), []);
  });
});

describe('fetch --s3 with web identity', () => {
  test('AWS_WEB_IDENTITY_TOKEN_FILE exchanged at STS, the session token then required by S3', async (t) => {
    const dir = tempDir(t);
    const tokenFile = path.join(dir, 'web-identity-token');
    fs.writeFileSync(tokenFile, `${WEB_TOKEN}\n`);
    const issuedBefore = sts.issued.length;
    const mark = s3.requests.length;
    const env = {
      AWS_ROLE_ARN: ROLE,
      AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL_S3: s3.pathStyleEndpoint,
      AWS_ENDPOINT_URL_STS: sts.url,
    };
    const result = await run(['fetch', '--s3', 's3://kvonce-bkt/payload.json', '--target', path.join(dir, 'p.json')], env, dir);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(sts.issued.length, issuedBefore + 1);
    const issued = sts.issued[sts.issued.length - 1];
    const request = sts.requests[sts.requests.length - 1];
    assert.equal(request.method, 'POST');
    assert.equal(request.params.RoleArn, ROLE);
    assert.equal(request.headers.authorization, undefined, 'AssumeRoleWithWebIdentity is unsigned');
    const seen = requestsSince(mark);
    assert.equal(seen[0].headers['x-amz-security-token'], issued.sessionToken);
    assert.match(seen[0].headers.authorization, new RegExp(`Credential=${issued.accessKeyId}/`));
    assertNoSecrets(result, [WEB_TOKEN, issued.secretAccessKey, issued.sessionToken]);
    assert.equal(fs.readFileSync(path.join(dir, 'p.json'), 'utf8'), PAYLOAD);
  });

  test('the GitHub Actions OIDC token (audience sts.amazonaws.com) exchanged at STS', async (t) => {
    const dir = tempDir(t);
    const env = {
      AWS_ROLE_ARN: ROLE,
      ACTIONS_ID_TOKEN_REQUEST_URL: oidc.requestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: ACTIONS_REQUEST_TOKEN,
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL_S3: s3.pathStyleEndpoint,
      AWS_ENDPOINT_URL_STS: sts.url,
    };
    const oidcBefore = oidc.tokens.length;
    const result = await run(['fetch', '--s3', `s3://kvonce-bkt/${ODD_KEY}`, '--target', path.join(dir, 'p.json')], env, dir);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(oidc.tokens.length, oidcBefore + 1);
    const handed = oidc.tokens[oidc.tokens.length - 1];
    assert.equal(handed.audience, 'sts.amazonaws.com');
    assert.equal(oidc.requests[oidc.requests.length - 1].params['api-version'], '2.0');
    const issued = sts.issued[sts.issued.length - 1];
    assertNoSecrets(result, [ACTIONS_REQUEST_TOKEN, handed.jwt, issued.secretAccessKey, issued.sessionToken]);
    assert.equal(fs.readFileSync(path.join(dir, 'p.json'), 'utf8'), PAYLOAD);
  });

  test('STS refusing the role: exit 8 with its error code', async (t) => {
    const dir = tempDir(t);
    const tokenFile = path.join(dir, 'token');
    fs.writeFileSync(tokenFile, WEB_TOKEN);
    const env = {
      AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/not-trusted',
      AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL_S3: s3.pathStyleEndpoint,
      AWS_ENDPOINT_URL_STS: sts.url,
    };
    const result = await run(['fetch', '--s3', 's3://kvonce-bkt/payload.json', '--target', path.join(dir, 'p.json')], env, dir);
    assert.equal(result.code, 8, result.stderr);
    assert.match(result.stderr, /AccessDenied/);
    assert.match(result.stderr, /AssumeRoleWithWebIdentity/);
    assertNoSecrets(result, [WEB_TOKEN]);
    assert.deepEqual(listFiles(dir), ['token']);
  });

  test('a wrong Actions request token: exit 8, the id-token permission hinted', async (t) => {
    const dir = tempDir(t);
    const env = {
      AWS_ROLE_ARN: ROLE,
      ACTIONS_ID_TOKEN_REQUEST_URL: oidc.requestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'not-the-request-token',
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL_S3: s3.pathStyleEndpoint,
      AWS_ENDPOINT_URL_STS: sts.url,
    };
    const result = await run(['fetch', '--s3', 's3://kvonce-bkt/payload.json', '--target', path.join(dir, 'p.json')], env, dir);
    assert.equal(result.code, 8, result.stderr);
    assert.match(result.stderr, /id-token: write/);
    assertNoSecrets(result, ['not-the-request-token']);
    assert.deepEqual(listFiles(dir), []);
  });
});
