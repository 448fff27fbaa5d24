// A load generator for `receive`: EXPORTERS exporters in one process, alternately OTLP/HTTP
// protobuf and OTLP/gRPC, export SPANS KvOnce spans in all (a first-time success on a key of its
// own each) concurrently, each through a batch processor flushed every CHUNK spans so that none
// is dropped from its queue and memory stays bounded. Prints {"spans":N,"checksum":HEX}: the
// sha256 of every span id sent, sorted, one per line.
//   node load.mjs HTTP_ENDPOINT GRPC_ENDPOINT EXPORTERS SPANS
import crypto from 'node:crypto';

import { SpanKind } from '@opentelemetry/api';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

const [httpEndpoint, grpcEndpoint, exportersText, spansText] = process.argv.slice(2);
const EXPORTERS = Number(exportersText);
const SPANS = Number(spansText);
const CHUNK = 2048;
const T0 = 1760000000;

// Span ids from the exporter's number and a counter: unique across exporters, known in advance.
export const spanIdOf = (exporter, n) => (exporter + 1).toString(16).padStart(4, '0') + n.toString(16).padStart(12, '0');
class Ids {
  constructor(exporter) {
    this.exporter = exporter;
    this.n = 0;
  }
  generateTraceId() {
    return crypto.randomBytes(16).toString('hex');
  }
  generateSpanId() {
    return spanIdOf(this.exporter, ++this.n);
  }
}

async function exportAll(exporter, count) {
  const grpc = exporter % 2 === 1;
  const processor = new BatchSpanProcessor(
    grpc ? new GrpcExporter({ url: grpcEndpoint }) : new ProtoExporter({ url: httpEndpoint }),
    { maxQueueSize: CHUNK, maxExportBatchSize: 512, scheduledDelayMillis: 20, exportTimeoutMillis: 30_000 },
  );
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': `load-${exporter}` }),
    idGenerator: new Ids(exporter),
    spanProcessors: [processor],
  });
  const tracer = provider.getTracer('kvonce-load', '1.0.0');
  const ids = [];
  for (let done = 0; done < count; ) {
    const n = Math.min(CHUNK, count - done);
    for (let i = 0; i < n; ++i, ++done) {
      const at = [T0 + Math.floor(done / 1000), (done % 1000) * 1_000_000];
      const span = tracer.startSpan('kvonce.put', {
        kind: SpanKind.CLIENT,
        startTime: at,
        attributes: {
          'kvonce.event.type': 'success',
          'kvonce.event.key': `k-${exporter}-${done}`,
          'kvonce.event.value': 'v',
          'kvonce.event.context.attempts': 1,
        },
      });
      ids.push(span.spanContext().spanId);
      span.end([at[0], at[1] + 500_000]);
    }
    await provider.forceFlush();
  }
  await provider.shutdown();
  return ids;
}

const perExporter = Array.from({ length: EXPORTERS }, (_, i) => Math.floor(SPANS / EXPORTERS) + (i < SPANS % EXPORTERS ? 1 : 0));
const ids = (await Promise.all(perExporter.map((count, i) => exportAll(i, count)))).flat();
ids.sort();
const checksum = crypto.createHash('sha256').update(ids.join('\n')).digest('hex');
process.stdout.write(JSON.stringify({ spans: ids.length, checksum }) + '\n');
