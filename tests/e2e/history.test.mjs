// Key histories from a red verdict to its cause: a payload with a violation shows the offending
// key's history on the console, in kvonce-validation.json (schema-valid), in the Step Summary and
// the PR comment that `report` writes, and `explain` tells the same story (text and --json). With
// 9,000 violating keys the Step Summary and the PR comment stay within their limits: histories
// are dropped first, and the verdict lines stay intact.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { requireBinary, run, tempDir } from './cloud_harness.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const AJV = path.join(HERE, 'node_modules', 'ajv-cli', 'dist', 'index.js');
const SCHEMA = path.join(ROOT, 'schemas', 'kvonce-validation.schema.json');
const STEP_SUMMARY_MAX = 128 * 1024;
const COMMENT_MAX = 60_000;

before(() => {
  requireBinary();
  assert.ok(fs.existsSync(AJV), `ajv-cli is not installed (${AJV}): run scripts/install-test-deps.sh`);
});

const readJson = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));
const time = (s) => new Date(Date.UTC(2025, 9, 9, 8, 0, 0) + s * 1000).toISOString();

const traceId = (s) => (s + 1).toString(16).padStart(32, '0');  // all zeros is no trace id

// One KvOnce span at second `s`: `run` reads OTLP payloads.
function span(s, type, key, { value, attempts } = {}) {
  const attributes = [
    { key: 'kvonce.event.type', value: { stringValue: type } },
    { key: 'kvonce.event.key', value: { stringValue: key } },
  ];
  if (value !== undefined) attributes.push({ key: 'kvonce.event.value', value: { stringValue: value } });
  if (attempts !== undefined) {
    attributes.push({
      key: 'kvonce.event.context',
      value: { kvlistValue: { values: [{ key: 'attempts', value: { intValue: String(attempts) } }] } },
    });
  }
  const start = BigInt(Date.parse(time(s))) * 1_000_000n;
  return { traceId: traceId(s), spanId: (s + 1).toString(16).padStart(16, '0'), name: 'kvonce', startTimeUnixNano: String(start), attributes };
}

const otlp = (spans) => JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ spans }] }] });

// order-000267 retries twice, succeeds, and is written again: multiple-success at its 4th event.
function violationPayload() {
  return otlp([
    span(0, 'retry', 'order-000267', { attempts: 1 }),
    span(1, 'success', 'order-000001', { value: 'fine', attempts: 1 }),
    span(2, 'retry', 'order-000267', { attempts: 2 }),
    span(3, 'success', 'order-000267', { value: 'first', attempts: 3 }),
    span(4, 'success', 'order-000267', { value: 'second', attempts: 3 }),
  ]);
}

function validate(file) {
  return new Promise((resolve) => {
    execFile(process.execPath, [AJV, 'validate', '--spec=draft2020', '--all-errors', '-s', SCHEMA, '-d', file],
      { timeout: 60_000 }, (error, stdout, stderr) => resolve({ code: error ? 1 : 0, output: stdout + stderr }));
  });
}

// `run` into trace/, then `report` on it with a Step Summary and a PR comment file.
async function runAndReport(dir, payload, reportArgs = []) {
  const input = path.join(dir, 'payload.json');
  fs.writeFileSync(input, payload);
  const trace = path.join(dir, 'trace');
  const r = await run(['run', '-i', input, '--trace-dir', trace], {}, dir);
  assert.equal(r.code, 1, r.stderr);
  const summary = path.join(dir, 'summary.md');
  const comment = path.join(dir, 'comment.md');
  const rep = await run(['report', '--trace-dir', trace, '--pr-comment', comment, ...reportArgs],
    { GITHUB_STEP_SUMMARY: summary }, dir);
  assert.equal(rep.code, 1, rep.stderr);
  return { input, trace, run: r, summary: fs.readFileSync(summary, 'utf8'), comment: fs.readFileSync(comment, 'utf8') };
}

