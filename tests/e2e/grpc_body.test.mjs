// A gRPC request body as saved from the wire: the OpenTelemetry JavaScript SDK's OTLP/gRPC
// exporter (on @grpc/grpc-js) exports KvOnce spans to a loopback HTTP/2 sink (Node's http2, h2c on
// 127.0.0.1) that keeps each request body exactly as it arrived (the 5-byte message prefixes,
// gzip-compressed messages included). The saved bodies give the same events and verdict as the
// same spans sent over OTLP/HTTP protobuf, and the form is named in the read: line, prepare
// --stats and kvonce-validation.json.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http2 from 'node:http2';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { SpanKind } from '@opentelemetry/api';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

import { readJson, requireBinary, run, tempDir } from './cloud_harness.mjs';
import { startOtlpSink } from './servers/otlp_sink.mjs';

const T0 = 1760000000;
// A retry on alpha, its success, and a second success on beta after its first: a violation.
const SPANS = [
  { start: [T0, 1000], attrs: { 'kvonce.event.type': 'retry', 'kvonce.event.key': 'alpha', 'kvonce.event.context.attempts': 1 } },
  { start: [T0 + 1, 2000], attrs: { 'kvonce.event.type': 'success', 'kvonce.event.key': 'alpha', 'kvonce.event.value': 'v', 'kvonce.event.context.attempts': 2 } },
  { start: [T0 + 2, 3000], attrs: { 'kvonce.event.type': 'success', 'kvonce.event.key': 'beta', 'kvonce.event.value': 'b1' } },
  { start: [T0 + 3, 4000], attrs: { 'kvonce.event.type': 'success', 'kvonce.event.key': 'beta', 'kvonce.event.value': 'b2' } },
];

// The same ids on every emission, so bodies of different exporters hold the same spans.
const counted = (what, n, digits) => crypto.createHash('sha256').update(`${what} ${n}`).digest('hex').slice(0, digits);
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

