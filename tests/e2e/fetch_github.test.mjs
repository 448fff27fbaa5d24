// `kvonce-trace fetch --artifact` against a loopback GitHub API stand-in: paginated listing, the
// newest unexpired artifact, the 302 to a storage host that must not see the token, zip
// extraction and the archives that must be refused.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import zlib from 'node:zlib';

import { assertNoSecrets, listFiles, readJson, requireBinary, run, tempDir } from './cloud_harness.mjs';
import { startGitHubApi } from './servers/github_api.mjs';
import { makeZip } from './servers/zip_builder.mjs';

const TOKEN = 'ghs_kvonceTestToken0123456789abcdefABCDEF';
const STORAGE_SIG = 'storage-sig-5ecret-0123456789';
const REPOSITORY = 'octo-org/kvonce-service';
const NAME = 'kvonce-otlp-payload';
const PAYLOAD = fs.readFileSync(new URL('../data/kvonce-otlp.json', import.meta.url));
const SHA = crypto.createHash('sha256').update(PAYLOAD).digest('hex');
// One KvOnce span in OTLP protobuf, encoded by protoc with the schema of the unit tests' fixtures.
const PROTO_DIR = new URL('../data/proto/', import.meta.url).pathname;
const PROTO_TEXT = `resource_spans {
  resource { attributes { key: "service.name" value { string_value: "kvonce-store" } } }
  scope_spans {
    spans {
      trace_id: "\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x01"
      span_id: "\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x01"
      start_time_unix_nano: 1760000000000000000
      attributes { key: "kvonce.event.type" value { string_value: "success" } }
      attributes { key: "kvonce.event.key" value { string_value: "alpha" } }
      attributes { key: "kvonce.event.value" value { string_value: "v" } }
      attributes { key: "kvonce.event.context" value { string_value: "{\\"attempts\\":1}" } }
    }
  }
}
`;

let github;

before(async () => {
  requireBinary();
  github = await startGitHubApi({ token: TOKEN, repository: REPOSITORY, storageSignature: STORAGE_SIG });
});

after(async () => {
  await github?.close();
});

afterEach(() => {
  assert.deepEqual(github.violations, [], 'the storage host received the Authorization header');
});

const env = (extra = {}) => ({
  GITHUB_API_URL: github.url,
  GITHUB_REPOSITORY: REPOSITORY,
  GITHUB_TOKEN: TOKEN,
  ...extra,
});

const artifact = (id, created, { name = NAME, expired = false, run = 100 } = {}) => ({
  id,
  name,
  created_at: created,
  expired,
  run,
});

// Five artifacts over three pages: the newest unexpired one of NAME (id 4) is on page 2, a newer
// expired one (id 5) and another name (id 6) must be passed over.
function standardArtifacts() {
  github.setArtifacts(
    [
      artifact(1, '2025-10-01T08:00:00Z'),
      artifact(2, '2025-10-02T08:00:00Z', { run: 200 }),
      artifact(3, '2025-10-03T08:00:00Z'),
      artifact(4, '2025-10-08T08:00:00Z', { run: 400 }),
      artifact(5, '2025-10-09T08:00:00Z', { expired: true }),
      artifact(6, '2025-10-09T09:00:00Z', { name: 'other-artifact' }),
    ],
    {
      1: makeZip([{ name: 'kvonce-otlp-payload.json', data: 'artifact 1' }]),
      2: makeZip([{ name: 'kvonce-otlp-payload.json', data: 'artifact 2 of run 200' }]),
      3: makeZip([{ name: 'kvonce-otlp-payload.json', data: 'artifact 3' }]),
      4: makeZip([
        { name: 'logs/', directory: true },
        { name: 'logs/collector.txt', data: 'collector log' },
        { name: 'kvonce-otlp-payload.json', data: PAYLOAD },
        { name: 'kvonce-payload-metadata.json', data: '{}' },
      ]),
      5: makeZip([{ name: 'kvonce-otlp-payload.json', data: 'expired' }]),
      6: makeZip([{ name: 'kvonce-otlp-payload.json', data: 'other' }]),
    },
  );
}

// One artifact whose archive is `blob`.
function single(blob) {
  github.setArtifacts([artifact(9, '2025-10-09T08:00:00Z')], { 9: blob });
}

async function fetchArtifact(t, extra = [], environment = env()) {
  const dir = tempDir(t);
  const target = path.join(dir, 'payload.json');
  const result = await run(['fetch', '--artifact', NAME, '--target', target, ...extra], environment, dir);
  return { ...result, dir, target };
}

function assertNothingLeft(r) {
  assert.deepEqual(listFiles(r.dir), [], `files left behind: ${listFiles(r.dir)}`);
}

