// `receive` under load: 50,000 KvOnce spans from 8 concurrent exporters of the OpenTelemetry
// JavaScript SDK, half OTLP/HTTP protobuf and half OTLP/gRPC, arrive exactly once: the capture's
// span count, and the checksum of the span ids of the events prepared from it, equal what the
// exporters sent. Bounded in time: the whole test well under 30 seconds.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { BIN, requireBinary, run, tempDir } from './cloud_harness.mjs';

const LOAD = fileURLToPath(new URL('./receive/load.mjs', import.meta.url));
const SPANS = 50_000;
const EXPORTERS = 8;

requireBinary();

test(`${SPANS} spans from ${EXPORTERS} exporters over both protocols arrive exactly once`, { timeout: 30_000 }, async (t) => {
  const dir = tempDir(t);
  const capture = path.join(dir, 'capture.binpb');
  const started = Date.now();
  const receiver = spawn(BIN, ['receive', '--output', capture, '--listen', '0', '--grpc-listen', '0', '--idle', '5s'], {
    cwd: dir,
    env: { HOME: dir, PATH: process.env.PATH },
  });
  let stderr = '';
  const exited = new Promise((resolve) => receiver.on('exit', (code) => resolve(code)));
  const endpoints = await new Promise((resolve, reject) => {
    receiver.stderr.on('data', (chunk) => {
      stderr += chunk;
      const m = /OTLP\/HTTP (\S+), OTLP\/gRPC (\S+)/.exec(stderr);
      if (m) resolve({ http: m[1], grpc: m[2] });
    });
    receiver.on('exit', () => reject(new Error(stderr)));
  });
  const sent = await new Promise((resolve, reject) =>
    execFile(process.execPath, [LOAD, endpoints.http, endpoints.grpc, String(EXPORTERS), String(SPANS)], { maxBuffer: 1 << 20 }, (error, stdout, err) =>
      error ? reject(new Error(err)) : resolve(JSON.parse(stdout)),
    ),
  );
  assert.equal(sent.spans, SPANS);
  assert.equal(await exited, 0, stderr);
  // Every span once: the receiver's count (a span sent twice would count twice) ...
  assert.match(stderr, new RegExp(`receive: ${SPANS} spans in \\d+ requests written to`));
  // ... and the very ids sent, each one event.
  const events = path.join(dir, 'events.ndjson');
  const p = await run(['prepare', '-i', capture, '-o', events], {}, dir);
  assert.equal(p.code, 0, p.stderr);
  const ids = fs.readFileSync(events, 'utf8').trim().split('\n').map((line) => JSON.parse(line).spanId);
  assert.equal(ids.length, SPANS);
  ids.sort();
  assert.equal(crypto.createHash('sha256').update(ids.join('\n')).digest('hex'), sent.checksum);
  t.diagnostic(`${SPANS} spans received and prepared in ${Date.now() - started} ms`);
});
