// Every trace an engineer can capture: the trace back-ends' responses (Jaeger api/v3, Tempo v1
// and v2 in JSON and protobuf) read as the OTLP inside them, and what real libraries write that is
// not a trace (the OpenTelemetry JavaScript SDK's logs and metrics exporters, its Zipkin and
// console span exporters, a web page) refused by name with exit 4.
//
// The KvOnce spans come from the real SDK and its OTLP/HTTP exporters (into the loopback
// receiver); the back-ends' envelopes are put around those bodies as their documented APIs
// return them, and one real Jaeger api/v3 snapshot is read as it is (tests/data/backends).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { SpanKind } from '@opentelemetry/api';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import jaegerClient from 'jaeger-client';

import { readJson, requireBinary, run, tempDir } from './cloud_harness.mjs';
import { startOtlpSink } from './servers/otlp_sink.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DATA = path.join(HERE, '..', 'data', 'backends');
const FOREIGN = path.join(HERE, '..', 'data', 'foreign');
const SERVICE = 'kvonce-store';
const T0 = 1760000000;
const resource = resourceFromAttributes({ 'service.name': SERVICE });

// A retry on alpha, then its success: two KvOnce events, a valid trace.
const SPANS = [
  { start: [T0, 1000], attrs: { 'kvonce.event.type': 'retry', 'kvonce.event.key': 'alpha', 'kvonce.event.context.attempts': 1 } },
  { start: [T0 + 1, 2000], attrs: { 'kvonce.event.type': 'success', 'kvonce.event.key': 'alpha', 'kvonce.event.value': 'v', 'kvonce.event.context.attempts': 2 } },
];

let sink;
const bodies = {};

async function traces(Exporter) {
  const mark = sink.requests.length;
  const provider = new BasicTracerProvider({
    resource,
    spanProcessors: [new SimpleSpanProcessor(new Exporter({ url: sink.url('/v1/traces') }))],
  });
  const tracer = provider.getTracer('kvonce-store-client');
  for (const s of SPANS) tracer.startSpan('kvonce.put', { kind: SpanKind.CLIENT, attributes: s.attrs, startTime: s.start }).end();
  await provider.forceFlush();
  await provider.shutdown();
  return sink.since(mark).map((r) => r.body);
}

async function logs(Exporter) {
  const mark = sink.requests.length;
  const provider = new LoggerProvider({
    resource,
    processors: [new SimpleLogRecordProcessor({ exporter: new Exporter({ url: sink.url('/v1/logs') }) })],
  });
  const logger = provider.getLogger('kvonce-store-client');
  // What a service logging its KvOnce events would send: the same attributes, on log records.
  for (const s of SPANS) logger.emit({ body: 'kvonce event', severityNumber: 9, attributes: s.attrs });
  await provider.forceFlush();
  await provider.shutdown();
  return sink.since(mark)[0].body;
}

async function metrics(Exporter) {
  const mark = sink.requests.length;
  const reader = new PeriodicExportingMetricReader({
    exporter: new Exporter({ url: sink.url('/v1/metrics') }),
    exportIntervalMillis: 60_000,
  });
  const provider = new MeterProvider({ resource, readers: [reader] });
  const counter = provider.getMeter('kvonce-store-client').createCounter('kvonce.events');
  for (const s of SPANS) counter.add(1, { 'kvonce.event.type': s.attrs['kvonce.event.type'] });
  provider.getMeter('kvonce-store-client').createHistogram('kvonce.latency').record(12.5);
  await provider.forceFlush();
  await provider.shutdown();
  return sink.since(mark)[0].body;
}

async function zipkin() {
  const mark = sink.requests.length;
  const provider = new BasicTracerProvider({
    resource,
    spanProcessors: [new SimpleSpanProcessor(new ZipkinExporter({ url: sink.url('/api/v2/spans') }))],
  });
  const tracer = provider.getTracer('kvonce-store-client');
  for (const s of SPANS) tracer.startSpan('kvonce.put', { attributes: s.attrs, startTime: s.start }).end();
  await provider.forceFlush();
  await provider.shutdown();
  return sink.since(mark)[0].body;
}