describe('fetch --artifact', () => {
  test('the stand-in really catches a token sent to storage', async () => {
    // Guards the guard: without this the afterEach check could pass vacuously.
    const response = await fetch(`${github.storageUrl}/blob/1?sig=${STORAGE_SIG}`, { headers: { authorization: 'Bearer x' } });
    assert.equal(response.status, 400);
    assert.equal(github.violations.length, 1);
    github.violations.length = 0;
  });

  test('lists every page, takes the newest unexpired artifact, follows the 302 without the token', async (t) => {
    standardArtifacts();
    const mark = github.requests.length;
    const storageMark = github.storageRequests.length;
    const r = await fetchArtifact(t);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(fs.readFileSync(r.target), PAYLOAD);
    assert.deepEqual(listFiles(r.dir), ['kvonce-payload-metadata.json', 'payload.json']);

    const seen = github.requests.slice(mark);
    const lists = seen.filter((q) => q.path.endsWith('/actions/artifacts'));
    assert.deepEqual(lists.map((q) => q.query.page), ['1', '2', '3']);
    assert.ok(lists.every((q) => q.query.name === NAME));
    assert.deepEqual(seen.at(-1).path, `/repos/${REPOSITORY}/actions/artifacts/4/zip`);
    for (const q of seen) {
      assert.equal(q.headers.authorization, `Bearer ${TOKEN}`);
      assert.equal(q.headers['x-github-api-version'], '2022-11-28');
      assert.equal(q.headers.accept, 'application/vnd.github+json');
    }
    const blobs = github.storageRequests.slice(storageMark);
    assert.equal(blobs.length, 1);
    assert.equal(blobs[0].path, '/blob/4');
    assert.equal(blobs[0].headers.authorization, undefined);

    const metaText = fs.readFileSync(path.join(r.dir, 'kvonce-payload-metadata.json'), 'utf8');
    const meta = JSON.parse(metaText);
    assert.equal(meta.sourceType, 'artifact');
    assert.equal(meta.sourceDetail, `${REPOSITORY} artifact ${NAME} (id 4, run 400, kvonce-otlp-payload.json)`);
    assert.equal(meta.sha256, SHA);
    assert.equal(meta.sizeBytes, PAYLOAD.length);
    assertNoSecrets(r, [TOKEN, STORAGE_SIG]);
    assert.ok(!metaText.includes(TOKEN) && !metaText.includes(STORAGE_SIG));
  });

  test('--run-id takes that run\'s artifact', async (t) => {
    standardArtifacts();
    const mark = github.requests.length;
    const r = await fetchArtifact(t, ['--run-id', '200']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fs.readFileSync(r.target, 'utf8'), 'artifact 2 of run 200');
    assert.equal(github.requests[mark].path, `/repos/${REPOSITORY}/actions/runs/200/artifacts`);
  });

  test('KVONCE_PAYLOAD_ARTIFACT names the artifact when no flag is given', async (t) => {
    standardArtifacts();
    const dir = tempDir(t);
    const target = path.join(dir, 'p.json');
    const r = await run(['fetch', '--target', target], env({ KVONCE_PAYLOAD_ARTIFACT: NAME }), dir);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(fs.readFileSync(target), PAYLOAD);
    assert.equal(readJson(path.join(dir, 'kvonce-payload-metadata.json')).sourceType, 'artifact');
  });

  test('a gzip payload inside the zip is saved as stored', async (t) => {
    const gz = zlib.gzipSync(PAYLOAD);
    single(makeZip([{ name: 'kvonce-otlp.json.gz', data: gz, store: true }]));
    const r = await fetchArtifact(t);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(fs.readFileSync(r.target), gz);
    assert.equal(readJson(path.join(r.dir, 'kvonce-payload-metadata.json')).contentEncoding, 'gzip');
  });

  test('a zstd protobuf payload (otel/traces.pb.zst) beside logs is picked, saved as stored, and reads', async (t) => {
    const proto = execFileSync(
      'protoc',
      ['--proto_path', PROTO_DIR, '--encode=kvonce.fixture.TracesData', 'fixture.proto'],
      { input: PROTO_TEXT },
    );
    const zst = execFileSync('zstd', ['-q', '-c'], { input: proto });
    single(
      makeZip([
        { name: 'logs/collector.log.gz', data: zlib.gzipSync('collector log'), store: true },
        { name: 'otel/', directory: true },
        { name: 'otel/traces.pb.zst', data: zst, store: true },
      ]),
    );
    const r = await fetchArtifact(t);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(fs.readFileSync(r.target), zst);
    const meta = readJson(path.join(r.dir, 'kvonce-payload-metadata.json'));
    assert.match(meta.sourceDetail, /, otel\/traces\.pb\.zst\)$/);
    assert.equal(meta.contentEncoding, 'zstd');
    const v = await run(['verify', '-i', r.target, '-d', path.join(r.dir, 'out')], {}, r.dir);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /read: zstd OTLP protobuf, 1 span\n/);
  });

  test('a body that is not a zip is taken as is', async (t) => {
    single(PAYLOAD);
    const r = await fetchArtifact(t, ['--expect-sha256', SHA]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(fs.readFileSync(r.target), PAYLOAD);
    assert.deepEqual(listFiles(r.dir), ['kvonce-payload-metadata.json', 'payload.json']);
  });

  test('a wrong --expect-sha256 on the extracted payload: exit 9', async (t) => {
    standardArtifacts();
    const r = await fetchArtifact(t, ['--expect-sha256', '0'.repeat(64)]);
    assert.equal(r.code, 9, r.stderr);
    assertNothingLeft(r);
  });
});

