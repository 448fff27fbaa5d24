// What the cloud fetch tests share: running the real binary with a clean environment, temporary
// directories, and checks that no secret leaked and no partial file was left.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const BIN = process.env.KVONCE_BIN;

// Fails (never skips) when the binary is not given.
export function requireBinary() {
  assert.ok(BIN, 'KVONCE_BIN must name the kvonce-trace binary (ctest sets it)');
  assert.ok(fs.existsSync(BIN), `KVONCE_BIN=${BIN} does not exist`);
}

export function tempDir(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvonce-cloud-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// Runs kvonce-trace with exactly `env` (plus HOME, so no developer's ~/.aws or ~/.config is
// read): nothing of the caller's AWS_*, GOOGLE_* or ACTIONS_* variables leaks in. Asynchronous,
// so the loopback servers of this process keep answering. `cwd` defaults to the test's own.
export function run(args, env, home, { cwd } = {}) {
  return new Promise((resolve) => {
    execFile(
      BIN,
      args,
      { cwd, env: { HOME: home, PATH: process.env.PATH || '/usr/bin:/bin', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
      },
    );
  });
}

// Every file below `dir`, relative, sorted.
export function listFiles(dir) {
  const out = [];
  const walk = (d, rel) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path.join(d, entry.name), r);
      else out.push(r);
    }
  };
  if (fs.existsSync(dir)) walk(dir, '');
  return out.sort();
}

export function assertNoSecrets(result, secrets) {
  for (const secret of secrets) {
    if (!secret) continue;
    assert.ok(!result.stdout.includes(secret), `stdout leaks a secret: ${result.stdout}`);
    assert.ok(!result.stderr.includes(secret), `stderr leaks a secret: ${result.stderr}`);
  }
}

export function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}