// What ConsoleSpanExporter prints, from a child process (it writes to the process's stdout).
function consoleExporterOutput() {
  const script = `
    import { BasicTracerProvider, ConsoleSpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new ConsoleSpanExporter())] });
    provider.getTracer('t').startSpan('kvonce.put', { attributes: ${JSON.stringify(SPANS[0].attrs)} }).end();
    await provider.shutdown();`;
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: HERE });
}

// What jaeger-client sends for the KvOnce spans: its HTTP sender POSTs a thrift binary Batch to
// a collector (here a loopback server), its UDP sender an Agent.emitBatch message to an agent
// (here a loopback socket).
async function jaegerThrift(sender) {
  const received = [];
  let close;
  let reporter;
  if (sender === 'http') {
    const server = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        received.push(Buffer.concat(chunks));
        res.end();
      });
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    reporter = { collectorEndpoint: `http://127.0.0.1:${server.address().port}/api/traces` };
    close = () => new Promise((resolve) => server.close(resolve));
  } else {
    const socket = dgram.createSocket('udp4');
    socket.on('message', (m) => received.push(m));
    await new Promise((resolve) => socket.bind(0, '127.0.0.1', resolve));
    reporter = { agentHost: '127.0.0.1', agentPort: socket.address().port };
    close = () => new Promise((resolve) => socket.close(resolve));
  }
  const quiet = { info() {}, error() {} };
  const tracer = jaegerClient.initTracer(
    { serviceName: SERVICE, sampler: { type: 'const', param: 1 }, reporter: { ...reporter, flushIntervalMs: 10 } },
    { logger: quiet },
  );
  for (const s of SPANS) {
    const span = tracer.startSpan('kvonce.put', { startTime: s.start[0] * 1000 + s.start[1] / 1e6 });
    for (const [k, v] of Object.entries(s.attrs)) span.setTag(k, v);
    span.finish();
  }
  await new Promise((resolve) => tracer.close(resolve));
  for (let i = 0; i < 100 && received.length === 0; ++i) await new Promise((resolve) => setTimeout(resolve, 10));
  await close();
  assert.ok(received.length > 0, `jaeger-client sent nothing over ${sender}`);
  return received[0];
}

// A varint, for the protobuf TraceByIDResponse around a TracesData body.
function varint(n) {
  const out = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.from(out);
}

before(async () => {
  requireBinary();
  sink = await startOtlpSink();
  bodies.json = await traces(JsonExporter);
  bodies.protobuf = await traces(ProtoExporter);
});

after(async () => {
  await sink?.close();
});

async function prepare(t, file, extra = []) {
  const dir = tempDir(t);
  const out = path.join(dir, 'events.ndjson');
  const stats = path.join(dir, 'stats.json');
  const p = await run(['prepare', '-i', file, '-o', out, '--stats', stats, ...extra], {}, dir);
  return { ...p, events: p.code === 0 ? fs.readFileSync(out, 'utf8') : '', stats: p.code === 0 ? readJson(stats) : null };
}

function write(t, name, bytes) {
  const file = path.join(tempDir(t), name);
  fs.writeFileSync(file, bytes);
  return file;
}

