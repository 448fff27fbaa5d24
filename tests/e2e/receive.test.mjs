// `kvonce-trace receive`: the OpenTelemetry JavaScript SDK's OTLP exporters (http/protobuf,
// http/json and grpc, each chosen by the protocol variable as an application does) export KvOnce
// spans to `receive -- node program.mjs`; the verdict and exit code equal `verify` of the same
// spans written to a file. Then the exit code table (the command's status with the verdict), and
// `receive --output` ended by SIGINT, by --idle, and aborted by a second signal.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { BIN, listFiles, readJson, requireBinary, run, tempDir } from './cloud_harness.mjs';
import { otlpJson } from './receive/scenarios.mjs';

const PROGRAM = fileURLToPath(new URL('./receive/program.mjs', import.meta.url));
const NODE = process.execPath;
const LISTEN = ['--listen', '0', '--grpc-listen', '0'];

requireBinary();

function receive(dir, args, env = {}) {
  return run(['receive', ...LISTEN, '--trace-dir', path.join(dir, 'trace'), ...args], env, dir, { cwd: dir });
}

// What a verdict is made of: the exit code and each issue as validation files record it.
function verdictOf(validationFile) {
  const v = readJson(validationFile);
  return { valid: v.valid, eventCount: v.eventCount, issues: v.issues.map((i) => [i.key, i.type, i.message, i.traceId, i.timestamp]) };
}

async function verifyFile(t, set) {
  const dir = tempDir(t);
  const file = path.join(dir, `${set}.json`);
  fs.writeFileSync(file, otlpJson(set));
  const r = await run(['verify', file, '-d', path.join(dir, 'out')], {}, dir);
  return { code: r.code, verdict: verdictOf(path.join(dir, 'out', 'kvonce-validation.json')) };
}

describe('receive -- node program.mjs: the verdict of verify on the same spans', () => {
  for (const protocol of ['http/protobuf', 'http/json', 'grpc']) {
    for (const set of ['clean', 'violating']) {
      test(`${protocol}, ${set}`, async (t) => {
        const dir = tempDir(t);
        const r = await receive(dir, ['--', NODE, PROGRAM], { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: protocol, KVONCE_SET: set, KVONCE_COMPRESSION: protocol === 'http/json' ? 'none' : 'gzip' });
        const expected = await verifyFile(t, set);
        assert.equal(r.code, expected.code, r.stdout + r.stderr);
        assert.equal(expected.code, set === 'clean' ? 0 : 1);
        const trace = path.join(dir, 'trace');
        assert.deepEqual(verdictOf(path.join(trace, 'otlp', 'kvonce-validation.json')), expected.verdict);
        assert.deepEqual(verdictOf(path.join(trace, 'ndjson', 'kvonce-validation.json')).issues, expected.verdict.issues);
        const port = protocol === 'grpc' ? /OTLP\/gRPC http:\/\/127\.0\.0\.1:(\d+)/ : /OTLP\/HTTP http:\/\/127\.0\.0\.1:(\d+)\/v1\/traces/;
        assert.match(r.stderr, port);
        assert.match(r.stdout, /receive: \d+ spans in \d+ requests -> /);
        const metadata = readJson(path.join(trace, 'kvonce-payload-metadata.json'));
        assert.equal(metadata.sourceType, 'receive');
        const schema = readJson(fileURLToPath(new URL('../../schemas/kvonce-payload-metadata.schema.json', import.meta.url)));
        assert.ok(schema.properties.sourceType.enum.includes(metadata.sourceType));
        assert.match(metadata.sourceDetail, /^OTLP\/HTTP http:\/\/127\.0\.0\.1:\d+\/v1\/traces, OTLP\/gRPC http:\/\/127\.0\.0\.1:\d+$/);
        // The capture kept is read later as any Collector file.
        const kept = path.join(trace, 'payload', 'kvonce-otlp-received.binpb');
        // Hashed as it was written, not read again: the digest and size are the file's own.
        const keptBytes = fs.readFileSync(kept);
        assert.equal(metadata.sha256, crypto.createHash('sha256').update(keptBytes).digest('hex'));
        assert.equal(metadata.sizeBytes, keptBytes.length);
        const again = await run(['verify', kept, '-d', path.join(dir, 'again')], {}, dir);
        assert.equal(again.code, expected.code, again.stdout + again.stderr);
        assert.match(again.stdout, /read: .*length-prefixed/);
        assert.deepEqual(verdictOf(path.join(dir, 'again', 'kvonce-validation.json')), expected.verdict);
      });
    }
  }
});

