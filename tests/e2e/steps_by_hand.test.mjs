// The steps run one by one, as docs/ci.md ("Running the steps yourself") shows them: verify the
// payload, verify the NDJSON prepared from it (by `prepare`, or verify's own events file), then
// report. The sequence is taken from the doc's block and run as written; report must give the
// verdict (exit 1 for an invalid payload, 0 for a valid one), and still refuse (exit 4) an NDJSON
// verification of another payload, of an earlier one, or of a prepared file changed since.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';

import { requireBinary, run, tempDir } from './cloud_harness.mjs';
import { fences, ROOT } from './docs_harness.mjs';

const INVALID = path.join(ROOT, 'tests', 'data', 'kvonce-otlp.json'); // duplicate-before-success
const VALID = path.join(ROOT, 'data', 'kvonce-otlp-sample.json');

before(() => requireBinary());

// The command lines of the doc's block, without the program name.
function docSequence() {
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'ci.md'), 'utf8');
  const start = doc.indexOf('## Running the steps yourself');
  assert.ok(start >= 0, 'docs/ci.md has no "Running the steps yourself" section');
  const block = fences(doc.slice(start)).find((f) => f.info === 'sh');
  assert.ok(block, 'the section has no sh block');
  return block.body.split('\n').filter((l) => l.startsWith('kvonce-trace '))
    .map((l) => l.slice('kvonce-trace '.length).split(/\s+/).filter(Boolean));
}

// Runs `args` in `dir`; asserts the exit code when `expected` is given.
async function step(dir, args, expected) {
  const r = await run(args, {}, dir, { cwd: dir });
  if (expected !== undefined) assert.equal(r.code, expected, `${args.join(' ')}:\n${r.stdout}${r.stderr}`);
  return r;
}

const sequence = docSequence();

describe('the sequence of docs/ci.md', () => {
  test('is verify, prepare, verify --format ndjson, report', () => {
    assert.deepEqual(sequence.map((a) => a[0]), ['verify', 'prepare', 'verify', 'report']);
  });

  for (const [name, payload, verdict] of [['invalid', INVALID, 1], ['valid', VALID, 0]]) {
    test(`reports both modes of an ${name} payload (exit ${verdict})`, async (t) => {
      const dir = tempDir(t);
      fs.copyFileSync(payload, path.join(dir, 'p.json'));
      await step(dir, sequence[0], verdict);
      await step(dir, sequence[1], 0);
      assert.ok(fs.existsSync(path.join(dir, 'ev.ndjson.kvonce-source.json')));
      await step(dir, sequence[2], verdict);
      const r = await step(dir, sequence[3], verdict);
      const state = name === 'valid' ? 'valid' : 'invalid';
      assert.match(r.stdout, new RegExp(`otlp: ${state}`));
      assert.match(r.stdout, new RegExp(`ndjson: ${state}`));
      // The same with metadata that names the payload (it is judged again, too).
      await step(dir, [...sequence[3], '--metadata-for', 'p.json', '--source-type', 'explicit'], verdict);
    });
  }

  test('with verify\'s own events file in place of prepare\'s', async (t) => {
    const dir = tempDir(t);
    fs.copyFileSync(INVALID, path.join(dir, 'p.json'));
    await step(dir, sequence[0], 1);
    await step(dir, ['verify', 'tr/otlp/kvonce-events.ndjson', '--format', 'ndjson', '-d', 'tr/ndjson'], 1);
    const r = await step(dir, ['report', '--trace-dir', 'tr', '--metadata-for', 'p.json', '--source-type',
      'explicit'], 1);
    assert.match(r.stdout, /ndjson: invalid/);
  });
});

describe('report still refuses an NDJSON verification that is not the payload\'s', () => {
  // tr/otlp verified p.json; tr/ndjson verified `events`, prepared as `prepare` says.
  async function layout(dir, prepareFrom, { edit = false } = {}) {
    fs.copyFileSync(INVALID, path.join(dir, 'p.json'));
    fs.copyFileSync(VALID, path.join(dir, 'other.json'));
    await step(dir, ['verify', 'p.json', '-d', 'tr/otlp'], 1);
    await step(dir, ['prepare', '-i', prepareFrom, '-o', 'ev.ndjson'], 0);
    if (edit) fs.appendFileSync(path.join(dir, 'ev.ndjson'), fs.readFileSync(path.join(dir, 'ev.ndjson')));
    await step(dir, ['verify', 'ev.ndjson', '--format', 'ndjson', '-d', 'tr/ndjson']);
  }

  test('prepared from another payload', async (t) => {
    const dir = tempDir(t);
    await layout(dir, 'other.json');
    const r = await step(dir, ['report', '--trace-dir', 'tr'], 4);
    assert.match(r.stderr, /otlp and ndjson verified different payloads/);
  });

  test('prepared from the payload, then changed', async (t) => {
    const dir = tempDir(t);
    await layout(dir, 'p.json', { edit: true });
    const r = await step(dir, ['report', '--trace-dir', 'tr'], 4);
    assert.match(r.stderr, /different payloads/);
  });

  test('stale: the otlp mode verified another payload since', async (t) => {
    const dir = tempDir(t);
    await layout(dir, 'p.json');
    await step(dir, ['verify', 'other.json', '-d', 'tr/otlp'], 0);
    const r = await step(dir, ['report', '--trace-dir', 'tr'], 4);
    assert.match(r.stderr, /different payloads/);
  });

  test('stale: verify\'s events file of an earlier otlp run', async (t) => {
    const dir = tempDir(t);
    fs.copyFileSync(INVALID, path.join(dir, 'p.json'));
    fs.copyFileSync(VALID, path.join(dir, 'other.json'));
    await step(dir, ['verify', 'other.json', '-d', 'tr/otlp'], 0);
    await step(dir, ['verify', 'tr/otlp/kvonce-events.ndjson', '--format', 'ndjson', '-d', 'tr/ndjson'], 0);
    await step(dir, ['verify', 'p.json', '-d', 'tr/otlp'], 1);
    const r = await step(dir, ['report', '--trace-dir', 'tr'], 4);
    assert.match(r.stderr, /different payloads/);
  });

  test('a source record planted beside a foreign file', async (t) => {
    const dir = tempDir(t);
    await layout(dir, 'other.json');
    // The record of p.json's events, copied beside other.json's: it does not describe that file.
    await step(dir, ['prepare', '-i', 'p.json', '-o', 'mine.ndjson'], 0);
    fs.copyFileSync(path.join(dir, 'mine.ndjson.kvonce-source.json'), path.join(dir, 'ev.ndjson.kvonce-source.json'));
    await step(dir, ['verify', 'ev.ndjson', '--format', 'ndjson', '-d', 'tr/ndjson'], 0);
    const validation = JSON.parse(fs.readFileSync(path.join(dir, 'tr', 'ndjson', 'kvonce-validation.json'), 'utf8'));
    assert.equal(validation.outputSet.derivedFrom, undefined);
    await step(dir, ['report', '--trace-dir', 'tr'], 4);
  });
});