describe('back-end responses read as the OTLP inside them', () => {
  // The exporter sends one request per span; a back-end answers with all of them in one trace.
  const tracesData = () => ({ resourceSpans: bodies.json.flatMap((b) => JSON.parse(b).resourceSpans) });
  const responses = () => ({
    'jaeger-v3': bodies.json.map((b) => JSON.stringify({ result: JSON.parse(b) })).join('\n'),
    'tempo-v1': JSON.stringify({ batches: tracesData().resourceSpans }),
    'tempo-v2': JSON.stringify({ trace: tracesData(), metrics: { inspectedBytes: '512' }, status: 'COMPLETE' }),
  });
  const words = { 'jaeger-v3': 'Jaeger api/v3 response', 'tempo-v1': 'Tempo v1 response', 'tempo-v2': 'Tempo v2 response' };

  test('JSON: the same events as the plain OTLP/JSON, the envelope recorded', async (t) => {
    const plain = await prepare(t, write(t, 'plain.json', JSON.stringify(tracesData())));
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(plain.events.trim().split('\n').length, 2);
    for (const [envelope, text] of Object.entries(responses())) {
      const file = write(t, `${envelope}.json`, text);
      for (const format of [[], ['--format', 'otlp']]) {
        const p = await prepare(t, file, format);
        assert.equal(p.code, 0, `${envelope} ${format}: ${p.stderr}`);
        assert.equal(p.events, plain.events, envelope);
        assert.equal(p.stats.inputs[0].form.envelope, envelope);
        assert.ok(p.stderr.includes(`read: ${words[envelope]} (OTLP/JSON), 2 spans`), p.stderr);
      }
      const dir = tempDir(t);
      const v = await run(['verify', '-i', file, '-d', path.join(dir, 'out')], {}, dir);
      assert.equal(v.code, 0, v.stdout + v.stderr);
      assert.equal(readJson(path.join(dir, 'out', 'kvonce-validation.json')).input[0].envelope, envelope);
    }
  });

  test('protobuf: a Tempo v2 TraceByIDResponse (the trace in field 1) gives the same events', async (t) => {
    const body = Buffer.concat(bodies.protobuf); // concatenated messages merge: one TracesData
    const plain = await prepare(t, write(t, 'plain.pb', body));
    assert.equal(plain.code, 0, plain.stderr);
    const response = Buffer.concat([Buffer.from([0x0a]), varint(body.length), body]);
    const p = await prepare(t, write(t, 'tempo-v2.pb', response));
    assert.equal(p.code, 0, p.stderr);
    assert.equal(p.events, plain.events);
    assert.equal(p.stats.inputs[0].form.envelope, 'tempo-v2');
    assert.ok(p.stderr.includes('read: Tempo v2 response (OTLP protobuf), 2 spans'), p.stderr);

    // status PARTIAL (field 3 = 1): refused by name, read with a warning under --accept-partial.
    const partial = write(t, 'partial.pb', Buffer.concat([response, Buffer.from([0x18, 0x01])]));
    const refused = await prepare(t, partial);
    assert.equal(refused.code, 4);
    assert.match(refused.stderr, /Tempo v2 response \(protobuf TraceByIDResponse\): status PARTIAL/);
    const accepted = await prepare(t, partial, ['--accept-partial']);
    assert.equal(accepted.code, 0, accepted.stderr);
    assert.equal(accepted.events, plain.events);
    assert.match(accepted.stats.warnings[0], /status PARTIAL/);
  });

  test('Tempo v2 PARTIAL: exit 4 naming it; with --accept-partial a warning in every output', async (t) => {
    const file = write(t, 'partial.json', JSON.stringify({ trace: tracesData(), status: 'PARTIAL', message: 'trace exceeds max size' }));
    const dir = tempDir(t);
    const refused = await run(['verify', '-i', file, '-d', path.join(dir, 'out')], {}, dir);
    assert.equal(refused.code, 4);
    assert.match(refused.stderr, /Tempo v2 response .*status PARTIAL.*"trace exceeds max size".*--accept-partial/);
    const v = await run(['verify', '-i', file, '-d', path.join(dir, 'out'), '--accept-partial'], {}, dir);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /status PARTIAL/);
    const validation = readJson(path.join(dir, 'out', 'kvonce-validation.json'));
    assert.ok(validation.warnings.some((w) => /status PARTIAL/.test(w)), JSON.stringify(validation.warnings));
    const p = await prepare(t, file, ['--accept-partial']);
    assert.equal(p.code, 0);
    assert.match(p.stderr, /warning: .*status PARTIAL/);
    assert.ok(p.stats.warnings.some((w) => /status PARTIAL/.test(w)));
  });

  test('Tempo v2 PARTIAL under run, explain and batch: exit 4 naming it; with --accept-partial the warning in each output', async (t) => {
    const file = write(t, 'partial.json', JSON.stringify({ trace: tracesData(), status: 'PARTIAL', message: 'trace exceeds max size' }));
    const dir = tempDir(t);
    const partial = /status PARTIAL: Tempo returned only part of the trace .*read with --accept-partial: events may be missing/;
    const tree = path.join(dir, 'trace');
    const env = { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md'), GITHUB_OUTPUT: path.join(dir, 'outputs') };

    const refusedRun = await run(['run', '-i', file, '--trace-dir', tree], env, dir);
    assert.equal(refusedRun.code, 4, refusedRun.stdout + refusedRun.stderr);
    assert.match(refusedRun.stderr, /Tempo v2 response .*status PARTIAL.*--accept-partial/);
    const r = await run(['run', '-i', file, '--trace-dir', tree, '--accept-partial'], env, dir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /warning: .*status PARTIAL/);
    for (const mode of ['otlp', 'ndjson']) {
      const v = readJson(path.join(tree, mode, 'kvonce-validation.json'));
      assert.ok(v.warnings.some((w) => partial.test(w)), `${mode}: ${JSON.stringify(v.warnings)}`);
    }
    assert.match(fs.readFileSync(path.join(dir, 'summary.md'), 'utf8'), /otlp, ndjson: .*status PARTIAL/);
    assert.match(fs.readFileSync(path.join(tree, 'kvonce-pr-comment.md'), 'utf8'), /⚠️ otlp, ndjson: .*status PARTIAL/);

    const refusedExplain = await run(['explain', 'alpha', '-i', file], {}, dir);
    assert.equal(refusedExplain.code, 4);
    assert.match(refusedExplain.stderr, /status PARTIAL/);
    const text = await run(['explain', 'alpha', '-i', file, '--accept-partial'], {}, dir);
    assert.equal(text.code, 0, text.stdout + text.stderr);
    assert.match(text.stdout, /^ {2}warning: .*status PARTIAL/m);
    const doc = await run(['explain', 'alpha', '-i', file, '--accept-partial', '--json'], {}, dir);
    assert.ok(JSON.parse(doc.stdout).warnings.some((w) => partial.test(w)), doc.stdout);
    const fromTree = await run(['explain', 'alpha', '--trace-dir', tree, '--json'], {}, dir);
    assert.ok(JSON.parse(fromTree.stdout).warnings.some((w) => partial.test(w)), fromTree.stdout);

    const results = path.join(dir, 'results.jsonl');
    const refusedBatch = await run(['batch', '--results', results, file], {}, dir);
    assert.equal(refusedBatch.code, 1);
    assert.match(readJson(results).error.message, /status PARTIAL/);
    fs.rmSync(results);
    const b = await run(['batch', '--results', results, '--accept-partial', file], {}, dir);
    assert.equal(b.code, 0, b.stdout + b.stderr);
    const line = readJson(results);
    assert.equal(line.valid, true);
    assert.equal(line.judgedUnder.acceptPartial, true);
    assert.ok(line.partial.some((w) => partial.test(w)), JSON.stringify(line));
    assert.match(b.stdout, /### Partial traces[^]*status PARTIAL/);
    assert.match(b.stderr, /VALID .*; warning: .*status PARTIAL/);
  });

  test("Tempo's not found and Jaeger's error object are refused by name", async (t) => {
    const notFound = await prepare(t, write(t, 'nf.json', '{"trace":{},"metrics":{}}'));
    assert.equal(notFound.code, 4);
    assert.match(notFound.stderr, /Tempo v2 response .*trace not found/);
    const error = JSON.stringify({ error: { grpcCode: 5, httpCode: 404, message: 'trace not found', httpStatus: 'Not Found' } });
    const jaeger = await prepare(t, write(t, 'err.json', error));
    assert.equal(jaeger.code, 4);
    assert.match(jaeger.stderr, /Jaeger API error response .*httpCode 404, "trace not found"/);
  });

  test("Jaeger's own api/v3 GetTrace snapshot reads as a trace with no KvOnce event", async (t) => {
    const dir = tempDir(t);
    const v = await run(['verify', '-i', path.join(DATA, 'jaeger-v3-get-trace.json')], {}, dir);
    assert.equal(v.code, 2, v.stdout + v.stderr);
    assert.match(v.stdout + v.stderr, /Jaeger api\/v3 response \(OTLP\/JSON\), 1 span/);
    assert.match(v.stdout + v.stderr, /none with kvonce.event.type/);
  });
});

describe('what real libraries write that is not a trace is refused by name', () => {
  const refusals = [
    ['OTLP/JSON logs exporter', () => logs(JsonLogExporter), /OTLP logs \(resourceLogs\), not a trace/],
    ['OTLP protobuf logs exporter', () => logs(ProtoLogExporter), /OTLP logs, not traces: field /],
    ['OTLP/JSON metrics exporter', () => metrics(JsonMetricExporter), /OTLP metrics \(resourceMetrics\), not a trace/],
    ['OTLP protobuf metrics exporter', () => metrics(ProtoMetricExporter), /OTLP metrics, not traces: field /],
    ['Zipkin exporter', zipkin, /Zipkin JSON, not a trace .*zipkin receiver/],
    ['console span exporter', consoleExporterOutput, /the JavaScript SDK's ConsoleSpanExporter output/],
  ];
  for (const [name, make, message] of refusals) {
    test(name, async (t) => {
      const file = write(t, 'body', await make());
      for (const format of [[], ['--format', 'otlp']]) {
        const dir = tempDir(t);
        const v = await run(['verify', '-i', file, ...format], {}, dir);
        assert.equal(v.code, 4, `${format}: ${v.stdout}${v.stderr}`);
        assert.match(v.stderr, message);
      }
    });
  }

  test('a saved HTML error page', async (t) => {
    const page = '<!DOCTYPE html>\n<html lang="en"><head><title>Sign in</title></head><body></body></html>\n';
    const v = await run(['verify', '-i', write(t, 'trace.json', page)], {}, tempDir(t));
    assert.equal(v.code, 4);
    assert.match(v.stderr, /an HTML page, not a trace kvonce-trace reads/);
  });
});

describe('what real tools wrote, captured at test time or kept from their own repositories', () => {
  const thrift = [
    ['http', /Jaeger thrift \(binary protocol\), not a trace kvonce-trace reads \(export the spans over OTLP/],
    ['udp', /Jaeger thrift \(binary protocol\), not a trace kvonce-trace reads/],
  ];
  for (const [sender, message] of thrift) {
    test(`jaeger-client's ${sender} sender: its thrift is refused by name, exit 4`, async (t) => {
      const body = await jaegerThrift(sender);
      const file = write(t, 'jaeger.thrift', body);
      for (const format of [[], ['--format', 'otlp']]) {
        const v = await run(['verify', '-i', file, ...format], {}, tempDir(t));
        assert.equal(v.code, 4, `${format}: ${v.stdout}${v.stderr}`);
        assert.match(v.stderr, message);
      }
    });
  }

  test("the Collector's debug exporter text (its own test output) is refused by name, exit 4", async (t) => {
    const file = path.join(FOREIGN, 'collector-debug-exporter-two-spans.out');
    for (const command of [['verify', '-i', file], ['prepare', '-i', file, '-o', 'events.ndjson']]) {
      const dir = tempDir(t);
      const v = await run(command, {}, dir, { cwd: dir });
      assert.equal(v.code, 4, v.stdout + v.stderr);
      assert.match(v.stderr, /the Collector's debug exporter text, not a trace kvonce-trace reads \(.*file exporter/);
    }
  });

  test("Tempo's own v1 trace JSON reads as a Tempo v1 response with no KvOnce event", async (t) => {
    const dir = tempDir(t);
    const v = await run(['verify', '-i', path.join(DATA, 'tempo-v1-trace.json'), '-d', path.join(dir, 'out')], {}, dir);
    assert.equal(v.code, 2, v.stdout + v.stderr);
    assert.match(v.stdout + v.stderr, /Tempo v1 response \(OTLP\/JSON\), 1 span/);
    assert.match(v.stdout + v.stderr, /none with kvonce.event.type/);
    assert.equal(readJson(path.join(dir, 'out', 'kvonce-validation.json')).input[0].envelope, 'tempo-v1');
  });
});