describe('key histories', () => {
  test('on the console, in kvonce-validation.json and in the Step Summary and PR comment', async (t) => {
    const dir = tempDir(t);
    const out = await runAndReport(dir, violationPayload());
    assert.match(out.run.stdout, /\[multiple-success\] order-000267: .* event #4 \(0-based\) at/);
    assert.ok(out.run.stdout.includes(`\n      #0 2025-10-09T08:00:00.000Z retry attempts=1 trace=${traceId(0)}\n`), out.run.stdout);
    assert.ok(out.run.stdout.includes(`\n      #4 2025-10-09T08:00:04.000Z success attempts=3 value="second" trace=${traceId(4)}\n`));

    for (const mode of ['otlp', 'ndjson']) {
      const file = path.join(out.trace, mode, 'kvonce-validation.json');
      const v = readJson(file);
      const issue = v.issues.find((i) => i.type === 'multiple-success');
      assert.deepEqual(issue.history.map((h) => h.eventIndex), [0, 2, 3, 4]);
      assert.equal(issue.history.at(-1).eventIndex, issue.eventIndex);
      assert.deepEqual(issue.history[0], { eventIndex: 0, timestamp: time(0), timeUnixNano: (BigInt(Date.parse(time(0))) * 1000000n).toString(),
        type: 'retry', attempts: 1, traceId: traceId(0), spanId: '0000000000000001' });
      assert.equal(issue.history[2].value, '"first"');
      const checked = await validate(file);
      assert.equal(checked.code, 0, checked.output);
    }

    for (const doc of [out.summary, out.comment]) {
      assert.ok(doc.includes('<details><summary>History of <code>order-000267</code> (multiple-success, 4 events)</summary>'), doc);
      assert.match(doc, /\| 3 \| 2025-10-09 08:00:03\.000Z \| success \| 3 \| value "first" \| `0+4` \|/);
      assert.ok(doc.includes('</details>'));
    }
  });

  test('explain tells the key\'s story in verify\'s words, as text and as JSON', async (t) => {
    const dir = tempDir(t);
    const input = path.join(dir, 'payload.json');
    fs.writeFileSync(input, violationPayload());
    const v = await run(['verify', '-i', input, '-d', path.join(dir, 'out')], {}, dir);
    assert.equal(v.code, 1, v.stderr);
    const message = readJson(path.join(dir, 'out', 'kvonce-validation.json')).issues[0].message;

    const text = await run(['explain', 'order-000267', '-i', input], {}, dir);
    assert.equal(text.code, 1, text.stderr);
    assert.match(text.stdout, /^explain: order-000267: INVALID \(4 of 5 events, 1 issue/);
    assert.ok(text.stdout.includes(`#4 2025-10-09T08:00:04.000Z success attempts=3 value="second" trace=${traceId(4)}\n`
      + `      state after: written, 2 retries, 0 failures\n      [multiple-success] ${message}\n`), text.stdout);

    const json = await run(['explain', 'order-000267', '--trace-dir', path.join(dir, 'out'), '--json'], {}, dir);
    assert.equal(json.code, 1, json.stderr);
    const doc = JSON.parse(json.stdout);
    assert.equal(doc.valid, false);
    assert.deepEqual(doc.timeline.map((s) => s.event.eventIndex), [0, 2, 3, 4]);
    assert.deepEqual(doc.timeline.map((s) => s.issues), [[], [], [], ['multiple-success']]);
    assert.equal(doc.issues[0].message, message);

    const clean = await run(['explain', 'order-000001', '-i', input], {}, dir);
    assert.equal(clean.code, 0, clean.stderr);
    const unknown = await run(['explain', 'order-999999', '-i', input], {}, dir);
    assert.equal(unknown.code, 2, unknown.stderr);
    assert.match(unknown.stdout, /no events with the key order-999999/);
  });

  test('9,000 violating keys: the Step Summary and PR comment keep their limits, histories go first', async (t) => {
    const dir = tempDir(t);
    const spans = [];
    for (let k = 0; k < 9000; k++) {
      const key = `order-${String(k).padStart(6, '0')}`;
      for (let n = 0; n < 3; n++) spans.push(span(k * 4 + n, 'success', key, { value: `value-${'x'.repeat(40)}-${n}`, attempts: 1 }));
    }
    // 300 issue rows leave the Step Summary room for some histories, not all.
    const out = await runAndReport(dir, otlp(spans), ['--max-issues', '300']);
    const summaryBytes = Buffer.byteLength(out.summary);
    const commentBytes = Buffer.byteLength(out.comment);
    assert.ok(summaryBytes <= STEP_SUMMARY_MAX, `Step Summary: ${summaryBytes} bytes`);
    assert.ok(commentBytes <= COMMENT_MAX, `PR comment: ${commentBytes} bytes`);
    // The verdict lines are intact.
    assert.match(out.summary, /\| otlp \| ❌ invalid \| 27000 \| 9000 \| 9000 \|/);
    assert.match(out.summary, /\| ndjson \| ❌ invalid \| 27000 \| 9000 \| 9000 \|/);
    assert.match(out.comment, /- ❌ \*\*otlp\*\*: invalid, 9000 issues \(27000 events, 9000 keys\)/);
    assert.match(out.comment, /- ❌ \*\*ndjson\*\*: invalid, 9000 issues/);
    assert.match(out.summary, /more in both modes \(see otlp\/kvonce-validation\.json\)/);
    // Histories were dropped before any issue row: all 300 issues are listed (once: the modes
    // agree), and fewer histories than that, those of the first issues.
    const issueLines = (out.summary.match(/^\| multiple-success \|/gm) || []).length;
    const histories = (out.summary.match(/<details><summary>History of/g) || []).length;
    assert.equal(issueLines, 300);
    assert.ok(histories > 0 && histories < issueLines, `${issueLines} issues, ${histories} histories`);
    assert.ok(out.summary.includes('| multiple-success | `order-000000` | success on a key already written'));
    assert.ok(out.summary.indexOf('History of <code>order-000000</code>') > 0);
    assert.ok(!out.summary.includes('History of <code>order-000299</code>'));
    // The comment lists its 10 issues, each with its history.
    assert.equal((out.comment.match(/^\| multiple-success \|/gm) || []).length, 10);
    assert.equal((out.comment.match(/<details><summary>History of/g) || []).length, 10);
    // Every history shown is complete.
    assert.equal((out.summary.match(/<details>/g) || []).length, (out.summary.match(/<\/details>/g) || []).length);
    // The validation file holds every history and still satisfies its schema.
    const file = path.join(out.trace, 'otlp', 'kvonce-validation.json');
    const v = readJson(file);
    assert.equal(v.issues.length, 9000);
    assert.ok(v.issues.every((i) => i.history.length === 2));
    const checked = await validate(file);
    assert.equal(checked.code, 0, checked.output);
  });
});