describe('fetch --artifact: refusals', () => {
  for (const [label, entry] of [
    ['a ../ entry', { name: '../kvonce-otlp-payload.json', data: 'escape' }],
    ['a nested ../ entry', { name: 'a/../../kvonce-otlp-payload.json', data: 'escape' }],
    ['an absolute entry', { name: '/tmp/kvonce-otlp-payload.json', data: 'absolute' }],
    ['a symlink entry', { name: 'kvonce-otlp.json', data: '/etc/passwd', symlink: true }],
  ]) {
    test(`an archive with ${label}: exit 4, nothing extracted`, async (t) => {
      single(makeZip([{ name: 'kvonce-otlp-payload.json', data: PAYLOAD }, entry]));
      const r = await fetchArtifact(t);
      assert.equal(r.code, 4, r.stderr);
      assert.match(r.stderr, /the archive was not extracted/);
      assert.ok(r.stderr.includes(entry.name), r.stderr);
      assertNothingLeft(r);
      assert.ok(!fs.existsSync(path.join(path.dirname(r.dir), 'kvonce-otlp-payload.json')));
    });
  }

  test('an archive with two candidate payloads: exit 4 listing them', async (t) => {
    single(makeZip([{ name: 'a.json', data: '{}' }, { name: 'b.ndjson', data: '' }]));
    const r = await fetchArtifact(t);
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /several candidate payload files: a\.json, b\.ndjson/);
    assertNothingLeft(r);
  });

  test('a corrupt archive: exit 4', async (t) => {
    const zip = makeZip([{ name: 'kvonce-otlp-payload.json', data: PAYLOAD }]);
    zip[30 + NAME.length + 5 + 20] ^= 0xff; // inside the deflated data, past the local header and name
    single(zip);
    const r = await fetchArtifact(t);
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /entry kvonce-otlp-payload\.json\): corrupt entry/);
    assertNothingLeft(r);
  });

  test('a payload beyond --max-bytes inside the zip: exit 5', async (t) => {
    single(makeZip([{ name: 'kvonce-otlp-payload.json', data: Buffer.alloc(200_000, 0x20) }]));
    const r = await fetchArtifact(t, ['--max-bytes', '100000']);
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /Collector/);
    assertNothingLeft(r);
  });

  test('no unexpired artifact of that name: exit 4', async (t) => {
    github.setArtifacts([artifact(5, '2025-10-09T08:00:00Z', { expired: true })], {});
    const r = await fetchArtifact(t);
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, new RegExp(`no unexpired artifact named '${NAME}' in ${REPOSITORY}`));
    assertNothingLeft(r);
  });

  test('a rejected token: exit 8, no retry, the token never printed', async (t) => {
    standardArtifacts();
    const mark = github.requests.length;
    const r = await fetchArtifact(t, [], env({ GITHUB_TOKEN: 'ghs_wrongToken999' }));
    assert.equal(r.code, 8, r.stderr);
    assert.match(r.stderr, /HTTP 401 \(Bad credentials\); GITHUB_TOKEN was rejected/);
    assert.equal(github.requests.length - mark, 1);
    assertNoSecrets(r, ['ghs_wrongToken999', TOKEN]);
    assertNothingLeft(r);
  });

  test('no GITHUB_TOKEN: exit 8 before any request', async (t) => {
    const mark = github.requests.length;
    const environment = env();
    delete environment.GITHUB_TOKEN;
    const r = await fetchArtifact(t, [], environment);
    assert.equal(r.code, 8, r.stderr);
    assert.match(r.stderr, /GITHUB_TOKEN/);
    assert.equal(github.requests.length, mark);
    assertNothingLeft(r);
  });
});
