// The KvOnce spans the `receive` tests export: a conforming set and a violating one, with trace
// and span ids from a counter, so the program that exports them through the SDK and the test that
// writes them to a file for `verify` hold the very same spans.
import crypto from 'node:crypto';

export const SERVICE = 'kvonce-store';
const T0 = 1760000000; // 2025-10-09T08:53:20Z

const span = (at, ns, attrs, name = 'kvonce.put') => ({ name, start: [T0 + at, ns], end: [T0 + at, ns + 5_000_000], attrs });
const ctx = (attempts) => ({ 'kvonce.event.context.attempts': attempts });
const ev = (type, key, extra = {}) => ({ 'kvonce.event.type': type, 'kvonce.event.key': key, ...extra });

// alpha: a retry, then its success on attempt 2; beta: a success, then the store refusing a
// second write; and a span that is no KvOnce event.
const CLEAN = [
  span(0, 111_111_111, ev('retry', 'alpha', ctx(1))),
  span(1, 222_222_222, ev('success', 'alpha', { 'kvonce.event.value': 'v-alpha', ...ctx(2) })),
  span(2, 333_333_333, { 'http.request.method': 'GET', 'url.path': '/health' }, 'GET /health'),
  span(3, 444_444_444, ev('success', 'beta', { 'kvonce.event.value': 'v-beta', ...ctx(1) })),
  span(4, 555_555_555, ev('failure', 'beta', { 'kvonce.event.reason': 'duplicate' })),
];
// gamma's second retry carries attempts 3 instead of 2.
const VIOLATING = [
  ...CLEAN,
  span(6, 777_777_777, ev('retry', 'gamma', ctx(1))),
  span(7, 888_888_888, ev('retry', 'gamma', ctx(3))),
  span(8, 999_999_999, ev('success', 'gamma', { 'kvonce.event.value': 'v-gamma', ...ctx(3) })),
];
export const SETS = { clean: CLEAN, violating: VIOLATING, none: [CLEAN[2]] };

const counted = (what, n, hexDigits) => crypto.createHash('sha256').update(`${what} ${n}`).digest('hex').slice(0, hexDigits);
export class CountingIds {
  traces = 0;
  spans = 0;
  generateTraceId() {
    return counted('trace', ++this.traces, 32);
  }
  generateSpanId() {
    return counted('span', ++this.spans, 16);
  }
}

const nanos = ([s, ns]) => String(BigInt(s) * 1_000_000_000n + BigInt(ns));
const anyValue = (v) => (typeof v === 'number' ? { intValue: String(v) } : { stringValue: String(v) });

// The set as one OTLP/JSON document: every span a root span, as the SDK sends them.
export function otlpJson(set) {
  const spans = SETS[set].map((s, i) => ({
    traceId: counted('trace', i + 1, 32),
    spanId: counted('span', i + 1, 16),
    name: s.name,
    kind: 3,
    startTimeUnixNano: nanos(s.start),
    endTimeUnixNano: nanos(s.end),
    attributes: Object.entries(s.attrs).map(([key, value]) => ({ key, value: anyValue(value) })),
  }));
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: SERVICE } }] },
        scopeSpans: [{ scope: { name: 'kvonce-store-client', version: '1.0.0' }, spans }],
      },
    ],
  });
}
