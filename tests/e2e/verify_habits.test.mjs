// `kvonce-trace verify` as a command-line tool: positional payloads, standard input (plain and
// gzip), no files without -d, --json, --quiet, and colour on a real pseudo-terminal (script(1)
// from util-linux), off when not a terminal or with NO_COLOR, forced with --color=always.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import zlib from 'node:zlib';

import { BIN, listFiles, requireBinary, tempDir } from './cloud_harness.mjs';

const REFERENCE = new URL('../data/kvonce-otlp.json', import.meta.url).pathname;
const ESC = '\u001b';

before(() => requireBinary());

// Runs `file args` in `cwd` with exactly `env` (plus PATH), `stdin` written to its input.
function exec(file, args, { cwd, env = {}, stdin = '' } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd, env: { PATH: process.env.PATH || '/usr/bin:/bin', ...env } });
    const out = [];
    const err = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
    child.stdin.on('error', () => {}); // a usage error may exit before reading
    child.stdin.end(stdin);
  });
}

const verify = (args, options) => exec(BIN, ['verify', ...args], options);

// The same command on a pseudo-terminal: what it printed there (stdout and stderr together).
function onTerminal(args, env = {}) {
  const quote = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
  const command = [BIN, 'verify', ...args].map(quote).join(' ');
  return exec('script', ['-qec', command, '/dev/null'], { env: { TERM: 'xterm', ...env } });
}

// What legitimately differs between two runs on one payload: the time, the files written.
function comparable(text) {
  const doc = JSON.parse(text);
  delete doc.generatedAt;
  delete doc.outputSet;
  return doc;
}

describe('verify inputs', () => {
  test('a positional payload without -d: the verdict on stdout, no file anywhere', async (t) => {
    const cwd = tempDir(t);
    const r = await verify([REFERENCE], { cwd });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^verify: INVALID/);
    assert.match(r.stdout, /\[duplicate-before-success\] beta/);
    assert.doesNotMatch(r.stdout, /outputs:/);
    assert.equal(r.stderr, '');
    assert.deepEqual(listFiles(cwd), []);
  });

  test('- reads standard input, plain or gzip, as the file would be read', async (t) => {
    const cwd = tempDir(t);
    const payload = fs.readFileSync(REFERENCE);
    const fromFile = await verify([REFERENCE, '--json'], { cwd });
    assert.equal(fromFile.code, 1);
    for (const [name, bytes] of [['plain', payload], ['gzip', zlib.gzipSync(payload)]]) {
      for (const args of [['-', '--json'], ['-i', '-', '--json']]) {
        const r = await verify(args, { cwd, stdin: bytes });
        assert.equal(r.code, 1, `${name} ${args}: ${r.stderr}`);
        const doc = comparable(r.stdout);
        const expected = comparable(fromFile.stdout);
        assert.equal(doc.input[0].compression, name === 'gzip' ? 'gzip' : 'none');
        delete doc.input;
        delete expected.input;
        assert.deepEqual(doc, expected, `${name} ${args}`);
      }
    }
    assert.deepEqual(listFiles(cwd), []);
  });

  test('standard input named twice is a usage error', async (t) => {
    const cwd = tempDir(t);
    const r = await verify(['-', '-i', '-'], { cwd, stdin: fs.readFileSync(REFERENCE) });
    assert.equal(r.code, 3);
    assert.match(r.stderr, /standard input \(-\)/);
    assert.equal(r.stdout, '');
  });
});

describe('verify --json and --quiet', () => {
  test('--json is the document -d writes, alone on stdout', async (t) => {
    const cwd = tempDir(t);
    const withDir = await verify([REFERENCE, '-d', 'out'], { cwd });
    assert.equal(withDir.code, 1);
    const file = fs.readFileSync(path.join(cwd, 'out', 'kvonce-validation.json'), 'utf8');
    const alone = await verify([REFERENCE, '--json'], { cwd });
    assert.equal(alone.code, 1);
    assert.deepEqual(comparable(alone.stdout), comparable(file));
    assert.match(alone.stderr, /^verify: INVALID/);
    const both = await verify([REFERENCE, '--json', '-d', 'again'], { cwd });
    assert.equal(both.stdout, fs.readFileSync(path.join(cwd, 'again', 'kvonce-validation.json'), 'utf8'));
  });

  test('--quiet: nothing on success or violation, the error on bad input', async (t) => {
    const cwd = tempDir(t);
    const pass = await verify([REFERENCE, '--profile', 'compat', '--quiet'], { cwd });
    assert.deepEqual([pass.code, pass.stdout, pass.stderr], [0, '', '']);
    const fail = await verify([REFERENCE, '--quiet'], { cwd });
    assert.deepEqual([fail.code, fail.stdout, fail.stderr], [1, '', '']);
    const bad = await verify(['-', '--quiet'], { cwd, stdin: '{"resourceSpans":[' });
    assert.equal(bad.code, 4);
    assert.equal(bad.stdout, '');
    assert.match(bad.stderr, /^kvonce-trace: input error: <stdin>/);
    const json = await verify([REFERENCE, '--quiet', '--json'], { cwd });
    assert.equal(json.code, 1);
    assert.equal(JSON.parse(json.stdout).valid, false);
    assert.equal(json.stderr, '');
    assert.deepEqual(listFiles(cwd), []);
  });
});

describe('verify colour', () => {
  test('none when stdout is not a terminal; forced by --color=always, even with NO_COLOR', async (t) => {
    const cwd = tempDir(t);
    const plain = await verify([REFERENCE], { cwd });
    assert.ok(!plain.stdout.includes(ESC));
    const forced = await verify([REFERENCE, '--color=always'], { cwd, env: { NO_COLOR: '1' } });
    assert.ok(forced.stdout.includes(`${ESC}[31mINVALID${ESC}[0m`), forced.stdout);
  });

  test('on a pseudo-terminal; off there with NO_COLOR or --color never', async () => {
    const tty = await onTerminal([REFERENCE]);
    assert.equal(tty.code, 1, tty.stdout);
    assert.ok(tty.stdout.includes(`${ESC}[31mINVALID${ESC}[0m`), tty.stdout);
    assert.ok(tty.stdout.includes(`${ESC}[31m[duplicate-before-success]${ESC}[0m beta`));
    for (const [args, env] of [[[REFERENCE], { NO_COLOR: '1' }], [[REFERENCE, '--color', 'never'], {}],
      [[REFERENCE], { TERM: 'dumb' }]]) {
      const r = await onTerminal(args, env);
      assert.equal(r.code, 1);
      assert.match(r.stdout, /verify: INVALID/);
      assert.ok(!r.stdout.includes(ESC), `${args} ${JSON.stringify(env)}: ${r.stdout}`);
    }
  });
});
