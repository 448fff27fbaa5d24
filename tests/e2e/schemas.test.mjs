// The JSON Schemas in schemas/ against the tool's real outputs: `run` on the embedded sample,
// `verify` of the reference payload in both profiles, a payload without events, `prepare --stats`
// and `report --metadata-for`, validated with ajv-cli (draft 2020-12). NDJSON is checked line by
// line. The schemas must also reject documents that break the contract.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { requireBinary, run, tempDir } from './cloud_harness.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const SCHEMAS = path.join(ROOT, 'schemas');
const AJV = path.join(HERE, 'node_modules', 'ajv-cli', 'dist', 'index.js');
const SAMPLE = path.join(ROOT, 'data', 'kvonce-otlp-sample.json');
const REFERENCE = path.join(ROOT, 'tests', 'data', 'kvonce-otlp.json');

const schema = (name) => path.join(SCHEMAS, `kvonce-${name}.schema.json`);

before(() => {
  requireBinary();
  assert.ok(fs.existsSync(AJV), `ajv-cli is not installed (${AJV}): run scripts/install-test-deps.sh`);
});

// Validates every data file against the schema; resolves with ajv's exit code and output.
function ajv(schemaFile, dataFiles) {
  const args = [AJV, 'validate', '--spec=draft2020', '--all-errors', '-s', schemaFile];
  for (const d of dataFiles) args.push('-d', d);
  return new Promise((resolve) => {
    execFile(process.execPath, args, { timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, output: stdout + stderr });
    });
  });
}

async function assertValid(schemaFile, dataFiles) {
  assert.ok(dataFiles.length > 0, `no data for ${schemaFile}`);
  for (const d of dataFiles) assert.ok(fs.existsSync(d), `${d} was not written`);
  const result = await ajv(schemaFile, dataFiles);
  assert.equal(result.code, 0, result.output);
}

async function assertInvalid(schemaFile, dir, name, document) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof document === 'string' ? document : JSON.stringify(document));
  const result = await ajv(schemaFile, [file]);
  assert.notEqual(result.code, 0, `${name} should not satisfy ${path.basename(schemaFile)}`);
}

// Each line of an NDJSON file as a JSON file of its own.
function splitLines(ndjson, dir) {
  const lines = fs.readFileSync(ndjson, 'utf8').split('\n').filter((l) => l.length > 0);
  fs.mkdirSync(dir, { recursive: true });
  return lines.map((line, i) => {
    const file = path.join(dir, `line-${i}.json`);
    fs.writeFileSync(file, line);
    return file;
  });
}

// Validates the four outputs of one verify output directory.
async function assertModeOutputs(dir, scratch) {
  const events = splitLines(path.join(dir, 'kvonce-events.ndjson'), scratch);
  await assertValid(schema('event'), events);
  await assertValid(schema('projection'), [path.join(dir, 'kvonce-projection.json')]);
  await assertValid(schema('state-sequence'), [path.join(dir, 'projected', 'kvonce-state-sequence.json')]);
  await assertValid(schema('validation'), [path.join(dir, 'kvonce-validation.json')]);
  return events.length;
}

const readJson = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));

