// The secret canary. Every end-to-end scenario runs with secrets made for this run alone: the
// credentials of each fetch source, presigned-URL signatures, GitHub tokens, masking keys, and the
// personal data that masking must hide. Then stdout, stderr, every file the tool wrote (its cwd,
// HOME and TMPDIR all live in the scenario's directory), every file name and whatever it published
// to the GitHub stand-in are searched for each secret, as written and in the encodings a leak could
// take. Secrets the stand-ins hand out at run time (STS credentials, OIDC JWTs, Google access
// tokens, signed JWT assertions) join the search as they are issued.
//
// The test cannot pass by looking away: the first test plants secrets in every place and form the
// search claims to cover and checks that each is found, and every scenario checks that its secret
// really reached a stand-in (which accepted it, or refused it as the scenario intends) or, where
// the tool must refuse it before any request, that the tool read the setting that held it.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { requireBinary, run, tempDir } from './cloud_harness.mjs';
import { ndjsonPayload } from './ndjson_payloads.mjs';
import { startGcsServer } from './servers/gcs_server.mjs';
import { startGitHubApi } from './servers/github_api.mjs';
import { startGitHubServer } from './servers/github_pr_server.mjs';
import { startGoogleTokenServer } from './servers/google_token_server.mjs';
import { startHttpServer } from './servers/http_server.mjs';
import { startOidcServer } from './servers/oidc_server.mjs';
import { startS3Server } from './servers/s3_server.mjs';
import { startStsServer } from './servers/sts_server.mjs';
import { makeZip } from './servers/zip_builder.mjs';

// ---------------------------------------------------------------------------------------------
// The canaries

// Every secret of this run: { purpose, value, pii, forms }. A PII canary is personal data inside a
// payload: the raw payload a fetch brings in holds it by design, nothing derived from it may.
const canaries = [];

const hex = (bytes) => crypto.randomBytes(bytes).toString('hex');

