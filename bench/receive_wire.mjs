// A wire-level sender for `receive`: measures the receiver rather than an SDK. Reads one OTLP
// protobuf TracesData file (kvonce-gen --encoding proto), splits it at its top-level
// resource_spans entries (each, as its own tag, length and bytes, is a valid
// ExportTraceServiceRequest), encodes every request before the clock starts, then sends them over
// EXPORTERS concurrent connections: alternately OTLP/HTTP/1.1 keep-alive (POST, protobuf) and
// OTLP/gRPC (one HTTP/2 session each). Each connection sends its share one request after another,
// as an exporter sends one batch at a time, and checks every answer: HTTP 200, gRPC status 0;
// 429, 503 and UNAVAILABLE are retried after a short wait, anything else is fatal. Prints
// {"spans":N,"requests":R,"seconds":S} (S: the sending alone, from the first request to the last
// answer).
//   node receive_wire.mjs [--gzip] HTTP_ENDPOINT GRPC_ENDPOINT EXPORTERS PAYLOAD_FILE
//   --gzip  compress every request beforehand (Content-Encoding: gzip, grpc-encoding: gzip)
// Only node: builtins.
import fs from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import zlib from 'node:zlib';

const GRPC_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const GRPC_UNAVAILABLE = 14;
const MAX_RETRIES = 100;

function fail(message) {
  process.stderr.write(`receive_wire: ${message}\n`);
  process.exit(1);
}

const args = process.argv.slice(2);
const gzip = args[0] === '--gzip';
if (gzip) args.shift();
if (args.length !== 4) fail('usage: node receive_wire.mjs [--gzip] HTTP_ENDPOINT GRPC_ENDPOINT EXPORTERS PAYLOAD_FILE');
const [httpEndpoint, grpcEndpoint, exportersText, payloadFile] = args;
const EXPORTERS = Number(exportersText);
if (!Number.isInteger(EXPORTERS) || EXPORTERS < 1) fail(`EXPORTERS must be a positive integer, not ${exportersText}`);

// --- Protobuf, just enough to split and count -------------------------------------------------

// Reads a varint at `at` within [at, end); returns [value, next]. Values beyond 2^53 are refused
// (no length or tag of a sane payload comes near).
function varint(buf, at, end, what) {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; ++i) {
    if (at >= end) fail(`${payloadFile}: truncated varint (${what}) at byte ${at}`);
    const b = buf[at++];
    value += (b & 0x7f) * scale;
    if (value > Number.MAX_SAFE_INTEGER) fail(`${payloadFile}: varint too large (${what}) at byte ${at}`);
    if (b < 0x80) return [value, at];
    scale *= 128;
  }
  fail(`${payloadFile}: varint longer than 10 bytes (${what}) at byte ${at}`);
}

// Calls visit(field, start, end) for every length-delimited field of the message in [at, end),
// skips the others, and fails on anything malformed.
function fields(buf, at, end, what, visit) {
  while (at < end) {
    const tagAt = at;
    let tag;
    [tag, at] = varint(buf, at, end, `${what} tag`);
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (field === 0) fail(`${payloadFile}: field number 0 in ${what} at byte ${tagAt}`);
    if (wire === 0) {
      [, at] = varint(buf, at, end, `${what} field ${field}`);
    } else if (wire === 1 || wire === 5) {
      at += wire === 1 ? 8 : 4;
      if (at > end) fail(`${payloadFile}: truncated fixed field ${field} in ${what} at byte ${tagAt}`);
    } else if (wire === 2) {
      let length;
      [length, at] = varint(buf, at, end, `${what} field ${field} length`);
      if (length > end - at) fail(`${payloadFile}: field ${field} of ${what} at byte ${tagAt} runs ${length - (end - at)} bytes past its end`);
      visit(field, tagAt, at, at + length);
      at += length;
    } else {
      fail(`${payloadFile}: unexpected wire type ${wire} (field ${field}) in ${what} at byte ${tagAt}`);
    }
  }
}

// ResourceSpans { 2: repeated ScopeSpans { 2: repeated Span } }
function countSpans(buf, start, end) {
  let spans = 0;
  fields(buf, start, end, 'ResourceSpans', (field, _tagAt, s, e) => {
    if (field !== 2) return;
    fields(buf, s, e, 'ScopeSpans', (f) => {
      if (f === 2) ++spans;
    });
  });
  return spans;
}

const payload = fs.readFileSync(payloadFile);
const messages = [];
let spans = 0;
{
  let at = 0;
  while (at < payload.length) {
    const tagAt = at;
    let tag;
    [tag, at] = varint(payload, at, payload.length, 'TracesData tag');
    if (tag !== 0x0a) fail(`${payloadFile}: expected resource_spans (field 1, length-delimited; tag 0x0a) at byte ${tagAt}, found tag 0x${tag.toString(16)}`);
    let length;
    [length, at] = varint(payload, at, payload.length, 'resource_spans length');
    if (length > payload.length - at) fail(`${payloadFile}: resource_spans at byte ${tagAt} runs ${length - (payload.length - at)} bytes past the end of the file`);
    const n = countSpans(payload, at, at + length);
    if (n > 0) {
      messages.push(payload.subarray(tagAt, at + length));
      spans += n;
    }
    at += length;
  }
}
if (messages.length === 0) fail(`${payloadFile}: no span in the payload`);