describe('receive --token-env: the command is given the token, and its exports get in', () => {
  for (const protocol of ['http/protobuf', 'grpc']) {
    test(protocol, async (t) => {
      const dir = tempDir(t);
      const env = { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: protocol, KVONCE_SET: 'violating', KVONCE_TOKEN: 'a token, with=signs' };
      const r = await receive(dir, ['--token-env', 'KVONCE_TOKEN', '--', NODE, PROGRAM], env);
      assert.equal(r.code, 1, r.stdout + r.stderr); // every span arrived: the violation is seen
      assert.match(r.stdout, /receive: 8 spans in \d+ requests -> /);
      assert.ok(!r.stdout.includes('a token') && !r.stderr.includes('a token'));
    });
  }
});

describe('receive: the exit code of the command and of the verdict together', () => {
  test('the command fails and the trace conforms: 11, with its status', async (t) => {
    const dir = tempDir(t);
    const r = await receive(dir, ['--', NODE, PROGRAM], { KVONCE_SET: 'clean', KVONCE_EXIT: '3' });
    assert.equal(r.code, 11, r.stdout + r.stderr);
    assert.match(r.stderr, /the command failed: exit status 3/);
    assert.match(r.stdout, /verify: VALID/);
  });

  test('the command fails and the trace violates: 1', async (t) => {
    const dir = tempDir(t);
    const r = await receive(dir, ['--', NODE, PROGRAM], { KVONCE_SET: 'violating', KVONCE_EXIT: '3' });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /the command failed: exit status 3/);
  });

  test('the command succeeds and sends no KvOnce span: 2', async (t) => {
    const dir = tempDir(t);
    const r = await receive(dir, ['--', NODE, PROGRAM], { KVONCE_SET: 'none' });
    assert.equal(r.code, 2, r.stdout + r.stderr);
  });

  test('a capture that reached a limit is kept, not judged, and exits 5 as verify does', async (t) => {
    const dir = tempDir(t);
    const r = await receive(dir, ['--max-received-bytes', '200', '--', NODE, PROGRAM], { KVONCE_SET: 'clean' });
    assert.equal(r.code, 5, r.stdout + r.stderr);
    assert.match(r.stderr, /spans? w(as|ere) refused after it; the capture in .*kvonce-otlp-received\.binpb is incomplete and was not judged \(the command ended with exit status 0\)/);
    assert.ok(fs.existsSync(path.join(dir, 'trace', 'payload', 'kvonce-otlp-received.binpb')));
    assert.ok(!fs.existsSync(path.join(dir, 'trace', 'otlp', 'kvonce-validation.json')));
  });

  test('a command killed by a signal failed', async (t) => {
    const dir = tempDir(t);
    const r = await receive(dir, ['--', 'sh', '-c', 'kill -KILL $$']);
    assert.equal(r.code, 11, r.stdout + r.stderr);
    assert.match(r.stderr, /the command failed: killed by signal 9 \(SIGKILL\)/);
  });

  test('SIGTERM to receive is sent on to the command, which ends as it chooses; then the verdict', async (t) => {
    const dir = tempDir(t);
    const child = spawn(BIN, ['receive', ...LISTEN, '--trace-dir', path.join(dir, 'trace'), '--', 'sh', '-c',
      'trap "exit 7" TERM; echo ready $$; while :; do sleep 0.1; done'], { cwd: dir, env: { HOME: dir, PATH: process.env.PATH } });
    let stdout = '', stderr = '';
    // Should the signal not reach it, the command must not outlive the test (it holds the pipes).
    t.after(() => {
      const pid = Number(/ready (\d+)/.exec(stdout)?.[1]);
      if (pid) try { process.kill(-pid, 'SIGKILL'); } catch {}
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise((resolve) => child.stdout.on('data', (chunk) => ((stdout += chunk), stdout.includes('ready') && resolve())));
    child.kill('SIGTERM');
    assert.equal(await exited, 11, stdout + stderr); // the command failed, and sent nothing that violates
    assert.match(stderr, /the command failed: exit status 7/);
  });

  test('a command not found is 127, one not executable 126, and nothing is judged', async (t) => {
    const dir = tempDir(t);
    const missing = await receive(dir, ['--', 'kvonce-no-such-command']);
    assert.equal(missing.code, 127, missing.stderr);
    assert.match(missing.stderr, /kvonce-no-such-command: command not found/);
    const script = path.join(dir, 'tests.sh');
    fs.writeFileSync(script, '#!/bin/sh\nexit 0\n', { mode: 0o644 });
    const denied = await receive(dir, ['--', script]);
    assert.equal(denied.code, 126, denied.stderr);
    assert.deepEqual(listFiles(path.join(dir, 'trace')), []);
  });

  test('a traces endpoint already set is replaced, and stderr says so; the generic one is kept', async (t) => {
    const dir = tempDir(t);
    const probe = path.join(dir, 'env.json');
    const r = await receive(dir, ['--', NODE, '-e', `require('fs').writeFileSync(${JSON.stringify(probe)}, JSON.stringify(process.env))`], {
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector.invalid:4318/v1/traces',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector.invalid:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
    });
    assert.equal(r.code, 2, r.stdout + r.stderr); // nothing was sent, and the command succeeded
    assert.match(r.stderr, /OTEL_EXPORTER_OTLP_TRACES_ENDPOINT was http:\/\/collector\.invalid:4318\/v1\/traces; the command exports its traces to http:\/\/127\.0\.0\.1:\d+ instead/);
    const env = readJson(probe);
    assert.match(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(env.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://collector.invalid:4318');
    assert.equal(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS, undefined);
  });
});

// Starts `receive --output FILE ...` and resolves once it listens, with its HTTP endpoint.
function startCapture(dir, file, args) {
  const child = spawn(BIN, ['receive', '--output', file, '--listen', '0', '--grpc-listen', 'none', ...args], {
    cwd: dir,
    env: { HOME: dir, PATH: process.env.PATH },
  });
  let stderr = '';
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr })));
  const waiting = [];
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
    for (const w of waiting) if (w.pattern.test(stderr)) w.resolve(stderr);
  });
  // Resolves once stderr says `pattern`.
  const said = (pattern) => new Promise((resolve) => (pattern.test(stderr) ? resolve(stderr) : waiting.push({ pattern, resolve })));
  const listening = said(/OTLP\/HTTP http:\/\/127\.0\.0\.1:\d+\/v1\/traces/).then(
    (text) => /OTLP\/HTTP (http:\/\/127\.0\.0\.1:\d+\/v1\/traces)/.exec(text)[1]);
  return { child, listening, exited, said };
}

