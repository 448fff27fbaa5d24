// What the OpenTelemetry JavaScript SDK really sends, read by kvonce-trace: KvOnce spans emitted
// through BasicTracerProvider and the OTLP/HTTP exporters (JSON and protobuf, plain and gzip,
// batched and one request per span) into a loopback receiver; the request bodies, kept exactly as
// they arrived, are verified and prepared, and so are the files the Collector's file exporter
// would make of them (length-prefixed records, each optionally zstd-compressed, and zstd JSON
// Lines). Every form of the same spans must give the same verdict and the same NDJSON events.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';

import { SpanKind } from '@opentelemetry/api';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

import { readJson, requireBinary, run, tempDir } from './cloud_harness.mjs';
import { startOtlpSink } from './servers/otlp_sink.mjs';

const SERVICE = 'kvonce-store';
const BATCH_SIZE = 3;
const T0 = 1760000000; // 2025-10-09T08:53:20Z

// One span of the scenario: `attrs` as the service sets them, at second `at` after T0 and `ns`
// nanoseconds (so the sub-millisecond part of the start time is checked too).
const span = (at, ns, attrs, name = 'kvonce.put') => ({ name, start: [T0 + at, ns], end: [T0 + at, ns + 5_000_000], attrs });

// The context of a KvOnce event in both forms the SDK can carry it: a JSON string (SDK attributes
// cannot be maps) and flattened kvonce.event.context.<name> attributes.
const jsonContext = (attempts) => ({ 'kvonce.event.context': JSON.stringify({ attempts }) });
const flatContext = (attempts) => ({ 'kvonce.event.context.attempts': attempts });
const ev = (type, key, extra = {}) => ({ 'kvonce.event.type': type, 'kvonce.event.key': key, ...extra });

// alpha: one retry, then the success on attempt 2; beta: a first-time success, then the store
// refusing a second write; delta: a first-time success; and one span that is no KvOnce event.
const CLEAN = [
  span(0, 111_111_111, ev('retry', 'alpha', jsonContext(1))),
  span(1, 222_222_222, ev('success', 'alpha', { 'kvonce.event.value': 'v-alpha', ...flatContext(2) })),
  span(2, 333_333_333, { 'http.request.method': 'GET', 'url.path': '/health' }, 'GET /health'),
  span(3, 444_444_444, ev('success', 'beta', { 'kvonce.event.value': 'v-beta', ...jsonContext(1) })),
  span(4, 555_555_555, ev('failure', 'beta', { 'kvonce.event.reason': 'duplicate' })),
  span(5, 666_666_666, ev('success', 'delta', { 'kvonce.event.value': 'v-delta', ...flatContext(1) })),
];
// gamma's second retry carries attempts 3 instead of 2; its success (attempt 3) is right.
const VIOLATING = [
  ...CLEAN,
  span(6, 777_777_777, ev('retry', 'gamma', flatContext(1))),
  span(7, 888_888_888, ev('retry', 'gamma', jsonContext(3))),
  span(8, 999_999_999, ev('success', 'gamma', { 'kvonce.event.value': 'v-gamma', ...flatContext(3) })),
];
const SETS = { clean: CLEAN, violating: VIOLATING };

// Trace and span ids from a counter, so every emission of a set carries the same ids.
const counted = (what, n, hexDigits) =>
  crypto.createHash('sha256').update(`${what} ${n}`).digest('hex').slice(0, hexDigits);
class CountingIds {
  traces = 0;
  spans = 0;
  generateTraceId() {
    return counted('trace', ++this.traces, 32);
  }
  generateSpanId() {
    return counted('span', ++this.spans, 16);
  }
}

// Every span is a root span, so the span at `index` of a set starts trace index + 1 and is its
// span index + 1.
const traceIdOf = (index) => counted('trace', index + 1, 32);
const spanIdOf = (index) => counted('span', index + 1, 16);

// The NDJSON events `prepare` must write for a set, in time order.
function expectedEvents(spans) {
  const events = [];
  spans.forEach((s, index) => {
    const a = s.attrs;
    if (!a['kvonce.event.type']) return;
    const nanos = BigInt(s.start[0]) * 1_000_000_000n + BigInt(s.start[1]);
    const e = {
      traceId: traceIdOf(index),
      spanId: spanIdOf(index),
      timestamp: new Date(Number(nanos / 1_000_000n)).toISOString(),
      timeUnixNano: String(nanos),
      endTimeUnixNano: String(BigInt(s.end[0]) * 1_000_000_000n + BigInt(s.end[1])),
      actor: SERVICE,
      event: a['kvonce.event.type'],
      type: a['kvonce.event.type'],
      key: a['kvonce.event.key'],
    };
    if ('kvonce.event.value' in a) e.value = a['kvonce.event.value'];
    if ('kvonce.event.reason' in a) e.reason = a['kvonce.event.reason'];
    if ('kvonce.event.context' in a) e.context = JSON.parse(a['kvonce.event.context']);
    if ('kvonce.event.context.attempts' in a) e.context = { attempts: a['kvonce.event.context.attempts'] };
    events.push(e);
  });
  return events;
}