describe('the tool\'s outputs satisfy schemas/', () => {
  test('run on the embedded sample (valid), then report --metadata-for', async (t) => {
    const dir = tempDir(t);
    const trace = path.join(dir, 'trace');
    const r = await run(['run', '--trace-dir', trace], {}, dir);
    assert.equal(r.code, 0, r.stderr);
    for (const mode of ['otlp', 'ndjson']) {
      assert.equal(await assertModeOutputs(path.join(trace, mode), path.join(dir, `lines-${mode}`)), 6);
    }
    const m = await run(['report', '--trace-dir', trace, '--metadata-for', SAMPLE, '--source-type', 'sample',
      '--source-detail', 'embedded:kvonce-otlp-sample.json', '--step-summary', path.join(dir, 's.md')], {}, dir);
    assert.equal(m.code, 0, m.stderr);
    await assertValid(schema('payload-metadata'), [path.join(trace, 'kvonce-payload-metadata.json')]);
    assert.equal(readJson(path.join(trace, 'kvonce-payload-metadata.json')).eventCount, 6);
  });

  test('run with masked values', async (t) => {
    const dir = tempDir(t);
    const r = await run(['run', '--trace-dir', dir, '--mask-values'], {}, dir);
    assert.equal(r.code, 0, r.stderr);
    await assertModeOutputs(path.join(dir, 'otlp'), path.join(dir, 'lines'));
  });

  for (const profile of ['spec', 'compat']) {
    test(`verify of the reference payload, profile ${profile}`, async (t) => {
      const dir = tempDir(t);
      const out = path.join(dir, 'out');
      const r = await run(['verify', '-i', REFERENCE, '-d', out, '--profile', profile], {}, dir);
      assert.equal(r.code, profile === 'spec' ? 1 : 0, r.stderr);
      assert.equal(await assertModeOutputs(out, path.join(dir, 'lines')), 4);
      const v = readJson(path.join(out, 'kvonce-validation.json'));
      assert.equal(v.profile, profile);
      // The spec verdict has issues, so the issue schema is exercised, not only an empty array.
      if (profile === 'spec') assert.ok(v.issues.length >= 3);
    });
  }

  test('verify of a payload without events: the validation alone', async (t) => {
    const dir = tempDir(t);
    fs.writeFileSync(path.join(dir, 'empty.json'), '{"resourceSpans":[]}');
    const r = await run(['verify', '-i', path.join(dir, 'empty.json'), '-d', path.join(dir, 'out')], {}, dir);
    assert.equal(r.code, 2, r.stderr);
    await assertValid(schema('validation'), [path.join(dir, 'out', 'kvonce-validation.json')]);
  });

  test('verify --json without -d: the document printed on stdout', async (t) => {
    const dir = tempDir(t);
    const r = await run(['verify', REFERENCE, '--json'], {}, dir);
    assert.equal(r.code, 1, r.stderr);
    const printed = path.join(dir, 'printed.json');
    fs.writeFileSync(printed, r.stdout);
    assert.equal(readJson(printed).outputSet, undefined);
    await assertValid(schema('validation'), [printed]);
  });

  test('prepare --stats and its NDJSON', async (t) => {
    const dir = tempDir(t);
    const r = await run(['prepare', '-i', REFERENCE, '-o', path.join(dir, 'events.ndjson'), '--stats',
      path.join(dir, 'stats.json')], {}, dir);
    assert.equal(r.code, 0, r.stderr);
    await assertValid(schema('prepare-stats'), [path.join(dir, 'stats.json')]);
    await assertValid(schema('event'), splitLines(path.join(dir, 'events.ndjson'), path.join(dir, 'lines')));
    await assertValid(schema('prepare-source'), [path.join(dir, 'events.ndjson.kvonce-source.json')]);
  });

  test('a verify of prepare\'s NDJSON records what it was prepared from', async (t) => {
    const dir = tempDir(t);
    const events = path.join(dir, 'events.ndjson');
    assert.equal((await run(['prepare', '-i', REFERENCE, '-o', events, '--mask-values'], {}, dir)).code, 0);
    const r = await run(['verify', events, '--format', 'ndjson', '-d', path.join(dir, 'nd')], {}, dir);
    assert.equal(r.code, 1, r.stderr);
    const validation = path.join(dir, 'nd', 'kvonce-validation.json');
    assert.equal(readJson(validation).outputSet.derivedFrom.masking.values, true);
    await assertValid(schema('validation'), [validation]);
    await assertValid(schema('projection'), [path.join(dir, 'nd', 'kvonce-projection.json')]);
  });
});