// Every form a secret may take when it leaks through an encoder: as is, percent-encoded (either
// case of hex digits), JSON-escaped ('/' as '\/' too), and base64 / base64url at each of the three
// alignments it can have inside a longer encoded text (the bytes before it shift its groups).
function leakForms(value) {
  const forms = new Map();
  const add = (form, text) => {
    if (text.length > 0 && ![...forms.values()].includes(text)) forms.set(form, text);
  };
  add('raw', value);
  const percent = encodeURIComponent(value);
  add('percent-encoded', percent);
  add('percent-encoded, lower-case hex', percent.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
  add('JSON-escaped', JSON.stringify(value).slice(1, -1));
  add('JSON-escaped with \\/', JSON.stringify(value).slice(1, -1).replaceAll('/', '\\/'));
  const bytes = Buffer.from(value);
  for (let skip = 0; skip < 3; skip++) {
    const aligned = bytes.subarray(skip, skip + Math.floor((bytes.length - skip) / 3) * 3);
    add(`base64 from byte ${skip}`, aligned.toString('base64'));
    add(`base64url from byte ${skip}`, aligned.toString('base64url'));
  }
  return forms;
}

// Adds a secret to the search (once) and returns it.
function remember(purpose, value, { pii = false } = {}) {
  assert.ok(typeof value === 'string' && value.length >= 14, `${purpose}: too short to search for`);
  if (!canaries.some((c) => c.value === value)) {
    canaries.push({ purpose, value, pii, forms: leakForms(value) });
  }
  return value;
}

// A recognisable secret unique to this run: KVCANARY, its purpose, random hex. `shape` fits it to
// the format its consumer expects.
function canary(purpose, shape = (c) => c, options = {}) {
  const tag = purpose.replace(/[^A-Za-z0-9]+/g, '');
  return remember(purpose, shape(`KVCANARY${tag}${hex(10)}`), options);
}

// AWS secrets carry '/', '+' and '=': each changes under percent- and form-encoding.
const awsShaped = (c) => `${c.slice(0, 16)}/${c.slice(16, 30)}+${c.slice(30)}=`;
const email = (c) => `${c}@example.org`;
const pii = (purpose, shape) => canary(purpose, shape, { pii: true });

const SECRET = {
  amzSignature: canary('presigned X-Amz-Signature'),
  amzCredential: canary('presigned X-Amz-Credential key id'),
  amzToken: canary('presigned X-Amz-Security-Token', awsShaped),
  rejectedSignature: canary('rejected presigned signature'),
  googSignature: canary('signed URL X-Goog-Signature'),
  googCredential: canary('signed URL X-Goog-Credential'),
  runSignature: canary('presigned signature of the PII payload'),
  urlPassword: canary('password in a URL authority'),
  s3Secret: canary('S3 secret access key', awsShaped),
  s3WrongSecret: canary('wrong S3 secret access key', awsShaped),
  sessionSecret: canary('S3 temporary secret access key', awsShaped),
  sessionToken: canary('S3 session token', awsShaped),
  unknownSessionToken: canary('unknown S3 session token', awsShaped),
  profileSecret: canary('shared credentials file secret', awsShaped),
  webIdentityToken: canary('web identity token file'),
  actionsRequestToken: canary('Actions ID token request token'),
  wrongActionsRequestToken: canary('wrong Actions ID token request token'),
  gcsToken: canary('GOOGLE_OAUTH_ACCESS_TOKEN', (c) => `ya29.${c}`),
  gcsRejectedToken: canary('rejected Google access token', (c) => `ya29.${c}`),
  subjectToken: canary('Google subject token file'),
  githubToken: canary('GITHUB_TOKEN', (c) => `ghs_${c}`),
  githubRejectedToken: canary('rejected GITHUB_TOKEN', (c) => `ghs_${c}`),
  prToken: canary('GITHUB_TOKEN for reports', (c) => `ghs_${c}`),
  prRevokedToken: canary('revoked GITHUB_TOKEN for reports', (c) => `ghs_${c}`),
  storageSignature: canary('artifact storage signature'),
  maskKey: canary('masking key'),
  // Below the 16-byte minimum on purpose, for the refusal: still recognisable and unique.
  shortMaskKey: remember('short masking key', `KVCANARY${hex(3)}`),
};

const PII = {
  value: pii('PII value', email),
  contextEmail: pii('PII context email', email),
  contextUser: pii('PII context user'),
  flatContextIp: pii('PII flat context ip'),
  undecoded: pii('PII attribute never decoded'),
  stringContextEmail: pii('PII email in a string context', email),
  objectValueCard: pii('PII member of an object value'),
  objectValueName: pii('PII name in an object value'),
  ndjsonValue: pii('PII NDJSON value', email),
  ndjsonEmail: pii('PII NDJSON context email', email),
  ndjsonStringEmail: pii('PII NDJSON email in a string context', email),
  malformedNeighbour: pii('PII beside a syntax error', email),
  truncated: pii('PII cut off by the end of the payload', email),
  // The digits of an OTLP intValue beyond 64 bits (digits only, so without the KVCANARY tag): the
  // value is masked like any other, so the digits appear nowhere.
  bigInt: remember('PII intValue beyond 64 bits', `9${BigInt(`0x${hex(16)}`).toString().padStart(38, '7')}`, {
    pii: true,
  }),
};

// Service-account keys are made here, at test time; a line of each PEM body is a canary (the key
// must not be echoed, whole or in part).
function rsaKey(purpose) {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' });
  remember(purpose, pem.split('\n')[5]);
  return { pem, publicKey };
}
const SA_KEY = rsaKey('service account private key');
const UNKNOWN_KEY = rsaKey('private key the token endpoint does not know');

// ---------------------------------------------------------------------------------------------
// Payloads

const PAYLOAD = fs.readFileSync(new URL('../data/kvonce-otlp.json', import.meta.url));
const SHA = crypto.createHash('sha256').update(PAYLOAD).digest('hex');
const MASK = /^hmac-sha256:[0-9a-f]{64}$/;
const MASK_ATTRS = ['--mask-attr', 'email', '--mask-attr', 'user', '--mask-attr', 'ip'];

const str = (v) => ({ stringValue: v });
const attrs = (o) => Object.entries(o).map(([key, value]) => ({ key, value }));
const kvlist = (o) => ({ kvlistValue: { values: attrs(o) } });
const attempts = (n) => kvlist({ attempts: { intValue: String(n) } });

function otlp(spans) {
  const resource = { attributes: attrs({ 'service.name': str('kvonce-service') }) };
  return JSON.stringify({ resourceSpans: [{ resource, scopeSpans: [{ spans }] }] }, null, 2);
}

// A KvOnce span `second` seconds into the trace; `extra` holds its other attributes.
function span(second, type, key, extra = {}) {
  return {
    name: `kvonce.${type}`,
    traceId: '5b8efff798038103d269b633813fc60c',
    startTimeUnixNano: `${1760000000 + second}000000000`,
    attributes: attrs({ 'kvonce.event.type': str(type), 'kvonce.event.key': str(key), ...extra }),
  };
}

// A valid trace whose values and context members are personal data, in every shape masking
// handles: a string value, an object value, context as a map, as a string holding a JSON object,
// a flattened context attribute, and an attribute the reader never decodes.
const PII_OTLP = otlp([
  span(0, 'success', 'user-1', {
    'kvonce.event.value': str(PII.value),
    'kvonce.event.context': kvlist({
      attempts: { intValue: '1' },
      email: str(PII.contextEmail),
      user: str(PII.contextUser),
    }),
    'kvonce.event.context.ip': str(PII.flatContextIp),
    'client.address': str(PII.undecoded),
  }),
  span(1, 'retry', 'user-2', {
    'kvonce.event.context': str(JSON.stringify({ attempts: 1, email: PII.stringContextEmail })),
  }),
  span(2, 'success', 'user-2', {
    'kvonce.event.value': kvlist({ card: str(PII.objectValueCard), name: str(PII.objectValueName) }),
    'kvonce.event.context': attempts(2),
  }),
]);
const PII_EVENTS = 3;

// NDJSON keeps a context that is a string holding an object as a string: masked inside it.
const PII_NDJSON = [
  {
    timestamp: '2025-10-09T08:00:00.000Z',
    type: 'retry',
    key: 'user-9',
    context: JSON.stringify({ attempts: 1, email: PII.ndjsonStringEmail }),
  },
  {
    timestamp: '2025-10-09T08:00:01.000Z',
    type: 'success',
    key: 'user-9',
    value: PII.ndjsonValue,
    context: { attempts: 2, email: PII.ndjsonEmail },
  },
].map((e) => `${JSON.stringify({ ...e, actor: 'kvonce-service' })}\n`).join('');

// The mask of a value: HMAC-SHA256 of its compact JSON text, as the governance policy defines it.
const maskOf = (key, value) =>
  `hmac-sha256:${crypto.createHmac('sha256', key).update(JSON.stringify(value)).digest('hex')}`;

// ---------------------------------------------------------------------------------------------
// The stand-ins

const REGION = 'eu-west-3';
const BUCKET = 'kvonce-canary';
const DAY = 'kvonce-trace/2025/10/09/';
const ROLE = 'arn:aws:iam::123456789012:role/kvonce-canary';
// Access key ids are identifiers, printed by AWS itself in errors: not secrets, not canaries.
const STATIC = { accessKeyId: 'AKIAKVONCECANARY0001', secretAccessKey: SECRET.s3Secret };
const TEMPORARY = {
  accessKeyId: 'ASIAKVONCECANARY0002',
  secretAccessKey: SECRET.sessionSecret,
  sessionToken: SECRET.sessionToken,
};
const PROFILE = { accessKeyId: 'AKIAKVONCECANARY0003', secretAccessKey: SECRET.profileSecret };
const CLIENT_EMAIL = 'reader@kvonce-canary.iam.gserviceaccount.com';
const IMPERSONATED = 'fetcher@kvonce-canary.iam.gserviceaccount.com';
const AUDIENCE = '//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/ci/providers/github';
const REPOSITORY = 'octo-org/kvonce-service';
const ARTIFACT = 'kvonce-otlp-payload';
const PR = 42;
const HEAD_SHA = '4f6c1c2f0d1e2a3b4c5d6e7f8091a2b3c4d5e6f7';

let http; // presigned AWS URLs
let googHttp; // signed Google URLs
let piiHttp; // the PII payload, for `run --url`
let s3;
let sts;
let oidc;
let gcs;
let google;
let artifacts;
let pulls;

before(async () => {
  requireBinary();
  http = await startHttpServer({ payload: PAYLOAD, signature: SECRET.amzSignature });
  googHttp = await startHttpServer({ payload: PAYLOAD, signature: SECRET.googSignature });
  piiHttp = await startHttpServer({ payload: PII_OTLP, signature: SECRET.runSignature });

  s3 = await startS3Server({ region: REGION, pageSize: 2 });
  for (const credentials of [STATIC, TEMPORARY, PROFILE]) s3.addCredentials(credentials);
  s3.putObject(BUCKET, 'payload.json', PAYLOAD);
  s3.putObject(BUCKET, 'pii/payload.json', PII_OTLP);
  s3.putObject(BUCKET, `${DAY}a.json`, ndjsonPayload(2));
  s3.putObject(BUCKET, `${DAY}sub dir/b.json`, ndjsonPayload(1));
  s3.putObject(BUCKET, `${DAY}c.json`, ndjsonPayload(3));
  oidc = await startOidcServer({ requestToken: SECRET.actionsRequestToken });
  const minted = (token) => oidc.tokens.some((t) => t.jwt === token);
  sts = await startStsServer({
    roleArn: ROLE,
    webIdentityToken: (token) => token === SECRET.webIdentityToken || minted(token),
    onIssue: (credentials) => s3.addCredentials(credentials),
  });

  gcs = await startGcsServer({ pageSize: 2 });
  gcs.acceptToken(SECRET.gcsToken);
  gcs.putObject(BUCKET, 'payload.json', PAYLOAD);
  gcs.putObject(BUCKET, `${DAY}a.json`, ndjsonPayload(1));
  gcs.putObject(BUCKET, `${DAY}b.json`, ndjsonPayload(2));
  gcs.putObject(BUCKET, `${DAY}c.json`, ndjsonPayload(1));
  google = await startGoogleTokenServer({
    publicKey: SA_KEY.publicKey,
    clientEmail: CLIENT_EMAIL,
    keyId: 'canary-key-1',
    audience: AUDIENCE,
    subjectToken: (token) => token === SECRET.subjectToken || minted(token),
    serviceAccount: IMPERSONATED,
    onAccessToken: (token) => {
      remember('Google access token issued at run time', token);
      gcs.acceptToken(token);
    },
  });

  artifacts = await startGitHubApi({
    token: SECRET.githubToken,
    repository: REPOSITORY,
    storageSignature: SECRET.storageSignature,
  });
  // Artifact 8's archive is missing from storage: its download fails after the redirect.
  artifacts.setArtifacts(
    [
      { id: 7, name: ARTIFACT, created_at: '2025-10-09T08:00:00Z', expired: false, run: 100 },
      { id: 8, name: 'kvonce-lost-archive', created_at: '2025-10-09T08:00:00Z', expired: false, run: 100 },
    ],
    { 7: makeZip([{ name: 'kvonce-otlp-payload.json', data: PAYLOAD }]) },
  );
  pulls = await startGitHubServer({ token: SECRET.prToken, repository: REPOSITORY });
});

after(async () => {
  const servers = [http, googHttp, piiHttp, s3, sts, oidc, gcs, google, artifacts, pulls];
  await Promise.all(servers.map((server) => server?.close()));
});

// Adds the secrets the stand-ins issued, read from their own records (Google's access tokens
// join through onAccessToken as they are issued).
function collectIssued() {
  for (const c of sts.issued) {
    remember('STS temporary secret access key', c.secretAccessKey);
    remember('STS session token', c.sessionToken);
  }
  for (const t of oidc.tokens) remember('Actions OIDC JWT', t.jwt);
  for (const r of google.requests) {
    if (r.assertion) remember('service account JWT assertion', r.assertion);
    if (r.impersonated) remember('impersonated Google access token', r.impersonated);
  }
}

// ---------------------------------------------------------------------------------------------
// Scenarios and the scan

// A scenario's directory: the tool's cwd (work/), HOME (home/) and TMPDIR (tmp/), the inputs the
// test writes (inputs/) and the Step Summary and step outputs files. `planted` maps each input to
// its bytes: the scan skips an input while it holds exactly what the test wrote.
function newScenario(t) {
  const root = tempDir(t);
  const s = { root, planted: new Map(), outputs: [], published: [], rawPayloads: [] };
  for (const dir of ['work', 'home', 'tmp', 'inputs']) {
    s[dir] = path.join(root, dir);
    fs.mkdirSync(s[dir]);
  }
  return s;
}

function plant(s, relative, content) {
  const file = path.join(s.root, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  s.planted.set(file, fs.readFileSync(file));
  return file;
}

// Runs the binary inside the scenario and keeps its output for the scan.
async function kvonce(s, args, env = {}) {
  const environment = {
    TMPDIR: s.tmp,
    GITHUB_STEP_SUMMARY: path.join(s.root, 'step-summary.md'),
    GITHUB_OUTPUT: path.join(s.root, 'step-outputs.txt'),
    ...env,
  };
  const result = await run(args, environment, s.home, { cwd: s.work });
  s.outputs.push({ label: `\`${args[0]}\` (run ${s.outputs.length + 1} of the scenario)`, ...result });
  return result;
}

// Every entry below `root`, directories and links included (a name can leak too).
function entries(root, rel = '') {
  const out = [];
  for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${entry.name}` : entry.name;
    const type = entry.isSymbolicLink() ? 'link' : entry.isDirectory() ? 'dir' : 'file';
    out.push({ rel: r, abs: path.join(root, r), type });
    if (type === 'dir') out.push(...entries(root, r));
  }
  return out;
}

// Where the scan looks: { where, data, rawPayload }.
function placesOf(s) {
  const places = [];
  for (const o of s.outputs) {
    places.push({ where: `stdout of ${o.label}`, data: o.stdout });
    places.push({ where: `stderr of ${o.label}`, data: o.stderr });
  }
  for (const [where, text] of s.published) places.push({ where, data: text });
  for (const e of entries(s.root)) {
    places.push({ where: `the name ${e.rel}`, data: e.rel });
    if (e.type === 'link') places.push({ where: `the link ${e.rel}`, data: fs.readlinkSync(e.abs) });
    if (e.type !== 'file') continue;
    const bytes = fs.readFileSync(e.abs);
    if (s.planted.get(e.abs)?.equals(bytes)) continue;
    const rawPayload = s.rawPayloads.some((p) => e.rel.startsWith(p));
    places.push({ where: `the file ${e.rel}`, data: bytes, rawPayload });
  }
  return places;
}

// Every (canary, place) where a form of the canary appears.
function findLeaks(s, secrets = canaries) {
  const leaks = [];
  for (const place of placesOf(s)) {
    const data = Buffer.isBuffer(place.data) ? place.data : Buffer.from(place.data);
    for (const secret of secrets) {
      if (secret.pii && place.rawPayload) continue;
      const form = [...secret.forms].find(([, text]) => data.includes(text));
      if (form) leaks.push({ purpose: secret.purpose, form: form[0], where: place.where, value: secret.value });
    }
  }
  return leaks;
}

function assertNoLeaks(s, secrets = canaries) {
  const leaks = findLeaks(s, secrets).map((l) => `${l.purpose} (${l.form}) in ${l.where}: ${l.value}`);
  assert.deepEqual(leaks, [], `canaries leaked:\n${leaks.join('\n')}`);
}

// A test around one scenario: the body runs the tool and checks that its secrets were used; then
// the issued secrets are collected and the whole scenario is scanned.
function scenario(name, body) {
  test(name, async (t) => {
    const s = newScenario(t);
    await body(s);
    collectIssued();
    assertNoLeaks(s);
  });
}

const queryOf = (url) => new URL(url, 'http://127.0.0.1').searchParams;
const queryText = (pairs) => pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');

// The GitHub Actions variables of a pull request run against the PR stand-in.
function prEnv(s, token) {
  const event = { number: PR, pull_request: { number: PR, head: { sha: HEAD_SHA } } };
  return {
    GITHUB_API_URL: pulls.url,
    GITHUB_REPOSITORY: REPOSITORY,
    GITHUB_TOKEN: token,
    GITHUB_SHA: 'f'.repeat(40),
    GITHUB_EVENT_PATH: plant(s, 'inputs/event.json', JSON.stringify(event)),
  };
}

// What a report published, scanned like the tool's own output.
function publish(s) {
  for (const c of pulls.comments(PR)) s.published.push([`PR comment #${c.id}`, c.body]);
  for (const r of pulls.checkRuns) s.published.push([`check run #${r.id}`, JSON.stringify(r)]);
}

// ---------------------------------------------------------------------------------------------

test('the scan finds a canary planted in each place and form it covers', (t) => {
  const s = newScenario(t);
  const planted = {};
  for (const where of ['stdout', 'stderr', 'nested', 'name', 'percent', 'base64', 'json', 'published', 'link',
    'modified input', 'unchanged input', 'payload credential', 'payload pii']) {
    const value = `KVCANARYselfcheck${hex(8)}/+=x`;
    planted[where] = { purpose: `self-check ${where}`, value, pii: where === 'payload pii', forms: leakForms(value) };
  }
  const v = (where) => planted[where].value;
  const lowerHex = (text) => text.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
  s.outputs.push({ label: 'self-check', stdout: `fetched ${v('stdout')}\n`, stderr: `error: ${v('stderr')}\n` });
  s.published.push(['a published comment', `body ${v('published')}`]);
  fs.mkdirSync(path.join(s.work, 'a', 'b'), { recursive: true });
  fs.writeFileSync(path.join(s.work, 'a', 'b', 'c.json'), `{"k":"${v('nested')}"}`);
  fs.writeFileSync(path.join(s.tmp, encodeURIComponent(v('name'))), '');
  fs.writeFileSync(path.join(s.home, 'request.log'), `GET /x?sig=${lowerHex(encodeURIComponent(v('percent')))}`);
  fs.writeFileSync(path.join(s.home, 'auth.txt'), Buffer.from(`user:${v('base64')}`).toString('base64'));
  fs.writeFileSync(path.join(s.home, 'doc.json'), JSON.stringify({ k: v('json') }).replaceAll('/', '\\/'));
  fs.symlinkSync(`/nowhere/${v('link')}`, path.join(s.work, 'link'));
  plant(s, 'inputs/modified', 'first');
  fs.writeFileSync(path.join(s.inputs, 'modified'), v('modified input'));
  plant(s, 'inputs/unchanged', v('unchanged input'));
  s.rawPayloads.push('work/trace/payload/');
  plant(s, 'work/trace/payload/p.json', 'x');
  fs.writeFileSync(path.join(s.work, 'trace', 'payload', 'p.json'), `${v('payload credential')} ${v('payload pii')}`);

  const found = findLeaks(s, Object.values(planted));
  assert.deepEqual(found.map((l) => `${l.purpose} | ${l.form} | ${l.where}`).sort(), [
    'self-check base64 | base64 from byte 1 | the file home/auth.txt',
    'self-check json | JSON-escaped with \\/ | the file home/doc.json',
    'self-check link | raw | the link work/link',
    'self-check modified input | raw | the file inputs/modified',
    `self-check name | percent-encoded | the name tmp/${encodeURIComponent(v('name'))}`,
    'self-check nested | raw | the file work/a/b/c.json',
    'self-check payload credential | raw | the file work/trace/payload/p.json',
    'self-check percent | percent-encoded, lower-case hex | the file home/request.log',
    'self-check published | raw | a published comment',
    'self-check stderr | raw | stderr of self-check',
    'self-check stdout | raw | stdout of self-check',
  ].sort());
  assert.throws(() => assertNoLeaks(s, Object.values(planted)), /self-check stdout \(raw\) in stdout of self-check/);
});

describe('fetch --url: presigned URLs', () => {
  // The query of a presigned S3 URL; its signature, credential and session token are secrets.
  const amzQuery = (signature) => queryText([
    ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
    ['X-Amz-Credential', `${SECRET.amzCredential}/20251009/${REGION}/s3/aws4_request`],
    ['X-Amz-Date', '20251009T080000Z'],
    ['X-Amz-Expires', '900'],
    ['X-Amz-SignedHeaders', 'host'],
    ['X-Amz-Security-Token', SECRET.amzToken],
    ['X-Amz-Signature', signature],
  ]);
  // `route` on the stand-in, presigned; `query` goes before the signature's.
  const presigned = (route, signature = SECRET.amzSignature, query = '') =>
    http.url(`${route}?${query}${amzQuery(signature)}`);
  const fetchUrl = (s, url, extra = [], env = {}) =>
    kvonce(s, ['fetch', '--url', url, '--target', 'payload.json', ...extra], env);

  // Checks that the stand-in's first request for `route` since `mark` carried the signature: the
  // secret really went out.
  function assertSigned(server, route, signature, mark) {
    const first = server.requests.slice(mark).find((r) => r.route === route);
    assert.ok(first, `${route} was not requested`);
    const q = queryOf(first.url);
    assert.equal(q.get('X-Amz-Signature') ?? q.get('X-Goog-Signature'), signature);
  }

  scenario('a presigned URL: downloaded with its signature, credential and token', async (s) => {
    const mark = http.requests.length;
    const r = await fetchUrl(s, presigned('/signed'), ['--expect-sha256', SHA]);
    assert.equal(r.code, 0, r.stderr);
    assertSigned(http, '/signed', SECRET.amzSignature, mark);
    assert.equal(queryOf(http.requests.at(-1).url).get('X-Amz-Security-Token'), SECRET.amzToken);
    assert.deepEqual(fs.readFileSync(path.join(s.work, 'payload.json')), PAYLOAD);
  });

  scenario('a presigned URL given as KVONCE_OTLP_PAYLOAD_URL', async (s) => {
    const mark = http.requests.length;
    const r = await kvonce(s, ['fetch', '--target', 'payload.json'], { KVONCE_OTLP_PAYLOAD_URL: presigned('/signed') });
    assert.equal(r.code, 0, r.stderr);
    assertSigned(http, '/signed', SECRET.amzSignature, mark);
  });

  scenario('a rejected presigned URL: 403 SignatureDoesNotMatch, exit 8', async (s) => {
    const mark = http.requests.length;
    const r = await fetchUrl(s, presigned('/signed', SECRET.rejectedSignature));
    assert.equal(r.code, 8, r.stderr);
    assert.match(r.stderr, /HTTP 403 SignatureDoesNotMatch/);
    assertSigned(http, '/signed', SECRET.rejectedSignature, mark);
  });

  scenario('a presigned URL redirected with its query to the signed route', async (s) => {
    const mark = http.requests.length;
    const r = await fetchUrl(s, presigned('/redirect-signed'));
    assert.equal(r.code, 0, r.stderr);
    assertSigned(http, '/redirect-signed', SECRET.amzSignature, mark);
    assertSigned(http, '/signed', SECRET.amzSignature, mark);
  });

  scenario('a presigned URL refused after a redirect: exit 8', async (s) => {
    const mark = http.requests.length;
    const r = await fetchUrl(s, presigned('/redirect-signed', SECRET.rejectedSignature));
    assert.equal(r.code, 8, r.stderr);
    assertSigned(http, '/signed', SECRET.rejectedSignature, mark);
  });

  scenario('a presigned URL caught in a redirect loop: exit 7', async (s) => {
    const mark = http.requests.length;
    const r = await fetchUrl(s, presigned('/redirect-loop', SECRET.amzSignature, 'id=canary&'));
    assert.equal(r.code, 7, r.stderr);
    assert.match(r.stderr, /more than 5 redirects/);
    assertSigned(http, '/redirect-loop', SECRET.amzSignature, mark);
  });

  scenario('an expired presigned URL: exit 8', async (s) => {
    const mark = http.requests.length;
    const r = await fetchUrl(s, presigned('/expired'));
    assert.equal(r.code, 8, r.stderr);
    assert.match(r.stderr, /ExpiredToken/);
    assertSigned(http, '/expired', SECRET.amzSignature, mark);
  });

  scenario('a presigned URL answered 500 once: retried, the retry logged', async (s) => {
    const mark = http.requests.length;
    const r = await fetchUrl(s, presigned('/flaky', SECRET.amzSignature, 'id=canary&'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /HTTP 500, retrying in/);
    assert.equal(http.requests.slice(mark).filter((q) => q.route === '/flaky').length, 2);
    assertSigned(http, '/flaky', SECRET.amzSignature, mark);
  });

  scenario('a presigned URL whose payload differs from --expect-sha256: exit 9', async (s) => {
    const mark = http.requests.length;
    const r = await fetchUrl(s, presigned('/signed'), ['--expect-sha256', '0'.repeat(64)]);
    assert.equal(r.code, 9, r.stderr);
    assertSigned(http, '/signed', SECRET.amzSignature, mark);
  });

  scenario('a presigned URL beyond --max-bytes: exit 5', async (s) => {
    const mark = http.requests.length;
    const r = await fetchUrl(s, presigned('/big', SECRET.amzSignature, 'bytes=3000000&'), ['--max-bytes', '1000000']);
    assert.equal(r.code, 5, r.stderr);
    assertSigned(http, '/big', SECRET.amzSignature, mark);
  });

  scenario('a presigned URL nobody answers: exit 7, the URL named without its secrets', async (s) => {
    const url = `http://127.0.0.1:1/payload.json?${amzQuery(SECRET.amzSignature)}`;
    const r = await fetchUrl(s, url, ['--retries', '0']);
    assert.equal(r.code, 7, r.stderr);
    // Nothing listens, so the message naming the URL is the proof the URL was used.
    assert.match(r.stderr, /http:\/\/127\.0\.0\.1:1\/payload\.json\?X-Amz-Algorithm=AWS4-HMAC-SHA256/);
  });

  scenario('a password in the URL authority: refused before any request, exit 3', async (s) => {
    const mark = http.requests.length;
    const r = await fetchUrl(s, presigned('/signed').replace('http://', `http://kvonce:${SECRET.urlPassword}@`));
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /127\.0\.0\.1/, 'the URL was read, and named without its secrets');
    assert.equal(http.requests.length, mark);
  });

  scenario('a presigned URL to a host outside KVONCE_ALLOWED_HOSTS: refused, exit 3', async (s) => {
    const mark = http.requests.length;
    const r = await fetchUrl(s, presigned('/signed'), [], { KVONCE_ALLOWED_HOSTS: 'example.org' });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /not in KVONCE_ALLOWED_HOSTS/);
    assert.equal(http.requests.length, mark);
  });

  scenario('report --metadata-for: a presigned --source-detail stored redacted', async (s) => {
    const payload = plant(s, 'inputs/payload.json', PAYLOAD);
    const r = await kvonce(s, ['report', '--trace-dir', 'trace', '--metadata-for', payload, '--source-type', 'url',
      '--source-detail', presigned('/signed')]);
    assert.equal(r.code, 0, r.stderr);
    const meta = JSON.parse(fs.readFileSync(path.join(s.work, 'trace', 'kvonce-payload-metadata.json'), 'utf8'));
    assert.ok(meta.sourceDetail.startsWith(http.url('/signed?X-Amz-Algorithm=AWS4-HMAC-SHA256')), meta.sourceDetail);
    assert.equal(meta.sha256, SHA);
  });

  scenario('a signed Google Cloud Storage URL: X-Goog-Signature and X-Goog-Credential', async (s) => {
    const query = queryText([
      ['X-Goog-Algorithm', 'GOOG4-RSA-SHA256'],
      ['X-Goog-Credential', `${SECRET.googCredential}/20251009/auto/storage/goog4_request`],
      ['X-Goog-Date', '20251009T080000Z'],
      ['X-Goog-Expires', '900'],
      ['X-Goog-SignedHeaders', 'host'],
      ['X-Goog-Signature', SECRET.googSignature],
    ]);
    const mark = googHttp.requests.length;
    const r = await fetchUrl(s, googHttp.url(`/signed?${query}`));
    assert.equal(r.code, 0, r.stderr);
    assertSigned(googHttp, '/signed', SECRET.googSignature, mark);
    const credential = queryOf(googHttp.requests.at(-1).url).get('X-Goog-Credential');
    assert.equal(credential.split('/')[0], SECRET.googCredential);
  });
});

describe('fetch --s3 and batch s3://', () => {
  const OBJECT = `s3://${BUCKET}/payload.json`;
  const s3Env = (extra = {}) => ({
    AWS_REGION: REGION,
    AWS_ENDPOINT_URL_S3: s3.pathStyleEndpoint,
    AWS_ENDPOINT_URL_STS: sts.url,
    ...extra,
  });
  const staticEnv = (secret = SECRET.s3Secret) =>
    s3Env({ AWS_ACCESS_KEY_ID: STATIC.accessKeyId, AWS_SECRET_ACCESS_KEY: secret });
  const temporaryEnv = (sessionToken) => s3Env({
    AWS_ACCESS_KEY_ID: TEMPORARY.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEMPORARY.secretAccessKey,
    AWS_SESSION_TOKEN: sessionToken,
  });
  const webIdentityEnv = (extra) => s3Env({ AWS_ROLE_ARN: ROLE, ...extra });
  const actionsEnv = (requestToken) => webIdentityEnv({
    ACTIONS_ID_TOKEN_REQUEST_URL: oidc.requestUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken,
  });
  const fetchS3 = (s, env, uri = OBJECT, extra = []) =>
    kvonce(s, ['fetch', '--s3', uri, '--target', 'payload.json', ...extra], env);

  // The S3 requests since `mark`: each signed with `accessKeyId`, each ended as `outcome`.
  function assertS3Seen(mark, accessKeyId, outcome) {
    const seen = s3.requests.slice(mark);
    assert.ok(seen.length > 0, 'S3 saw no request');
    for (const r of seen) {
      assert.match(r.headers.authorization, new RegExp(`Credential=${accessKeyId}/`));
      assert.equal(r.error ?? r.status, outcome, JSON.stringify(r));
    }
    return seen;
  }

  scenario('static keys: every request signed with the secret and accepted', async (s) => {
    const mark = s3.requests.length;
    const r = await fetchS3(s, staticEnv());
    assert.equal(r.code, 0, r.stderr);
    assertS3Seen(mark, STATIC.accessKeyId, 200);
  });

  scenario('a wrong secret: SignatureDoesNotMatch, exit 8', async (s) => {
    const mark = s3.requests.length;
    const r = await fetchS3(s, staticEnv(SECRET.s3WrongSecret));
    assert.equal(r.code, 8, r.stderr);
    assertS3Seen(mark, STATIC.accessKeyId, 'SignatureDoesNotMatch');
  });

  scenario('a session token: sent, signed and required', async (s) => {
    const mark = s3.requests.length;
    const r = await fetchS3(s, temporaryEnv(TEMPORARY.sessionToken));
    assert.equal(r.code, 0, r.stderr);
    const [seen] = assertS3Seen(mark, TEMPORARY.accessKeyId, 200);
    assert.equal(seen.headers['x-amz-security-token'], TEMPORARY.sessionToken);
  });

  scenario('a session token the store does not know: InvalidToken, exit 8', async (s) => {
    const mark = s3.requests.length;
    const r = await fetchS3(s, temporaryEnv(SECRET.unknownSessionToken));
    assert.equal(r.code, 8, r.stderr);
    const [seen] = assertS3Seen(mark, TEMPORARY.accessKeyId, 'InvalidToken');
    assert.equal(seen.headers['x-amz-security-token'], SECRET.unknownSessionToken);
  });

  scenario('a profile of the shared credentials file in HOME', async (s) => {
    plant(s, 'home/.aws/credentials',
      '[default]\naws_access_key_id = AKIAKVONCEWRONG00000\naws_secret_access_key = not-this-one\n\n' +
      `[ci]\naws_access_key_id = ${PROFILE.accessKeyId}\naws_secret_access_key = ${PROFILE.secretAccessKey}\n`);
    const mark = s3.requests.length;
    const r = await fetchS3(s, s3Env({ AWS_PROFILE: 'ci' }));
    assert.equal(r.code, 0, r.stderr);
    assertS3Seen(mark, PROFILE.accessKeyId, 200);
  });

  scenario('web identity: a token file exchanged at STS, its credentials used on S3', async (s) => {
    const tokenFile = plant(s, 'inputs/web-identity-token', `${SECRET.webIdentityToken}\n`);
    const stsMark = sts.requests.length;
    const issued = sts.issued.length;
    const mark = s3.requests.length;
    const r = await fetchS3(s, webIdentityEnv({ AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile }));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(sts.requests[stsMark].params.WebIdentityToken, SECRET.webIdentityToken);
    assert.equal(sts.issued.length, issued + 1);
    const [seen] = assertS3Seen(mark, sts.issued.at(-1).accessKeyId, 200);
    assert.equal(seen.headers['x-amz-security-token'], sts.issued.at(-1).sessionToken);
  });

  scenario('web identity: the GitHub Actions OIDC token exchanged at STS', async (s) => {
    const minted = oidc.tokens.length;
    const mark = s3.requests.length;
    const r = await fetchS3(s, actionsEnv(SECRET.actionsRequestToken));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(oidc.tokens.length, minted + 1, 'the request token was accepted once');
    assert.equal(sts.requests.at(-1).params.WebIdentityToken, oidc.tokens.at(-1).jwt);
    assertS3Seen(mark, sts.issued.at(-1).accessKeyId, 200);
  });

  scenario('web identity refused by STS (role not trusted): exit 8', async (s) => {
    const tokenFile = plant(s, 'inputs/web-identity-token', SECRET.webIdentityToken);
    const stsMark = sts.requests.length;
    const r = await fetchS3(s, webIdentityEnv({
      AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/not-trusted',
      AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
    }));
    assert.equal(r.code, 8, r.stderr);
    assert.match(r.stderr, /AccessDenied/);
    assert.equal(sts.requests[stsMark].params.WebIdentityToken, SECRET.webIdentityToken);
  });

  scenario('a wrong Actions ID token request token: 401, exit 8', async (s) => {
    const asked = oidc.requests.length;
    const minted = oidc.tokens.length;
    const r = await fetchS3(s, actionsEnv(SECRET.wrongActionsRequestToken));
    assert.equal(r.code, 8, r.stderr);
    assert.equal(oidc.requests.length, asked + 1);
    assert.ok(oidc.requests.at(-1).hasAuthorization, 'the request token was sent');
    assert.equal(oidc.tokens.length, minted, 'and refused');
  });

  scenario('SlowDown once: retried, each attempt signed afresh', async (s) => {
    s3.inject({ match: (q) => q.key === 'payload.json', status: 503, code: 'SlowDown', times: 1 });
    const mark = s3.requests.length;
    const r = await fetchS3(s, staticEnv());
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(s3.requests.slice(mark).map((q) => q.error ?? q.status), ['SlowDown', 200]);
  });

  scenario('a prefix: every object of the day listed and fetched into a directory', async (s) => {
    const mark = s3.requests.length;
    const r = await kvonce(s, ['fetch', '--s3', `s3://${BUCKET}/`, '--date', '2025-10-09', '--target', 'objects'],
      staticEnv());
    assert.equal(r.code, 0, r.stderr);
    const seen = assertS3Seen(mark, STATIC.accessKeyId, 200);
    assert.ok(seen.some((q) => q.url.includes('continuation-token=')), 'three objects at two per page');
    assert.ok(fs.existsSync(path.join(s.work, 'objects', 'sub dir', 'b.json')));
  });

  scenario('batch over an s3:// prefix: listings and downloads signed, outputs per payload', async (s) => {
    const mark = s3.requests.length;
    const r = await kvonce(s, ['batch', `s3://${BUCKET}/`, '--from', '2025-10-09', '--to', '2025-10-09',
      '--jobs', '2', '--results', 'results.jsonl', '--summary', 'summary.md', '-d', 'out'], staticEnv());
    assert.equal(r.code, 0, r.stderr);
    const seen = assertS3Seen(mark, STATIC.accessKeyId, 200);
    assert.equal(seen.filter((q) => q.key !== '').length, 3, 'three objects downloaded');
    assert.equal(fs.readFileSync(path.join(s.work, 'results.jsonl'), 'utf8').trim().split('\n').length, 3);
  });

  scenario('batch: an object the store refuses is recorded with its error, exit 1', async (s) => {
    s3.inject({ match: (q) => q.key === `${DAY}c.json`, status: 403, code: 'AccessDenied' });
    const mark = s3.requests.length;
    const r = await kvonce(s, ['batch', `s3://${BUCKET}/${DAY}`, '--results', 'results.jsonl'], staticEnv());
    assert.equal(r.code, 1, r.stderr);
    assert.ok(s3.requests.slice(mark).some((q) => q.error === 'AccessDenied'));
    assert.match(fs.readFileSync(path.join(s.work, 'results.jsonl'), 'utf8'), /AccessDenied/);
  });

  scenario('batch with a wrong secret: the listing refused, exit 8', async (s) => {
    const mark = s3.requests.length;
    const r = await kvonce(s, ['batch', `s3://${BUCKET}/${DAY}`, '--results', 'results.jsonl'],
      staticEnv(SECRET.s3WrongSecret));
    assert.equal(r.code, 8, r.stderr);
    assertS3Seen(mark, STATIC.accessKeyId, 'SignatureDoesNotMatch');
  });
});

describe('fetch --gcs and batch gs://', () => {
  const api = (extra = {}) => ({ KVONCE_GCS_API_URL: gcs.url, ...extra });
  const fetchGcs = (s, env) =>
    kvonce(s, ['fetch', '--gcs', `gs://${BUCKET}/payload.json`, '--target', 'payload.json'], env);
  const JWT_SUBJECT = 'urn:ietf:params:oauth:token-type:jwt';

  function serviceAccountFile(s, pem) {
    const key = {
      type: 'service_account',
      project_id: 'kvonce-canary',
      private_key_id: 'canary-key-1',
      private_key: pem,
      client_email: CLIENT_EMAIL,
      token_uri: google.tokenUri,
    };
    return plant(s, 'inputs/sa.json', JSON.stringify(key, null, 2));
  }

  scenario('GOOGLE_OAUTH_ACCESS_TOKEN: the bearer of the object request', async (s) => {
    const mark = gcs.requests.length;
    const r = await fetchGcs(s, api({ GOOGLE_OAUTH_ACCESS_TOKEN: SECRET.gcsToken }));
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(gcs.requests.slice(mark).map((q) => q.token), [SECRET.gcsToken]);
  });

  scenario('a token GCS does not accept: 401, exit 8', async (s) => {
    const mark = gcs.requests.length;
    const r = await fetchGcs(s, api({ GOOGLE_OAUTH_ACCESS_TOKEN: SECRET.gcsRejectedToken }));
    assert.equal(r.code, 8, r.stderr);
    assert.deepEqual(gcs.requests.slice(mark).map((q) => q.token), [SECRET.gcsRejectedToken]);
  });

  scenario('a service-account key: the JWT signed with it is accepted, its token used', async (s) => {
    const mark = google.requests.length;
    const gcsMark = gcs.requests.length;
    const r = await fetchGcs(s, api({ GOOGLE_APPLICATION_CREDENTIALS: serviceAccountFile(s, SA_KEY.pem) }));
    assert.equal(r.code, 0, r.stderr);
    const [grant] = google.requests.slice(mark);
    assert.equal(grant.path, '/token');
    assert.ok(grant.assertion, 'a signed assertion was sent');
    assert.match(gcs.requests[gcsMark].token, /^ya29\.sa\./);
  });

  scenario('a key the token endpoint does not know: invalid_grant, exit 8', async (s) => {
    const mark = google.requests.length;
    const r = await fetchGcs(s, api({ GOOGLE_APPLICATION_CREDENTIALS: serviceAccountFile(s, UNKNOWN_KEY.pem) }));
    assert.equal(r.code, 8, r.stderr);
    assert.match(r.stderr, /invalid_grant/);
    assert.ok(google.requests[mark].assertion, 'a JWT signed with the unknown key was sent');
  });

  scenario('a truncated private key: refused before any request, exit 8', async (s) => {
    // The canary line 5 stays; the DER structure around it is cut short, so the key cannot load.
    const lines = SA_KEY.pem.split('\n');
    const truncated = [...lines.slice(0, 8), lines.at(-2), ''].join('\n');
    const mark = google.requests.length;
    const r = await fetchGcs(s, api({ GOOGLE_APPLICATION_CREDENTIALS: serviceAccountFile(s, truncated) }));
    assert.equal(r.code, 8, r.stderr);
    assert.equal(google.requests.length, mark);
  });

  scenario('an external account: a subject token file, the STS exchange, impersonation', async (s) => {
    const subject = plant(s, 'inputs/subject-token', `${SECRET.subjectToken}\n`);
    const credentials = plant(s, 'inputs/external.json', JSON.stringify({
      type: 'external_account',
      audience: AUDIENCE,
      subject_token_type: JWT_SUBJECT,
      token_url: google.stsUrl,
      service_account_impersonation_url: google.impersonationUrl,
      credential_source: { file: subject },
    }));
    const mark = google.requests.length;
    const gcsMark = gcs.requests.length;
    const r = await fetchGcs(s, api({ GOOGLE_APPLICATION_CREDENTIALS: credentials }));
    assert.equal(r.code, 0, r.stderr);
    // The stand-in exchanges only the subject token of the file.
    const seen = google.requests.slice(mark);
    assert.deepEqual(seen.map((q) => q.path),
      ['/v1/token', `/v1/projects/-/serviceAccounts/${IMPERSONATED}:generateAccessToken`]);
    assert.equal(gcs.requests[gcsMark].token, seen[1].impersonated);
  });

  scenario('an external account reading the GitHub Actions OIDC token', async (s) => {
    const credentials = plant(s, 'inputs/gha-creds.json', JSON.stringify({
      type: 'external_account',
      audience: AUDIENCE,
      subject_token_type: JWT_SUBJECT,
      token_url: google.stsUrl,
      credential_source: {
        url: `${oidc.requestUrl}&audience=https://iam.googleapis.com${AUDIENCE.slice(1)}`,
        headers: { Authorization: `Bearer ${SECRET.actionsRequestToken}` },
        format: { type: 'json', subject_token_field_name: 'value' },
      },
    }));
    const minted = oidc.tokens.length;
    const r = await fetchGcs(s, api({ GOOGLE_APPLICATION_CREDENTIALS: credentials }));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(oidc.tokens.length, minted + 1, 'the request token was accepted');
  });

  scenario('batch over a gs:// prefix with an access token', async (s) => {
    const mark = gcs.requests.length;
    const r = await kvonce(s, ['batch', `gs://${BUCKET}/${DAY}`, '--jobs', '2', '--results', 'results.jsonl',
      '-d', 'out'], api({ GOOGLE_OAUTH_ACCESS_TOKEN: SECRET.gcsToken }));
    assert.equal(r.code, 0, r.stderr);
    const seen = gcs.requests.slice(mark);
    assert.ok(seen.length >= 5, 'two listing pages and three downloads');
    assert.ok(seen.every((q) => q.token === SECRET.gcsToken));
  });
});

describe('GitHub: fetch --artifact and report', () => {
  const fetchArtifact = (s, token, name = ARTIFACT) =>
    kvonce(s, ['fetch', '--artifact', name, '--target', 'payload.json', '--retries', '0'],
      { GITHUB_API_URL: artifacts.url, GITHUB_REPOSITORY: REPOSITORY, GITHUB_TOKEN: token });

  scenario('fetch --artifact: the token on the API only, the storage signature followed', async (s) => {
    const mark = artifacts.requests.length;
    const storageMark = artifacts.storageRequests.length;
    const r = await fetchArtifact(s, SECRET.githubToken);
    assert.equal(r.code, 0, r.stderr);
    const seen = artifacts.requests.slice(mark);
    assert.ok(seen.length >= 2 && seen.every((q) => q.headers.authorization === `Bearer ${SECRET.githubToken}`));
    assert.equal(artifacts.storageRequests.length, storageMark + 1);
    assert.deepEqual(artifacts.violations, []);
  });

  scenario('fetch --artifact whose archive storage fails after the redirect: exit 7', async (s) => {
    const storageMark = artifacts.storageRequests.length;
    const r = await fetchArtifact(s, SECRET.githubToken, 'kvonce-lost-archive');
    assert.equal(r.code, 7, r.stderr);
    assert.equal(artifacts.storageRequests.length, storageMark + 1, 'the signed storage URL was followed');
    assert.deepEqual(artifacts.violations, []);
  });

  scenario('fetch --artifact with a rejected token: 401, exit 8', async (s) => {
    const mark = artifacts.requests.length;
    const r = await fetchArtifact(s, SECRET.githubRejectedToken);
    assert.equal(r.code, 8, r.stderr);
    assert.deepEqual(artifacts.requests.slice(mark).map((q) => q.headers.authorization),
      [`Bearer ${SECRET.githubRejectedToken}`]);
  });

  scenario('report --post-comment --check-run with GITHUB_TOKEN', async (s) => {
    pulls.reset();
    const made = await kvonce(s, ['run', '--trace-dir', 'trace']);
    assert.equal(made.code, 0, made.stderr);
    const r = await kvonce(s, ['report', '--trace-dir', 'trace', '--post-comment', '--check-run'],
      prEnv(s, SECRET.prToken));
    assert.equal(r.code, 0, r.stderr);
    assert.ok(pulls.requests.length >= 4 && pulls.requests.every((q) => q.authorized));
    assert.equal(pulls.comments(PR).length, 1);
    assert.equal(pulls.checkRuns.length, 1);
    publish(s);
  });

  scenario('report with a revoked token: 401, exit 8', async (s) => {
    pulls.reset();
    const made = await kvonce(s, ['run', '--trace-dir', 'trace']);
    assert.equal(made.code, 0, made.stderr);
    const r = await kvonce(s, ['report', '--trace-dir', 'trace', '--post-comment'], prEnv(s, SECRET.prRevokedToken));
    assert.equal(r.code, 8, r.stderr);
    assert.equal(pulls.requests.length, 1);
    assert.equal(pulls.requests[0].authorized, false);
  });
});

describe('masking: values, context members and the key', () => {
  const KEY_ENV = { KVONCE_MASK_KEY: SECRET.maskKey };
  const WITH_KEY = ['--mask-values', ...MASK_ATTRS, '--mask-key-env', 'KVONCE_MASK_KEY'];
  const readEvents = (file) =>
    fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));

  // The events of the PII payload in `file`, masked under `key` (null: a key of the run).
  function assertMaskedOtlp(file, key) {
    const events = readEvents(file);
    assert.equal(events.length, PII_EVENTS);
    const [first, retry, second] = events;
    assert.match(first.value, MASK);
    assert.match(second.value, MASK);
    for (const member of ['email', 'user', 'ip']) assert.match(first.context[member], MASK, member);
    assert.match(retry.context.email, MASK); // the OTLP reader made the string context an object
    if (key) {
      assert.equal(first.value, maskOf(key, PII.value));
      assert.equal(first.context.email, maskOf(key, PII.contextEmail));
    }
  }

  scenario('prepare --mask-values --mask-attr --mask-key-env', async (s) => {
    const input = plant(s, 'inputs/pii.json', PII_OTLP);
    const r = await kvonce(s, ['prepare', '-i', input, '-o', 'events.ndjson', '--stats', 'stats.json', ...WITH_KEY],
      KEY_ENV);
    assert.equal(r.code, 0, r.stderr);
    assertMaskedOtlp(path.join(s.work, 'events.ndjson'), SECRET.maskKey);
  });

  scenario('verify --mask-values --mask-attr with a key of the run', async (s) => {
    const input = plant(s, 'inputs/pii.json', PII_OTLP);
    const r = await kvonce(s, ['verify', '-i', input, '-d', 'out', '--mask-values', ...MASK_ATTRS]);
    assert.equal(r.code, 0, r.stderr);
    assertMaskedOtlp(path.join(s.work, 'out', 'kvonce-events.ndjson'), null);
  });

  scenario('verify --format ndjson on NDJSON personal data, --mask-key-env', async (s) => {
    const input = plant(s, 'inputs/pii.ndjson', PII_NDJSON);
    const r = await kvonce(s, ['verify', '-i', input, '-d', 'out', '--format', 'ndjson', ...WITH_KEY], KEY_ENV);
    assert.equal(r.code, 0, r.stderr);
    const [retry, success] = readEvents(path.join(s.work, 'out', 'kvonce-events.ndjson'));
    assert.equal(typeof retry.context, 'string');
    assert.equal(JSON.parse(retry.context).email, maskOf(SECRET.maskKey, PII.ndjsonStringEmail));
    assert.equal(success.value, maskOf(SECRET.maskKey, PII.ndjsonValue));
    assert.equal(success.context.email, maskOf(SECRET.maskKey, PII.ndjsonEmail));
  });

  scenario('run --input: both modes, the Step Summary, step outputs and PR comment file', async (s) => {
    const input = plant(s, 'inputs/pii.json', PII_OTLP);
    const r = await kvonce(s, ['run', '--input', input, '--pr-comment', 'comment.md', ...WITH_KEY], KEY_ENV);
    assert.equal(r.code, 0, r.stderr);
    const trace = path.join(s.work, 'artifacts', 'hermetic-reports', 'trace');
    for (const mode of ['otlp', 'ndjson']) {
      assertMaskedOtlp(path.join(trace, mode, 'kvonce-events.ndjson'), SECRET.maskKey);
    }
    assert.match(fs.readFileSync(path.join(s.root, 'step-outputs.txt'), 'utf8'), /valid=true/);
  });

  scenario('run --url: a presigned PII payload, masked, reported to GitHub', async (s) => {
    pulls.reset();
    const mark = piiHttp.requests.length;
    const url = piiHttp.url(`/signed?${queryText([
      ['X-Amz-Credential', `${SECRET.amzCredential}/20251009/${REGION}/s3/aws4_request`],
      ['X-Amz-Signature', SECRET.runSignature],
    ])}`);
    const r = await kvonce(s, ['run', '--url', url, '--trace-dir', 'trace', ...WITH_KEY,
      '--post-comment', '--check-run'], { ...KEY_ENV, ...prEnv(s, SECRET.prToken) });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(queryOf(piiHttp.requests[mark].url).get('X-Amz-Signature'), SECRET.runSignature);
    // The fetched payload is the raw input itself (kept out of the uploaded artifact): personal
    // data is expected there, secrets are not.
    s.rawPayloads.push('work/trace/payload/');
    assert.equal(fs.readFileSync(path.join(s.work, 'trace', 'payload', 'kvonce-otlp-payload'), 'utf8'), PII_OTLP);
    for (const mode of ['otlp', 'ndjson']) {
      assertMaskedOtlp(path.join(s.work, 'trace', mode, 'kvonce-events.ndjson'), SECRET.maskKey);
    }
    assert.equal(pulls.comments(PR).length, 1);
    publish(s);
  });

  scenario('run --s3: a PII object fetched with static keys, masked', async (s) => {
    const mark = s3.requests.length;
    const r = await kvonce(s, ['run', '--s3', `s3://${BUCKET}/pii/payload.json`, '--trace-dir', 'trace',
      '--mask-values', ...MASK_ATTRS], {
      AWS_ACCESS_KEY_ID: STATIC.accessKeyId,
      AWS_SECRET_ACCESS_KEY: SECRET.s3Secret,
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL_S3: s3.pathStyleEndpoint,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(s3.requests[mark].status, 200);
    s.rawPayloads.push('work/trace/payload/');
    assertMaskedOtlp(path.join(s.work, 'trace', 'otlp', 'kvonce-events.ndjson'), null);
  });

  scenario('a masking key below 16 bytes: refused by name, exit 3', async (s) => {
    const input = plant(s, 'inputs/pii.json', PII_OTLP);
    const r = await kvonce(s, ['verify', '-i', input, '-d', 'out', ...WITH_KEY],
      { KVONCE_MASK_KEY: SECRET.shortMaskKey });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /KVONCE_MASK_KEY is shorter than 16 bytes/);
  });

  scenario('malformed payloads around personal data: exit 4, nothing quoted', async (s) => {
    const success = (value) => otlp([span(0, 'success', 'user-1', { 'kvonce.event.value': str(value) })]);
    const quoted = `"${PII.malformedNeighbour}"`;
    const broken = success(PII.malformedNeighbour).replace(quoted, `${quoted} ! `);
    const whole = success(PII.truncated);
    const cut = whole.slice(0, whole.indexOf(PII.truncated) + PII.truncated.length);
    for (const [name, text] of [['broken.json', broken], ['truncated.json', cut]]) {
      const input = plant(s, `inputs/${name}`, text);
      const r = await kvonce(s, ['verify', '-i', input, '-d', `out-${name}`, ...WITH_KEY], KEY_ENV);
      assert.equal(r.code, 4, r.stderr);
      assert.match(r.stderr, /invalid JSON at byte \d+/);
    }
  });

  scenario('an intValue beyond 64 bits as a value: kept, and masked like any value', async (s) => {
    const input = plant(s, 'inputs/big.json', otlp([span(0, 'success', 'user-1', {
      'kvonce.event.value': { intValue: PII.bigInt },
      'kvonce.event.context': attempts(1),
    })]));
    const r = await kvonce(s, ['run', '--input', input, '--trace-dir', 'trace', '--pr-comment', 'comment.md',
      '--mask-values']);
    assert.equal(r.code, 0, r.stderr); // read as Number(intValue) reads it, as the old converter did
    assert.doesNotMatch(r.stdout, /intValue/);
  });
});