let sink;

before(async () => {
  requireBinary();
  sink = await startOtlpSink();
});

after(async () => {
  await sink?.close();
});

// Emits `spans` through the real SDK with one exporter configuration; resolves to the requests
// the receiver got.
async function emit(spans, { encoding, compression, processor }) {
  const mark = sink.requests.length;
  const Exporter = encoding === 'json' ? JsonExporter : ProtoExporter;
  const exporter = new Exporter({ url: sink.url('/v1/traces'), compression, timeoutMillis: 10_000 });
  const spanProcessor =
    processor === 'batch'
      ? new BatchSpanProcessor(exporter, { maxExportBatchSize: BATCH_SIZE, scheduledDelayMillis: 60_000 })
      : new SimpleSpanProcessor(exporter);
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': SERVICE }),
    idGenerator: new CountingIds(),
    spanProcessors: [spanProcessor],
  });
  const tracer = provider.getTracer('kvonce-store-client', '1.0.0');
  for (const s of spans) {
    tracer.startSpan(s.name, { kind: SpanKind.CLIENT, attributes: s.attrs, startTime: s.start }).end(s.end);
  }
  await provider.forceFlush();
  await provider.shutdown();
  return sink.since(mark);
}

// zstd through the zstd command line tool (Node's zlib has no zstd before 22.15); it is one of the
// Debian packages scripts/install-deps.sh installs, so a missing one fails the test.
function zstd(bytes) {
  return execFileSync('zstd', ['-q', '-c', '-3'], { input: bytes, maxBuffer: 64 << 20 });
}

// The Collector file exporter's records: a 4-byte big-endian length, then the message.
function lengthPrefixed(messages) {
  return Buffer.concat(
    messages.flatMap((m) => {
      const length = Buffer.alloc(4);
      length.writeUInt32BE(m.length);
      return [length, m];
    }),
  );
}

const forms = [];
for (const encoding of ['json', 'protobuf']) {
  for (const compression of ['none', 'gzip']) {
    for (const processor of ['batch', 'simple']) forms.push({ encoding, compression, processor });
  }
}
const label = (f) => `${f.encoding} ${f.compression} ${f.processor === 'batch' ? 'batched' : 'one request per span'}`;

// The form kvonce-validation.json records for one request body, and the console's words for it.
const bodyForm = (f) => ({
  compression: f.compression,
  framing: 'stream',
  encoding: f.encoding,
  ...(f.encoding === 'protobuf' ? { records: 1 } : {}),
});
const bodyWords = (f) => `${f.compression === 'gzip' ? 'gzip ' : ''}${f.encoding === 'json' ? 'OTLP/JSON' : 'OTLP protobuf'}`;