// --- Requests, encoded before the clock starts ------------------------------------------------

const grpcFrame = (message) => {
  const frame = Buffer.allocUnsafe(5 + message.length);
  frame[0] = gzip ? 1 : 0;
  frame.writeUInt32BE(message.length, 1);
  message.copy(frame, 5);
  return frame;
};

// Connection c sends requests c, c + EXPORTERS, c + 2 * EXPORTERS, ...; even connections are
// OTLP/HTTP, odd ones OTLP/gRPC.
const connections = Array.from({ length: Math.min(EXPORTERS, messages.length) }, (_, c) => ({ grpc: c % 2 === 1, bodies: [] }));
messages.forEach((message, i) => {
  const connection = connections[i % connections.length];
  const body = gzip ? zlib.gzipSync(message) : message;
  connection.bodies.push(connection.grpc ? grpcFrame(body) : body);
});

// --- Sending ----------------------------------------------------------------------------------

let retries = 0;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const backoff = (attempt) => Math.min(1000, 25 * 2 ** attempt);

async function withRetries(what, once) {
  for (let attempt = 0; ; ++attempt) {
    const { ok, retry, detail } = await once();
    if (ok) return;
    if (!retry) fail(`${what}: ${detail}`);
    if (attempt >= MAX_RETRIES) fail(`${what}: still ${detail} after ${MAX_RETRIES} retries`);
    ++retries;
    await sleep(backoff(attempt));
  }
}

async function sendHttp(connection, index) {
  const url = new URL(httpEndpoint);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const headers = { 'content-type': 'application/x-protobuf' };
  if (gzip) headers['content-encoding'] = 'gzip';
  for (const [n, body] of connection.bodies.entries()) {
    await withRetries(`OTLP/HTTP connection ${index}, request ${n + 1}`, () =>
      new Promise((resolve) => {
        const request = http.request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': body.length } }, (response) => {
          const chunks = [];
          let kept = 0;
          response.on('data', (chunk) => {
            if (kept < 512) {
              chunks.push(chunk);
              kept += chunk.length;
            }
          });
          response.on('end', () => {
            const status = response.statusCode;
            const text = Buffer.concat(chunks).toString('utf8').slice(0, 512).replace(/[^\x20-\x7e]/g, '.');
            resolve({ ok: status === 200, retry: status === 429 || status === 503, detail: `HTTP ${status}${text ? ` (${text})` : ''}` });
          });
          response.on('error', (error) => fail(`OTLP/HTTP connection ${index}: ${error.message}`));
        });
        request.on('error', (error) => fail(`OTLP/HTTP connection ${index} to ${httpEndpoint}: ${error.message}`));
        request.end(body);
      }),
    );
  }
  agent.destroy();
}

async function sendGrpc(connection, index) {
  const session = http2.connect(grpcEndpoint);
  session.on('error', (error) => fail(`OTLP/gRPC connection ${index} to ${grpcEndpoint}: ${error.message}`));
  const headers = { ':method': 'POST', ':path': GRPC_PATH, 'content-type': 'application/grpc', te: 'trailers' };
  if (gzip) headers['grpc-encoding'] = 'gzip';
  for (const [n, frame] of connection.bodies.entries()) {
    await withRetries(`OTLP/gRPC connection ${index}, request ${n + 1}`, () =>
      new Promise((resolve) => {
        const stream = session.request(headers);
        let httpStatus;
        let grpcStatus;
        let grpcMessage = '';
        const take = (fields) => {
          if (fields['grpc-status'] !== undefined) {
            grpcStatus = Number(fields['grpc-status']);
            grpcMessage = decodeURIComponent(String(fields['grpc-message'] ?? ''));
          }
        };
        stream.on('response', (fields) => {
          httpStatus = fields[':status'];
          take(fields);
        });
        stream.on('trailers', take);
        stream.on('data', () => {});
        stream.on('error', (error) => fail(`OTLP/gRPC connection ${index}: ${error.message}`));
        stream.on('close', () => {
          if (httpStatus !== 200) resolve({ ok: false, retry: httpStatus === 429 || httpStatus === 503, detail: `HTTP ${httpStatus} on the gRPC stream` });
          else if (grpcStatus === undefined) resolve({ ok: false, retry: false, detail: `no grpc-status (stream closed with code ${stream.rstCode})` });
          else resolve({ ok: grpcStatus === 0, retry: grpcStatus === GRPC_UNAVAILABLE, detail: `grpc-status ${grpcStatus}${grpcMessage ? ` (${grpcMessage})` : ''}` });
        });
        stream.end(frame);
      }),
    );
  }
  await new Promise((resolve) => session.close(resolve));
}

const t0 = process.hrtime.bigint();
await Promise.all(connections.map((connection, c) => (connection.grpc ? sendGrpc(connection, c) : sendHttp(connection, c))));
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
if (retries > 0) process.stderr.write(`receive_wire: ${retries} requests retried\n`);
process.stdout.write(JSON.stringify({ spans, requests: messages.length, seconds: Math.round(seconds * 1000) / 1000 }) + '\n');