// A secret set where the name of a variable or the path of a file belongs is a common mistake; the
// message that says the setting is wrong must not repeat it.
describe('misconfigured secrets: a secret where a name or a path belongs', () => {
  const fetchS3 = (s, env) =>
    kvonce(s, ['fetch', '--s3', `s3://${BUCKET}/payload.json`, '--target', 'payload.json'],
      { AWS_REGION: REGION, AWS_ENDPOINT_URL_S3: s3.pathStyleEndpoint, AWS_ENDPOINT_URL_STS: sts.url, ...env });

  scenario('AWS_WEB_IDENTITY_TOKEN_FILE holding the token: exit 8, STS never asked', async (s) => {
    const asked = sts.requests.length;
    const r = await fetchS3(s, { AWS_ROLE_ARN: ROLE, AWS_WEB_IDENTITY_TOKEN_FILE: SECRET.webIdentityToken });
    assert.equal(r.code, 8, r.stderr);
    assert.match(r.stderr, /AWS_WEB_IDENTITY_TOKEN_FILE names no existing file/);
    assert.equal(sts.requests.length, asked);
  });

  scenario('AWS_SHARED_CREDENTIALS_FILE holding the file\'s text: exit 8', async (s) => {
    const text =
      `[ci]\naws_access_key_id = ${PROFILE.accessKeyId}\naws_secret_access_key = ${PROFILE.secretAccessKey}\n`;
    const r = await fetchS3(s, { AWS_PROFILE: 'ci', AWS_SHARED_CREDENTIALS_FILE: text });
    assert.equal(r.code, 8, r.stderr);
    assert.match(r.stderr, /AWS_PROFILE=ci: no credentials file at AWS_SHARED_CREDENTIALS_FILE/);
  });

  scenario('GOOGLE_APPLICATION_CREDENTIALS holding the key file\'s content: exit 8', async (s) => {
    const asked = google.requests.length;
    const key = { type: 'service_account', client_email: CLIENT_EMAIL, token_uri: google.tokenUri };
    // Both ways a lookup of such a "path" ends: it finds no file (its first part, up to the first
    // '/', names nothing), or it fails (that first part is longer than a file name may be).
    const attempts = [
      [{ ...key, private_key: SA_KEY.pem }, /GOOGLE_APPLICATION_CREDENTIALS names no existing file/],
      [{ padding: 'x'.repeat(300), ...key, private_key: SA_KEY.pem },
        /GOOGLE_APPLICATION_CREDENTIALS: cannot look up the file it names/],
    ];
    for (const [content, message] of attempts) {
      const r = await kvonce(s, ['fetch', '--gcs', `gs://${BUCKET}/payload.json`, '--target', 'payload.json'],
        { KVONCE_GCS_API_URL: gcs.url, GOOGLE_APPLICATION_CREDENTIALS: JSON.stringify(content) });
      assert.equal(r.code, 8, r.stderr);
      assert.match(r.stderr, message);
    }
    assert.equal(google.requests.length, asked);
  });

  scenario('--mask-key-env given the key instead of its variable: exit 3', async (s) => {
    const input = plant(s, 'inputs/pii.json', PII_OTLP);
    const r = await kvonce(s, ['verify', '-i', input, '-d', 'out', '--mask-values', '--mask-key-env', SECRET.maskKey],
      { KVONCE_MASK_KEY: SECRET.maskKey });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /--mask-key-env takes the name of an environment variable/);
  });
});