// Verifies and prepares `files`; checks the verdict of `set`, the recorded forms and the events.
async function check(t, set, files, { forms: recorded, words }) {
  const spans = SETS[set];
  const dir = tempDir(t);
  const inputs = files.flatMap((f) => ['-i', f]);
  const kvonceSpans = spans.filter((s) => s.attrs['kvonce.event.type']).length;

  // --order time: these sets check the forms read, with the messages of a replay in time order.
  const v = await run(['verify', ...inputs, '-d', path.join(dir, 'out'), '--order', 'time'], {}, dir);
  assert.equal(v.code, set === 'clean' ? 0 : 1, v.stdout + v.stderr);
  const validation = readJson(path.join(dir, 'out', 'kvonce-validation.json'));
  assert.deepEqual(validation.input, recorded);
  assert.ok(v.stdout.includes(`  read: ${words}, ${spans.length} spans\n`), v.stdout);
  assert.equal(validation.eventCount, kvonceSpans);
  if (set === 'clean') {
    assert.equal(validation.valid, true);
    assert.deepEqual(validation.issues, []);
    assert.match(v.stdout, /^verify: VALID \(otlp input, profile spec/);
  } else {
    assert.equal(validation.valid, false);
    assert.deepEqual(
      validation.issues.map((i) => [i.key, i.type, i.message, i.traceId, i.timestamp]),
      [['gamma', 'retry-attempt-out-of-sequence', 'retry 2 carries attempts 3, expected 2 (1 occurrence)', traceIdOf(7), '2025-10-09T08:53:27.888Z']],
    );
    assert.match(v.stdout, /\[retry-attempt-out-of-sequence\] gamma: retry 2 carries attempts 3, expected 2/);
  }

  const events = path.join(dir, 'events.ndjson');
  const stats = path.join(dir, 'stats.json');
  const p = await run(['prepare', ...inputs, '-o', events, '--stats', stats], {}, dir);
  assert.equal(p.code, 0, p.stderr);
  const s = readJson(stats);
  assert.deepEqual(s.inputs.map((i) => i.form), recorded);
  assert.equal(s.records, spans.length);
  assert.equal(s.events, kvonceSpans);
  assert.deepEqual(s.skipped, { notKvonce: 1, missingType: 0, missingKey: 0, badTimestamp: 0, duplicate: 0 });
  const text = fs.readFileSync(events, 'utf8');
  assert.deepEqual(text.trimEnd().split('\n').map((line) => JSON.parse(line)), expectedEvents(spans));
  return text;
}

for (const set of Object.keys(SETS)) {
  describe(`the SDK's exporters, ${set} spans`, () => {
    const captured = new Map(); // label -> requests
    const ndjson = new Map(); // form label -> the NDJSON events prepare wrote

    before(async () => {
      for (const f of forms) captured.set(label(f), await emit(SETS[set], f));
    });

    for (const f of forms) {
      test(`${label(f)}: the bodies as sent verify and prepare`, async (t) => {
        const requests = captured.get(label(f));
        const spans = SETS[set].length;
        assert.equal(requests.length, f.processor === 'batch' ? Math.ceil(spans / BATCH_SIZE) : spans);
        for (const r of requests) {
          assert.equal(r.path, '/v1/traces');
          assert.equal(r.contentType, f.encoding === 'json' ? 'application/json' : 'application/x-protobuf');
          assert.equal(r.contentEncoding, f.compression === 'gzip' ? 'gzip' : undefined);
          if (f.compression === 'gzip') assert.deepEqual([...r.body.subarray(0, 2)], [0x1f, 0x8b]);
        }
        if (f.encoding === 'json' && f.compression === 'none') {
          const perRequest = requests.map((r) => JSON.parse(r.body).resourceSpans[0].scopeSpans[0].spans.length);
          assert.equal(Math.min(...perRequest), f.processor === 'batch' ? BATCH_SIZE : 1);
        }
        const dir = tempDir(t);
        const files = requests.map((r, i) => {
          // Named for nothing: the reader tells the form from the bytes alone.
          const file = path.join(dir, `request-${i}.body`);
          fs.writeFileSync(file, r.body);
          return file;
        });
        const recorded = requests.map(() => bodyForm(f));
        const words = requests.map(() => bodyWords(f)).join(' + ');
        ndjson.set(label(f), await check(t, set, files, { forms: recorded, words }));
      });
    }

    test('gzip changes nothing but the compression: the same messages once inflated', () => {
      for (const encoding of ['json', 'protobuf']) {
        for (const processor of ['batch', 'simple']) {
          const sorted = (compression) =>
            captured
              .get(label({ encoding, compression, processor }))
              .map((r) => (compression === 'gzip' ? zlib.gunzipSync(r.body) : r.body))
              .sort(Buffer.compare);
          assert.deepEqual(sorted('gzip'), sorted('none'), `${encoding} ${processor}`);
        }
      }
    });

    // The files the Collector's file exporter writes, built from the per-span and batched bodies.
    const plain = (encoding, processor) =>
      captured.get(label({ encoding, compression: 'none', processor })).map((r) => r.body);
    const framedForm = (encoding, records, extra = {}) => ({
      compression: 'none',
      framing: 'length-prefixed',
      encoding,
      records,
      ...extra,
    });
    const collectorFiles = [
      ['protobuf', 'length-prefixed records', (b) => lengthPrefixed(b), (n) => [framedForm('protobuf', n), `${n} length-prefixed protobuf records`]],
      ['protobuf', 'length-prefixed zstd records', (b) => lengthPrefixed(b.map(zstd)), (n) => [framedForm('protobuf', n, { recordCompression: 'zstd' }), `${n} length-prefixed zstd protobuf records`]],
      ['protobuf', 'zstd file of length-prefixed records', (b) => zstd(lengthPrefixed(b)), (n) => [{ ...framedForm('protobuf', n), compression: 'zstd' }, `zstd ${n} length-prefixed protobuf records`]],
      ['json', 'length-prefixed records', (b) => lengthPrefixed(b), (n) => [framedForm('json', n), `${n} length-prefixed JSON records`]],
      ['json', 'length-prefixed zstd records', (b) => lengthPrefixed(b.map(zstd)), (n) => [framedForm('json', n, { recordCompression: 'zstd' }), `${n} length-prefixed zstd JSON records`]],
      ['json', 'zstd JSON Lines', (b) => zstd(Buffer.concat(b.flatMap((body) => [body, Buffer.from('\n')]))), () => [{ compression: 'zstd', framing: 'stream', encoding: 'json' }, 'zstd OTLP/JSON']],
    ];
    for (const [encoding, name, build, describeForm] of collectorFiles) {
      test(`Collector file exporter, ${encoding} ${name}: one file, the same events`, async (t) => {
        // Framed files take one record per span, JSON Lines one line per batch.
        const bodies = plain(encoding, name === 'zstd JSON Lines' ? 'batch' : 'simple');
        const dir = tempDir(t);
        const file = path.join(dir, 'collector-output');
        fs.writeFileSync(file, build(bodies));
        const [form, words] = describeForm(bodies.length);
        ndjson.set(`collector ${encoding} ${name}`, await check(t, set, [file], { forms: [form], words }));
      });
    }

    test('every form of the same spans gives byte-identical NDJSON events', () => {
      assert.equal(ndjson.size, forms.length + collectorFiles.length);
      const [first] = ndjson.values();
      for (const [name, text] of ndjson) assert.equal(text, first, `${name} differs`);
    });
  });
}
