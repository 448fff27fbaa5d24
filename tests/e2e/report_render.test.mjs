// The Step Summary and PR comment as a reader sees them: rendered as GitHub-flavoured Markdown
// (marked, raw HTML kept as GitHub keeps <details>) in Debian's Chromium (playwright-core), for a
// clean run, agreeing modes with violations and disagreeing modes (one payload verified with
// two retry bounds). Checks the rendered DOM: one
// verdict line first, the expected table headers, each issue once, trace links as <a href> to the
// templated URL, no Markdown syntax left as text, <details> folded.
// KVONCE_RENDER_SHOTS=<dir> also saves a screenshot of each document there.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { marked } from 'marked';
import { chromium } from 'playwright-core';

import { requireBinary, run } from './cloud_harness.mjs';

const CHROMIUM = process.env.KVONCE_CHROMIUM || '/usr/bin/chromium';
const TEMPLATE = 'https://tempo.example/trace/{traceId}?span={spanId}';
const TRACE_A = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACE_B = '0af7651916cd43dd8448eb211c80319c';

let work;
let browser;

// One OTLP JSON payload of spans (type, key, trace, span, extra attributes).
function payload(spans) {
  const attr = (key, value) => ({ key: `kvonce.event.${key}`, value: { stringValue: value } });
  return JSON.stringify({
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'kvonce' } }] },
      scopeSpans: [{
        spans: spans.map((s, i) => ({
          traceId: s.trace,
          spanId: (i + 1).toString(16).padStart(16, 'a'),
          name: `kvonce.${s.type}`,
          startTimeUnixNano: String(1760000000000000000n + BigInt(i) * 1000000000n),
          attributes: [attr('type', s.type), ...(s.key ? [attr('key', s.key)] : []),
            ...(s.value ? [attr('value', s.value)] : []), ...(s.reason ? [attr('reason', s.reason)] : [])],
        })),
      }],
    }],
  });
}

// Two successes of alpha (trace A); three retries of beta before its success (trace B), over a
// MAX_RETRIES of 2 but not of 3: verified with different bounds, the modes disagree on beta.
const PAYLOAD = payload([
  { type: 'success', key: 'alpha', trace: TRACE_A, value: 'v1' },
  { type: 'success', key: 'alpha', trace: TRACE_A, value: 'v2' },
  { type: 'retry', key: 'beta', trace: TRACE_B },
  { type: 'retry', key: 'beta', trace: TRACE_B },
  { type: 'retry', key: 'beta', trace: TRACE_B },
  { type: 'success', key: 'beta', trace: TRACE_B, value: 'v3' },
  { type: 'success', trace: TRACE_B }, // skipped without a key: a warning, folded in <details>
]);

async function verify(dir, maxRetries) {
  const r = await run(['verify', '-i', path.join(work, 'payload.json'), '-d', dir, '--profile', 'compat',
    '--max-retries', String(maxRetries)], {}, work);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
}

// Writes the Step Summary and PR comment of a trace directory; returns their Markdown.
async function documents(trace) {
  const summary = path.join(work, `${path.basename(trace)}.summary.md`);
  const comment = path.join(work, `${path.basename(trace)}.comment.md`);
  const r = await run(['report', '--trace-dir', trace, '--step-summary', summary, '--pr-comment', comment,
    '--no-fail'], { KVONCE_TRACE_LINK: TEMPLATE }, work);
  assert.equal(r.code, 0, r.stderr);
  return { summary: fs.readFileSync(summary, 'utf8'), comment: fs.readFileSync(comment, 'utf8') };
}