async function exportTo(endpoint, set) {
  return new Promise((resolve, reject) => {
    const p = spawn(NODE, [PROGRAM], {
      env: { PATH: process.env.PATH, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: endpoint, KVONCE_SET: set },
      stdio: 'inherit',
    });
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`program exited ${code}`))));
  });
}

describe('receive --output FILE: a capture without a command', () => {
  test('the first SIGINT ends it normally: the file is written, exit 0', async (t) => {
    const dir = tempDir(t);
    const file = path.join(dir, 'capture.binpb');
    const c = startCapture(dir, file, []);
    await exportTo(await c.listening, 'violating');
    c.child.kill('SIGINT');
    const end = await c.exited;
    assert.equal(end.code, 0, end.stderr);
    assert.match(end.stderr, /receive: 8 spans in \d+ requests written to .*capture\.binpb \(ended by SIGINT\)/);
    const v = await run(['verify', file], {}, dir);
    assert.equal(v.code, 1, v.stdout + v.stderr);
    assert.equal(v.code, (await verifyFile(t, 'violating')).code);
  });

  test('--idle ends it once no export came for that long', async (t) => {
    const dir = tempDir(t);
    const file = path.join(dir, 'capture.binpb');
    // Long enough for node to start and export on a busy machine: the idle time counts from the
    // listeners' start.
    const c = startCapture(dir, file, ['--idle', '3s']);
    await exportTo(await c.listening, 'clean');
    const end = await c.exited;
    assert.equal(end.code, 0, end.stderr);
    assert.match(end.stderr, /ended by --idle/);
    const v = await run(['verify', file], {}, dir);
    assert.equal(v.code, 0, v.stdout + v.stderr);
  });

  test('--max-spans ends it once that many spans arrived', async (t) => {
    const dir = tempDir(t);
    const file = path.join(dir, 'capture.binpb');
    const c = startCapture(dir, file, ['--max-spans', '3']);
    await exportTo(await c.listening, 'clean');
    const end = await c.exited;
    assert.equal(end.code, 0, end.stderr);
    const m = /receive: (\d+) spans in \d+ requests? written to .* \(ended by --max-spans reached\)/.exec(end.stderr);
    assert.ok(m && Number(m[1]) >= 3, end.stderr);
    assert.ok(fs.existsSync(file));
  });

  test('a second signal aborts: 143, no file and no temporary left', async (t) => {
    const dir = tempDir(t);
    const file = path.join(dir, 'capture.binpb');
    const c = startCapture(dir, file, ['--drain', '20s']);
    const endpoint = new URL(await c.listening);
    await exportTo(endpoint.href, 'clean');
    // A request in flight (its body not all sent) keeps the first signal's end waiting for it.
    const socket = net.connect(Number(endpoint.port), endpoint.hostname);
    await new Promise((resolve) => socket.on('connect', resolve));
    socket.write('POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: 100\r\n\r\nab');
    socket.on('error', () => {});
    await new Promise((resolve) => setTimeout(resolve, 1000));
    c.child.kill('SIGTERM');
    await c.said(/a second signal aborts/);
    c.child.kill('SIGTERM');
    const end = await c.exited;
    socket.destroy();
    assert.equal(end.code, 143, end.stderr);
    assert.deepEqual(listFiles(dir).filter((f) => f.includes('capture')), []);
  });
});
