// Validation files that the tool did not write do not pass as verdicts (the black-box side of
// tests/unit/test_report_output_set_check.cpp): files planted in a trace directory, a verify that
// fails into a directory that held an earlier set, and report --metadata-for a payload whose
// verdict is not the one recorded.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';

import { requireBinary, run, tempDir } from './cloud_harness.mjs';
import { ROOT } from './docs_harness.mjs';

const INVALID = path.join(ROOT, 'tests', 'data', 'kvonce-otlp.json');

before(() => requireBinary());

const sha256 = (file) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

// {"valid": true} in both modes, as a pull request could commit it; with a record of `digest`
// when given.
function plant(trace, digest) {
  for (const mode of ['otlp', 'ndjson']) {
    fs.mkdirSync(path.join(trace, mode), { recursive: true });
    const doc = { profile: 'spec', maxRetries: 3, order: 'time', valid: true, eventCount: 4, keyCount: 2, issues: [] };
    if (digest) doc.outputSet = { payloadSha256: digest, inputSha256: [digest], files: {} };
    fs.writeFileSync(path.join(trace, mode, 'kvonce-validation.json'), JSON.stringify(doc));
  }
}

const report = (dir, args) => run(['report', '--trace-dir', 'st', '--step-summary', 'summary.md',
  '--github-output', 'out.txt', ...args], {}, dir, { cwd: dir });

describe('planted verdicts', () => {
  test('without a record: refused, unless --accept-unrecorded, which says unchecked', async (t) => {
    const dir = tempDir(t);
    fs.writeFileSync(path.join(dir, 'bad.json'), '{"resourceSpans": [');
    plant(path.join(dir, 'st'));
    const r = await report(dir, ['--metadata-for', 'bad.json', '--source-type', 'explicit']);
    assert.equal(r.code, 4, r.stdout + r.stderr);
    assert.ok(!fs.existsSync(path.join(dir, 'out.txt')) || !/valid=true/.test(fs.readFileSync(path.join(dir, 'out.txt'), 'utf8')));
    const accepted = await report(dir, ['--accept-unrecorded']);
    assert.equal(accepted.code, 0, accepted.stderr);
    assert.match(accepted.stdout, /unchecked/);
  });

  test('with a forged record of the payload: judged again, refused', async (t) => {
    const dir = tempDir(t);
    fs.copyFileSync(INVALID, path.join(dir, 'p.json'));
    plant(path.join(dir, 'st'), sha256(path.join(dir, 'p.json')));
    const r = await report(dir, ['--metadata-for', 'p.json', '--source-type', 'explicit']);
    assert.equal(r.code, 4, r.stdout + r.stderr);
    assert.match(r.stderr, /not the verdict of p\.json/);
  });

  test('a verify that fails leaves no earlier set to report', async (t) => {
    const dir = tempDir(t);
    fs.copyFileSync(path.join(ROOT, 'data', 'kvonce-otlp-sample.json'), path.join(dir, 'ok.json'));
    fs.writeFileSync(path.join(dir, 'bad.json'), '{"resourceSpans": [');
    assert.equal((await run(['verify', 'ok.json', '-d', 'st/otlp'], {}, dir, { cwd: dir })).code, 0);
    assert.equal((await run(['verify', 'bad.json', '-d', 'st/otlp'], {}, dir, { cwd: dir })).code, 4);
    const r = await report(dir, []);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /otlp: error/);
  });

  test('run reads no verdict it did not write', async (t) => {
    const dir = tempDir(t);
    const trace = path.join(dir, 'artifacts', 'hermetic-reports', 'trace');
    plant(trace);
    fs.writeFileSync(path.join(trace, 'kvonce-pr-comment.md'), '✅ Valid (planted)');
    fs.writeFileSync(path.join(dir, 'bad.json'), '{"resourceSpans": [');
    const r = await run(['run', '-i', 'bad.json'], {}, dir, { cwd: dir });
    assert.equal(r.code, 4, r.stdout + r.stderr);
    for (const f of ['otlp/kvonce-validation.json', 'ndjson/kvonce-validation.json', 'kvonce-pr-comment.md']) {
      assert.ok(!fs.existsSync(path.join(trace, f)), `${f} is still there`);
    }
    // A local re-run into the same directory still works.
    fs.copyFileSync(INVALID, path.join(dir, 'p.json'));
    for (let i = 0; i < 2; ++i) assert.equal((await run(['run', '-i', 'p.json'], {}, dir, { cwd: dir })).code, 1);
  });
});
