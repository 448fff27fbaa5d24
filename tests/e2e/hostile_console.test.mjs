// The binary against a loopback server that answers like a hostile or careless service: its text
// reaches the console escaped, upper-case schemes and hosts are the same URL, oversized headers
// and long Retry-After waits end with clear messages.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { requireBinary, run, tempDir } from './cloud_harness.mjs';
import { listen } from './servers/cloud_common.mjs';

const PAYLOAD = fs.readFileSync(new URL('../data/kvonce-otlp.json', import.meta.url));
const HOSTILE = 'x\n::warning::pwned\n::add-mask::abc\u001b[2J\u001b]8;;http://e/\u0007##[error]y';

let server;

before(async () => {
  requireBinary();
  server = await listen((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    switch (url.pathname) {
      case '/payload.json':
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(PAYLOAD);
      case '/hostile-error':
        res.writeHead(404, { 'content-type': 'application/xml' });
        return res.end(`<?xml version="1.0"?><Error><Code>NoSuchKey</Code><Message>${HOSTILE}</Message></Error>`);
      case '/many-headers': {
        const headers = { 'content-type': 'application/json' };
        for (let i = 0; i < 200; i++) headers[`x-filler-${i}`] = 'a'.repeat(50_000);
        res.writeHead(200, headers);
        return res.end(PAYLOAD);
      }
      case '/huge-header':
        res.writeHead(200, { 'x-huge': 'a'.repeat(10_000_000) });
        return res.end(PAYLOAD);
      case '/slow-down':
        res.writeHead(429, { 'retry-after': '3600', 'content-type': 'application/json' });
        return res.end('{"message":"slow down"}');
      default:
        res.writeHead(404);
        return res.end();
    }
  });
});

after(async () => {
  await server?.close();
});

async function fetchUrl(t, url, extra = []) {
  const dir = tempDir(t);
  const target = path.join(dir, 'payload.json');
  const r = await run(['fetch', '--url', url, '--target', target, ...extra], {}, dir);
  return { ...r, dir, target };
}

// No control character but the line break, no line that the Actions runner reads as a command.
function assertConsoleSafe(r) {
  for (const text of [r.stdout, r.stderr]) {
    assert.ok(!/[\x00-\x09\x0b-\x1f\x7f]/.test(text), `a control character in ${JSON.stringify(text)}`);
    assert.ok(!text.includes('##['), text);
    for (const line of text.split('\n')) assert.ok(!line.trimStart().startsWith('::'), line);
  }
}

describe('hostile service text on the console', () => {
  test('a server error message is printed escaped', async (t) => {
    const r = await fetchUrl(t, `${server.url}/hostile-error`);
    assert.equal(r.code, 7, r.stderr);
    assert.match(r.stderr, /HTTP 404 NoSuchKey \(x\\n::warning::pwned\\n::add-mask::abc\\x1b\[2J\\x1b\]8;;http:\/\/e\/\\x07#\\x23\[error\]y\)/);
    assertConsoleSafe(r);
  });

  test('a hostile key in a fetched payload: run prints it escaped', async (t) => {
    const dir = tempDir(t);
    const file = path.join(dir, 'hostile.json');
    const span = {
      traceId: '::error::t', spanId: 'ab', name: 'op', startTimeUnixNano: '1760000000000000000',
      attributes: [
        { key: 'kvonce.event.type', value: { stringValue: 'success' } },
        { key: 'kvonce.event.key', value: { stringValue: HOSTILE } },
      ],
    };
    fs.writeFileSync(file, JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] }));
    const r = await run(['run', '--input', file, '--trace-dir', path.join(dir, 'trace')], {}, dir);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /x\\n::warning::pwned\\n::add-mask::abc\\x1b\[2J/);
    assertConsoleSafe(r);
  });
});

describe('URLs: schemes and hosts are case-insensitive', () => {
  test('HTTP://LOCALHOST:port fetches as http://localhost:port does', async (t) => {
    const url = `HTTP://LOCALHOST:${server.port}/payload.json`;
    const r = await fetchUrl(t, url);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(fs.readFileSync(r.target), PAYLOAD);
  });
});

describe('oversized answers end with clear messages', () => {
  test('10 MB of response headers: exit 7 naming the limit, not "out of memory"', async (t) => {
    for (const route of ['/many-headers', '/huge-header']) {
      const r = await fetchUrl(t, `${server.url}${route}`);
      assert.equal(r.code, 7, `${route}: ${r.stderr}`);
      assert.match(r.stderr, /the response headers exceed 256 KiB/);
      assert.doesNotMatch(r.stderr, /out of memory/i);
      assert.ok(!fs.existsSync(r.target));
    }
  });

  test('a Retry-After longer than kvonce-trace waits: the message says so, not "raise --retries"', async (t) => {
    const r = await fetchUrl(t, `${server.url}/slow-down`, ['--retries', '3']);
    assert.equal(r.code, 7, r.stderr);
    assert.match(r.stderr, /HTTP 429 .*the service asks to wait 3600(\.0)? s \(Retry-After\)/);
    assert.doesNotMatch(r.stderr, /raise --retries/);
  });
});