describe('a partial Tempo trace read with --accept-partial', () => {
  test("prepare's record and the verify of its NDJSON carry the warning, within their schemas", async (t) => {
    const dir = tempDir(t);
    const tempo = path.join(dir, 'tempo.json');
    fs.writeFileSync(tempo, JSON.stringify({ trace: readJson(REFERENCE), status: 'PARTIAL', message: 'trace exceeds max size' }));
    const events = path.join(dir, 'events.ndjson');
    const p = await run(['prepare', '-i', tempo, '-o', events, '--accept-partial'], {}, dir);
    assert.equal(p.code, 0, p.stderr);
    const record = `${events}.kvonce-source.json`;
    assert.match(readJson(record).partial[0], /status PARTIAL/);
    await assertValid(schema('prepare-source'), [record]);
    const r = await run(['verify', events, '--format', 'ndjson', '-d', path.join(dir, 'nd')], {}, dir);
    assert.equal(r.code, 1, r.stderr);
    const validation = path.join(dir, 'nd', 'kvonce-validation.json');
    assert.match(readJson(validation).warnings[0], /status PARTIAL/);
    await assertValid(schema('validation'), [validation]);
  });
});

describe('the schemas reject what the contract forbids', () => {
  test('documents with a missing, mistyped or unknown field', async (t) => {
    const dir = tempDir(t);
    const event = { traceId: 't', timestamp: '2025-10-09T08:53:20.000Z', actor: 'a', event: 'success', type: 'success', key: 'k' };
    fs.writeFileSync(path.join(dir, 'ok.json'), JSON.stringify(event));
    await assertValid(schema('event'), [path.join(dir, 'ok.json')]);
    await assertInvalid(schema('event'), dir, 'no-key.json', { ...event, key: undefined });
    await assertInvalid(schema('event'), dir, 'seconds.json', { ...event, timestamp: '2025-10-09T08:53:20Z' });
    await assertInvalid(schema('event'), dir, 'extra.json', { ...event, parentSpanId: 'x' });
    await assertInvalid(schema('event'), dir, 'span-number.json', { ...event, spanId: 7 });
    await assertInvalid(schema('validation'), dir, 'valid-text.json', {
      generatedAt: '2025-10-09T08:53:20.000Z', valid: 'yes', profile: 'spec', maxRetries: 3, inputFormat: 'otlp',
      order: 'time', eventCount: 0, keyCount: 0, issueCount: 0, issueCounts: {}, issues: [], warnings: [] });
    await assertInvalid(schema('validation'), dir, 'issue-type.json', {
      generatedAt: '2025-10-09T08:53:20.000Z', valid: false, profile: 'spec', maxRetries: 3, inputFormat: 'otlp',
      order: 'time', eventCount: 1, keyCount: 1, issueCount: 1, issueCounts: { 'made-up': 1 }, issues: [], warnings: [] });
    await assertInvalid(schema('payload-metadata'), dir, 'ftp.json', {
      sourceType: 'ftp', sourceDetail: 'x', sha256: 'a'.repeat(64), sizeBytes: 1, fetchedAt: '2025-10-09T08:53:20.000Z',
      contentEncoding: 'identity', attempts: 1, generatedAt: '2025-10-09T08:53:20.000Z', tool: { name: 'kvonce-trace', version: '0' } });
    await assertInvalid(schema('projection'), dir, 'version.json', '{"schemaVersion":"kvonce/v2"}');
    await assertInvalid(schema('state-sequence'), dir, 'store.json',
      `[{"index":0,"timestamp":"2025-10-09T08:53:20.000Z","type":"success","key":"k","event":${JSON.stringify(event)},"store":{},"totals":{"success":1,"retry":0,"failure":0,"unknown":0}}]`);
    await assertInvalid(schema('prepare-stats'), dir, 'stats.json', '{"inputs":[],"events":-1}');
  });

  test('the state sequence embeds the event schema unchanged', () => {
    const eventSchema = readJson(schema('event'));
    const embedded = readJson(schema('state-sequence')).$defs.event;
    const { $schema, title, description, $defs, ...body } = eventSchema;
    assert.deepEqual(embedded, body);
  });
});
