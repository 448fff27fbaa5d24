// Output files under hostile conditions, with the real binary: device nodes and FIFOs written
// through (never replaced), standard output that cannot be written (exit 6), and interrupted
// runs that leave no temporary file behind.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { BIN, listFiles, requireBinary, run, tempDir } from './cloud_harness.mjs';
import { startHttpServer } from './servers/http_server.mjs';

const DATA = new URL('../data/', import.meta.url).pathname;
const PAYLOAD_FILE = path.join(DATA, 'kvonce-otlp.json');
const PAYLOAD = fs.readFileSync(PAYLOAD_FILE);

let server;

before(async () => {
  requireBinary();
  server = await startHttpServer({ payload: PAYLOAD, signature: 'unused' });
});

after(async () => {
  await server?.close();
});

// Runs the binary with its stdout on `fd` (a file descriptor this process opened).
function runWithStdout(args, fd) {
  return new Promise((resolve) => {
    const child = spawn(BIN, args, { stdio: ['ignore', fd, 'pipe'], env: { PATH: process.env.PATH } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

function assertDevicesIntact() {
  for (const dev of ['/dev/null', '/dev/full']) {
    assert.ok(fs.lstatSync(dev).isCharacterDevice(), `${dev} is no longer a character device`);
  }
}

describe('standard output that cannot be written', () => {
  for (const [name, args] of [
    ['verify', (dir) => ['verify', '-i', PAYLOAD_FILE, '-d', path.join(dir, 'out')]],
    ['batch', () => ['batch', PAYLOAD_FILE]],
    ['prepare -o -', () => ['prepare', '-i', PAYLOAD_FILE, '-o', '-']],
  ]) {
    test(`${name} > /dev/full: exit 6 with a message`, async (t) => {
      const dir = tempDir(t);
      const full = fs.openSync('/dev/full', 'w');
      const r = await runWithStdout(args(dir), full);
      fs.closeSync(full);
      assert.equal(r.code, 6, r.stderr);
      assert.match(r.stderr, /standard output|stdout/);
      assert.match(r.stderr, /No space left on device/);
      assertDevicesIntact();
    });
  }
});

describe('device nodes, FIFOs and links to them are written through', () => {
  test('prepare -o /dev/null --stats /dev/full: the devices stay devices, the full one is exit 6', async (t) => {
    const dir = tempDir(t);
    const ok = await run(['prepare', '-i', PAYLOAD_FILE, '-o', '/dev/null', '--stats', '/dev/null'], {}, dir);
    assert.equal(ok.code, 0, ok.stderr);
    const full = await run(['prepare', '-i', PAYLOAD_FILE, '-o', '/dev/null', '--stats', '/dev/full'], {}, dir);
    assert.equal(full.code, 6, full.stderr);
    assert.match(full.stderr, /\/dev\/full/);
    assertDevicesIntact();
  });

  test('prepare -o /proc/self/fd/1 and -o /dev/stdout into a shell pipe: the events reach it', async () => {
    for (const target of ['/proc/self/fd/1', '/dev/stdout']) {
      // A shell pipe is a FIFO (node's own stdio pipes are sockets, which cannot be reopened).
      const out = execFileSync('bash', ['-o', 'pipefail', '-c', '"$0" prepare -i "$1" -o "$2" 2>/dev/null | cat', BIN, PAYLOAD_FILE, target], {
        encoding: 'utf8',
      });
      assert.equal(out.trim().split('\n').length, 4, `${target}: ${out}`);
    }
    assertDevicesIntact();
  });

  test('prepare -o /dev/stdout >> FILE: appended to what the file held, as the shell asked', async (t) => {
    const dir = tempDir(t);
    const file = path.join(dir, 'log.ndjson');
    fs.writeFileSync(file, 'first line\n');
    execFileSync('bash', ['-c', '"$0" prepare -i "$1" -o /dev/stdout >> "$2"', BIN, PAYLOAD_FILE, file], { stdio: 'ignore' });
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    assert.equal(lines[0], 'first line');
    assert.equal(lines.length, 5);
    execFileSync('bash', ['-c', '"$0" prepare -i "$1" -o /dev/fd/1 > "$2"', BIN, PAYLOAD_FILE, file], { stdio: 'ignore' });
    assert.equal(fs.readFileSync(file, 'utf8').trim().split('\n').length, 4);
    assert.deepEqual(listFiles(dir), ['log.ndjson']);
  });

  test('prepare -o FIFO: a reader receives the events and the FIFO stays a FIFO', async (t) => {
    const dir = tempDir(t);
    const fifo = path.join(dir, 'events.fifo');
    execFileSync('mkfifo', [fifo]);
    const reader = new Promise((resolve) => {
      const cat = spawn('cat', [fifo]);
      let out = '';
      cat.stdout.on('data', (d) => (out += d));
      cat.on('close', () => resolve(out));
    });
    const r = await run(['prepare', '-i', PAYLOAD_FILE, '-o', fifo], {}, dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await reader).trim().split('\n').length, 4);
    assert.ok(fs.lstatSync(fifo).isFIFO());
    assert.deepEqual(listFiles(dir), ['events.fifo']);
  });

  test('--summary through a symbolic link: the linked file is replaced, the link kept', async (t) => {
    const dir = tempDir(t);
    fs.mkdirSync(path.join(dir, 'reports'));
    fs.writeFileSync(path.join(dir, 'reports/summary.md'), 'old');
    fs.symlinkSync('reports/summary.md', path.join(dir, 'latest.md'));
    const r = await run(['batch', PAYLOAD_FILE, '--summary', path.join(dir, 'latest.md')], {}, dir);
    assert.ok([0, 1].includes(r.code), r.stderr);
    assert.ok(fs.lstatSync(path.join(dir, 'latest.md')).isSymbolicLink());
    assert.match(fs.readFileSync(path.join(dir, 'reports/summary.md'), 'utf8'), /^## kvonce-trace batch/);
  });
});

// Starts `fetch` of a download that stalls half-way, waits until its temporary file exists.
async function stalledFetch(dir) {
  const target = path.join(dir, 'payload.json');
  const child = spawn(BIN, ['fetch', '--url', server.url('/stall'), '--target', target, '--retries', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH, HOME: dir },
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })));
  const deadline = Date.now() + 20_000;
  while (!listFiles(dir).some((f) => f.includes('.tmp-'))) {
    assert.ok(Date.now() < deadline, `no temporary file appeared: ${listFiles(dir)} ${stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return { child, exited, target };
}

describe('interrupted runs leave no temporary file', () => {
  for (const [signal, code] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ]) {
    test(`${signal} during a download: exit ${code}, the temporary file removed`, async (t) => {
      const dir = tempDir(t);
      const { child, exited } = await stalledFetch(dir);
      child.kill(signal);
      const r = await exited;
      assert.equal(r.code, code, `${r.signal} ${r.stderr}`);
      assert.deepEqual(listFiles(dir), []);
    });
  }

  test('a killed run leaves a temporary file; the next run to that target removes it, no other', async (t) => {
    const dir = tempDir(t);
    const { child, exited } = await stalledFetch(dir);
    child.kill('SIGKILL'); // no handler runs
    await exited;
    // The payload's temporary, and the metadata's when fetch had opened it already.
    const stale = listFiles(dir).filter((f) => f.includes('.tmp-'));
    assert.ok(stale.length >= 1 && stale.length <= 2, String(stale));
    fs.writeFileSync(path.join(dir, '.other.json.tmp-1-1'), 'another target');
    const r = await run(['fetch', '--url', server.url('/payload.json'), '--target', path.join(dir, 'payload.json')], {}, dir);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(listFiles(dir), ['.other.json.tmp-1-1', 'kvonce-payload-metadata.json', 'payload.json']);
  });
});
