// A test program as `receive` runs it: exports the KvOnce spans of $KVONCE_SET through the
// OpenTelemetry SDK to the endpoint its environment names, shuts its tracer provider down (so
// the last batch is sent), then exits with $KVONCE_EXIT. The exporter is the one the protocol
// variables ask for, as an application picks it: grpc, http/json or http/protobuf.
import { SpanKind } from '@opentelemetry/api';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

import { CountingIds, SERVICE, SETS } from './scenarios.mjs';

const protocol = process.env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || process.env.OTEL_EXPORTER_OTLP_PROTOCOL || 'http/protobuf';
const Exporter = { grpc: GrpcExporter, 'http/json': JsonExporter, 'http/protobuf': ProtoExporter }[protocol];
// No url: each exporter reads OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, as it does in an application.
const exporter = new Exporter({ compression: process.env.KVONCE_COMPRESSION || 'none' });
const provider = new BasicTracerProvider({
  resource: resourceFromAttributes({ 'service.name': SERVICE }),
  idGenerator: new CountingIds(),
  spanProcessors: [new BatchSpanProcessor(exporter, { maxExportBatchSize: 3, scheduledDelayMillis: 50 })],
});
const tracer = provider.getTracer('kvonce-store-client', '1.0.0');
for (const s of SETS[process.env.KVONCE_SET || 'clean']) {
  tracer.startSpan(s.name, { kind: SpanKind.CLIENT, attributes: s.attrs, startTime: s.start }).end(s.end);
}
await provider.shutdown();
process.exit(Number(process.env.KVONCE_EXIT || 0));