before(async () => {
  requireBinary();
  assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: run scripts/install-test-deps.sh`);
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'kvonce-render-'));
  fs.writeFileSync(path.join(work, 'payload.json'), PAYLOAD);
  const clean = await run(['run', '--trace-dir', path.join(work, 'clean')], {}, work);
  assert.equal(clean.code, 0, clean.stderr);
  for (const mode of ['otlp', 'ndjson']) await verify(path.join(work, 'agree', mode), 2);
  await verify(path.join(work, 'disagree', 'otlp'), 2);
  await verify(path.join(work, 'disagree', 'ndjson'), 3);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});

after(async () => {
  await browser?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

const STYLE = `body{font:14px/1.5 -apple-system,"Segoe UI",sans-serif;max-width:1000px;margin:24px}
table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #d0d7de;padding:4px 10px}
code{background:#eff1f3;padding:1px 4px;border-radius:4px}`;

// Renders Markdown as GitHub does (GFM, raw HTML kept) into a page; returns facts about its DOM.
async function render(markdown, name) {
  const page = await browser.newPage();
  try {
    await page.setContent(`<!doctype html><meta charset="utf-8"><style>${STYLE}</style><body>${marked.parse(markdown, { gfm: true })}</body>`);
    if (process.env.KVONCE_RENDER_SHOTS) {
      await page.screenshot({ path: path.join(process.env.KVONCE_RENDER_SHOTS, `${name}.png`), fullPage: true });
    }
    return await page.evaluate(() => {
      const blocks = [...document.body.children].filter((e) => !['STYLE', 'H2', 'H3'].includes(e.tagName));
      // Text outside code spans: where leaked Markdown or HTML would show.
      const clone = document.body.cloneNode(true);
      clone.querySelectorAll('code, style').forEach((c) => c.remove());
      return {
        first: blocks[0]?.textContent.trim() ?? '',
        verdicts: [...document.querySelectorAll('p')].map((p) => p.textContent.trim())
          .filter((t) => /^(✅|❌|⚠️) (Valid|Invalid|No results)/u.test(t)),
        tables: [...document.querySelectorAll('table')].map((t) => ({
          head: [...t.querySelectorAll('thead th')].map((th) => th.textContent.trim()),
          rows: [...t.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((td) => td.textContent.trim())),
          links: [...t.querySelectorAll('tbody a')].map((a) => a.getAttribute('href')),
        })),
        text: clone.textContent,
        details: [...document.querySelectorAll('details')].map((d) => ({
          summary: d.querySelector('summary')?.textContent.trim(),
          links: [...d.querySelectorAll('tbody a')].map((a) => a.getAttribute('href')),
          open: d.open,
          hiddenShown: [...d.children].filter((c) => c.tagName !== 'SUMMARY').some((c) => c.checkVisibility()),
        })),
      };
    });
  } finally {
    await page.close();
  }
}

function issueTable(dom) {
  const t = dom.tables.find((x) => x.head[0] === 'rule');
  assert.ok(t, 'no issue table');
  return t;
}

function assertClean(dom) {
  for (const leak of ['**', '|', '<details', '</', '](', '\\[']) {
    assert.ok(!dom.text.includes(leak), `"${leak}" shown as text: ${dom.text}`);
  }
  for (const d of dom.details) {
    assert.equal(d.open, false);
    assert.equal(d.hiddenShown, false, 'folded detail shown');
  }
}

const link = (trace, span) => TEMPLATE.replace('{traceId}', trace).replace('{spanId}', span);

describe('rendered reports', () => {
  test('a clean run: the verdict first, no issue table', async () => {
    const docs = await documents(path.join(work, 'clean'));
    for (const [name, md] of Object.entries(docs)) {
      const dom = await render(md, `clean-${name}`);
      assert.match(dom.first, /^✅ Valid: no issues in otlp and ndjson$/u);
      assert.equal(dom.verdicts.length, 1);
      assert.ok(!dom.tables.some((t) => t.head[0] === 'rule'));
      assertClean(dom);
    }
  });

  test('agreeing modes: each issue once, linked to its trace', async () => {
    const docs = await documents(path.join(work, 'agree'));
    for (const [name, md] of Object.entries(docs)) {
      const dom = await render(md, `agree-${name}`);
      assert.match(dom.first, /^❌ Invalid: both modes report the same 2 issues$/u);
      assert.equal(dom.verdicts.length, 1);
      const t = issueTable(dom);
      assert.deepEqual(t.head, ['rule', 'key', 'what', 'when', 'trace']);
      assert.deepEqual(t.rows.map((r) => `${r[0]} ${r[1]}`), ['multiple-success alpha', 'retry-bound-exceeded beta']);
      assert.deepEqual(t.links, [link(TRACE_A, 'aaaaaaaaaaaaaaa2'), link(TRACE_B, 'aaaaaaaaaaaaaaa5')]);
      // Each issue's history, folded under the table, its events linked to their traces.
      const histories = dom.details.filter((d) => d.summary.startsWith('History of'));
      assert.deepEqual(histories.map((d) => d.summary.replace(/, \d+ events?\)$/u, ')')), [
        'History of alpha (multiple-success)',
        'History of beta (retry-bound-exceeded)',
      ]);
      assert.ok(histories[0].links.includes(link(TRACE_A, 'aaaaaaaaaaaaaaa2')), histories[0].links);
      assert.ok(histories[1].links.every((l) => l.startsWith(link(TRACE_B, ''))), histories[1].links);
      if (name === 'summary') {
        assert.deepEqual(dom.tables[0].head, ['mode', 'verdict', 'events', 'keys', 'issues']);
        assert.deepEqual(dom.details.filter((d) => !histories.includes(d)).map((d) => d.summary),
          ['Warnings (1)'], 'the warning both modes give, folded once');
      } else {
        assert.ok(md.startsWith('<!-- kvonce-trace-summary -->\n### KvOnce Trace Validation\n'));
        assert.match(md, /^- ❌ \*\*otlp\*\*: invalid, 2 issues/mu);
        assert.match(md, /^- ❌ \*\*ndjson\*\*: invalid, 2 issues/mu);
      }
      assertClean(dom);
    }
  });

  test('disagreeing modes: the common issue once, then what only one mode reports', async () => {
    const docs = await documents(path.join(work, 'disagree'));
    for (const [name, md] of Object.entries(docs)) {
      const dom = await render(md, `disagree-${name}`);
      assert.match(dom.first, /^❌ Invalid: the modes disagree: 1 issue in both, 1 only in otlp$/u);
      assert.equal(dom.verdicts.length, 1);
      const t = issueTable(dom);
      assert.deepEqual(t.head, ['rule', 'key', 'what', 'when', 'trace', 'modes']);
      assert.deepEqual(t.rows.map((r) => `${r[0]} ${r[1]}: ${r[5]}`), [
        'multiple-success alpha: otlp, ndjson',
        'retry-bound-exceeded beta: otlp',
      ]);
      assert.deepEqual(t.links, [link(TRACE_A, 'aaaaaaaaaaaaaaa2'), link(TRACE_B, 'aaaaaaaaaaaaaaa5')]);
      if (name === 'comment') {
        assert.match(md, /^- ❌ \*\*otlp\*\*: invalid, 2 issues/mu);
        assert.match(md, /^- ❌ \*\*ndjson\*\*: invalid, 1 issue/mu);
      }
      assertClean(dom);
    }
  });
});