// A loopback gRPC server for TraceService/Export over h2c: keeps each request body as it
// arrived and answers with an empty, uncompressed ExportTraceServiceResponse and grpc-status 0.
async function startGrpcSink() {
  const bodies = [];
  const server = http2.createServer();
  server.on('stream', (stream, headers) => {
    const chunks = [];
    stream.on('data', (c) => chunks.push(c));
    stream.on('end', () => {
      bodies.push({ path: headers[':path'], encoding: headers['grpc-encoding'], body: Buffer.concat(chunks) });
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0', 'grpc-message': '' }));
      stream.end(Buffer.alloc(5));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    bodies,
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

async function emit(exporter) {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'kvonce-store' }),
    idGenerator: new CountingIds(),
    spanProcessors: [new BatchSpanProcessor(exporter, { maxExportBatchSize: 2, scheduledDelayMillis: 60_000 })],
  });
  const tracer = provider.getTracer('kvonce-store-client');
  for (const s of SPANS) tracer.startSpan('kvonce.put', { kind: SpanKind.CLIENT, attributes: s.attrs, startTime: s.start }).end([s.start[0], s.start[1] + 5_000_000]);
  await provider.forceFlush();
  await provider.shutdown();
}

let grpcSink;
let httpSink;
const bodies = {};

before(async () => {
  requireBinary();
  grpcSink = await startGrpcSink();
  httpSink = await startOtlpSink();
  await emit(new ProtoExporter({ url: httpSink.url('/v1/traces') }));
  bodies.http = httpSink.requests.map((r) => r.body);
  for (const compression of ['none', 'gzip']) {
    const mark = grpcSink.bodies.length;
    await emit(new GrpcExporter({ url: grpcSink.url, compression }));
    bodies[compression] = grpcSink.bodies.slice(mark);
  }
});

after(async () => {
  await grpcSink?.close();
  await httpSink?.close();
});

function writeAll(dir, name, list) {
  return list.map((bytes, i) => {
    const file = path.join(dir, `${name}-${i}.bin`);
    fs.writeFileSync(file, bytes);
    return file;
  });
}

async function prepare(t, files) {
  const dir = tempDir(t);
  const out = path.join(dir, 'events.ndjson');
  const stats = path.join(dir, 'stats.json');
  const p = await run(['prepare', ...files.flatMap((f) => ['-i', f]), '-o', out, '--stats', stats], {}, dir);
  return { ...p, events: p.code === 0 ? fs.readFileSync(out, 'utf8') : '', stats: p.code === 0 ? readJson(stats) : null };
}

describe('gRPC request bodies of the OTLP/gRPC exporter', () => {
  test('the exporter sent TraceService/Export bodies, flagged as compressed only under gzip', () => {
    assert.equal(bodies.http.length, 2);
    for (const compression of ['none', 'gzip']) {
      assert.equal(bodies[compression].length, 2, compression);
      for (const b of bodies[compression]) {
        assert.equal(b.path, '/opentelemetry.proto.collector.trace.v1.TraceService/Export');
        assert.equal(b.body[0], compression === 'gzip' ? 1 : 0, compression);
        assert.equal(b.body.readUInt32BE(1), b.body.length - 5, compression);
      }
    }
    assert.equal(bodies.gzip[0].encoding, 'gzip');
    assert.deepEqual([...bodies.gzip[0].body.subarray(5, 7)], [0x1f, 0x8b]);
  });

  for (const compression of ['none', 'gzip']) {
    test(`compression ${compression}: the same events as over OTLP/HTTP, the form named`, async (t) => {
      const dir = tempDir(t);
      const plain = await prepare(t, writeAll(dir, 'http', bodies.http));
      assert.equal(plain.code, 0, plain.stderr);
      assert.equal(plain.events.trim().split('\n').length, 4);
      const grpcFiles = writeAll(dir, 'grpc', bodies[compression].map((b) => b.body));
      const p = await prepare(t, grpcFiles);
      assert.equal(p.code, 0, p.stderr);
      assert.equal(p.events, plain.events);
      const form = p.stats.inputs[0].form;
      assert.equal(form.framing, 'grpc');
      assert.equal(form.envelope, 'grpc-body');
      assert.equal(form.records, 1);
      assert.equal(form.recordCompression, compression === 'gzip' ? 'gzip' : undefined);
      const words = compression === 'gzip' ? 'gRPC request body (1 OTLP protobuf message, gzip)' : 'gRPC request body (1 OTLP protobuf message)';
      assert.ok(p.stderr.includes(`read: ${words} + ${words}, 4 spans`), p.stderr);

      // The same verdict as the OTLP/HTTP bodies: beta succeeded twice.
      const out = path.join(dir, 'out');
      const v = await run(['verify', ...grpcFiles.flatMap((f) => ['-i', f]), '-d', out], {}, dir);
      const vHttp = await run(['verify', ...writeAll(dir, 'h', bodies.http).flatMap((f) => ['-i', f]), '-d', path.join(dir, 'out-http')], {}, dir);
      assert.equal(v.code, vHttp.code, v.stdout + v.stderr);
      assert.notEqual(v.code, 0, v.stdout);
      const report = readJson(path.join(out, 'kvonce-validation.json'));
      assert.equal(report.input[0].framing, 'grpc');
      assert.equal(report.input[0].envelope, 'grpc-body');
      const reportHttp = readJson(path.join(dir, 'out-http', 'kvonce-validation.json'));
      assert.equal(report.valid, false);
      for (const field of ['valid', 'eventCount', 'keyCount', 'issueCount', 'issueCounts', 'issues']) {
        assert.deepEqual(report[field], reportHttp[field], field);
      }

      // Both bodies back to back, as a capture of one connection's messages: one body, two messages.
      const joined = path.join(dir, 'joined.bin');
      fs.writeFileSync(joined, Buffer.concat(bodies[compression].map((b) => b.body)));
      const j = await prepare(t, [joined]);
      assert.equal(j.code, 0, j.stderr);
      assert.equal(j.events, plain.events);
      assert.equal(j.stats.inputs[0].form.records, 2);
    });
  }
});
