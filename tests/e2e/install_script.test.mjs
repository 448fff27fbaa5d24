// scripts/install.sh end to end, against a loopback HTTP server serving release assets made here
// the way scripts/package.sh lays them out (a tarball of the binary under test and SHA256SUMS):
// a good archive installs and runs; a tampered one, a missing asset, a missing release and an
// unknown OS or architecture are refused with a clear message, leaving nothing behind.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { BIN, listFiles, requireBinary, tempDir } from './cloud_harness.mjs';
import { ROOT } from './docs_harness.mjs';

const SCRIPT = path.join(ROOT, 'scripts', 'install.sh');
const ARCH = { x86_64: 'x86_64', amd64: 'x86_64', aarch64: 'aarch64', arm64: 'aarch64' }[
  execFileSync('uname', ['-m'], { encoding: 'utf8' }).trim()];

let version;
let assets; // path -> bytes, what the server answers
let requests;
let server;
let base;

const sha256 = (bytes) => crypto.createHash('sha256').update(bytes).digest('hex');

// A release tarball as CPack makes it: one top directory holding bin/ and share/.
function makeTarball(dir, name) {
  const top = path.join(dir, name);
  fs.mkdirSync(path.join(top, 'bin'), { recursive: true });
  fs.mkdirSync(path.join(top, 'share', 'kvonce-trace', 'schemas'), { recursive: true });
  fs.copyFileSync(BIN, path.join(top, 'bin', 'kvonce-trace'));
  fs.chmodSync(path.join(top, 'bin', 'kvonce-trace'), 0o755);
  fs.copyFileSync(path.join(ROOT, 'schemas', 'kvonce-validation.schema.json'),
    path.join(top, 'share', 'kvonce-trace', 'schemas', 'kvonce-validation.schema.json'));
  execFileSync('tar', ['-czf', `${top}.tar.gz`, '-C', dir, name]);
  return fs.readFileSync(`${top}.tar.gz`);
}

before(async () => {
  requireBinary();
  assert.ok(ARCH, 'this machine\'s architecture has no release');
  version = execFileSync(BIN, ['--version'], { encoding: 'utf8' }).split('\n')[0].replace('kvonce-trace ', '');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvonce-install-assets-'));
  const tarball = makeTarball(dir, `kvonce-trace-${version}-linux-${ARCH}`);
  fs.rmSync(dir, { recursive: true, force: true });
  const asset = `kvonce-trace-${version}-linux-${ARCH}.tar.gz`;
  const sums = `${sha256(tarball)}  ${asset}\n${sha256('deb')}  kvonce-trace_${version}_amd64.deb\n`;
  assets = {
    [`/good/${asset}`]: tarball,
    '/good/SHA256SUMS': sums,
    // the same name and SHA256SUMS, other bytes
    [`/tampered/${asset}`]: Buffer.concat([tarball, Buffer.from('x')]),
    '/tampered/SHA256SUMS': sums,
    // a release without this architecture's tarball
    '/other-arch/SHA256SUMS': `${sha256('x')}  kvonce-trace-${version}-linux-riscv64.tar.gz\n`,
  };
  requests = [];
  server = http.createServer((req, res) => {
    requests.push(req.url);
    const body = assets[req.url];
    res.writeHead(body === undefined ? 404 : 200).end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});

after(() => server?.close());

// Runs install.sh with its own TMPDIR (to see what it leaves) and a PATH that may start with a
// directory of stand-in commands.
function install(t, release, { args = [], fakeBin } = {}) {
  const dir = tempDir(t);
  const tmp = path.join(dir, 'tmp');
  fs.mkdirSync(tmp);
  const prefix = path.join(dir, 'prefix');
  const env = {
    PATH: [fakeBin, process.env.PATH].filter(Boolean).join(':'),
    HOME: dir,
    TMPDIR: tmp,
    KVONCE_INSTALL_BASE_URL: `${base}/${release}`,
  };
  requests.length = 0;
  return new Promise((resolve) => {
    execFile('sh', [SCRIPT, version, prefix, ...args], { env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? error.code : 0, stdout, stderr, prefix, tmp, dir });
    });
  });
}

function assertNothingLeft(r) {
  assert.equal(fs.existsSync(r.prefix), false, `install.sh created ${r.prefix}`);
  assert.deepEqual(listFiles(r.tmp), [], 'temporary files left behind');
}

test('a good archive installs, and the installed binary runs', async (t) => {
  const r = await install(t, 'good');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`installed kvonce-trace ${version} as ${r.prefix}/bin/kvonce-trace`));
  assert.deepEqual(listFiles(r.prefix),
    ['bin/kvonce-trace', 'share/kvonce-trace/schemas/kvonce-validation.schema.json']);
  assert.deepEqual(listFiles(r.tmp), []);
  const out = execFileSync(path.join(r.prefix, 'bin', 'kvonce-trace'),
    ['run', '--trace-dir', path.join(r.dir, 'trace')], { cwd: r.dir, encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } });
  assert.match(out, /^verify: VALID/m);
  assert.deepEqual([...requests].sort(),
    [`/good/SHA256SUMS`, `/good/kvonce-trace-${version}-linux-${ARCH}.tar.gz`].sort());
});

test('a tampered archive is refused', async (t) => {
  const r = await install(t, 'tampered');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /checksum mismatch for kvonce-trace-\S+\.tar\.gz: SHA256SUMS says [0-9a-f]{64}, the download is [0-9a-f]{64}; nothing installed/);
  assertNothingLeft(r);
});

test('a release without this machine\'s tarball says so', async (t) => {
  const r = await install(t, 'other-arch');
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`kvonce-trace ${version} has no kvonce-trace-${version}-linux-${ARCH}\\.tar\\.gz \\(linux/${ARCH}\\)`));
  assertNothingLeft(r);
});

test('a release that does not exist names the URL and the HTTP status', async (t) => {
  const r = await install(t, 'no-such-release');
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`cannot download SHA256SUMS of kvonce-trace ${version} from ${base}/no-such-release: .*404`));
  assertNothingLeft(r);
});

test('an unknown operating system or architecture is refused before any download', async (t) => {
  for (const [s, m, message] of [['Darwin', 'arm64', /no kvonce-trace release for Darwin/],
    ['Linux', 'riscv64', /no kvonce-trace release for the architecture riscv64/]]) {
    const fakeBin = tempDir(t);
    fs.writeFileSync(path.join(fakeBin, 'uname'),
      `#!/bin/sh\ncase "$1" in -s) echo ${s} ;; -m) echo ${m} ;; *) exec /bin/uname "$@" ;; esac\n`, { mode: 0o755 });
    const r = await install(t, 'good', { fakeBin });
    assert.equal(r.code, 1, `${s}/${m}`);
    assert.match(r.stderr, message);
    assert.deepEqual(requests, []);
    assertNothingLeft(r);
  }
});

test('usage errors exit 2', async (t) => {
  const dir = tempDir(t);
  const r = await new Promise((resolve) => execFile('sh', [SCRIPT], { env: { PATH: process.env.PATH, TMPDIR: dir } },
    (error, stdout, stderr) => resolve({ code: error ? error.code : 0, stderr })));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /usage: install\.sh VERSION \[PREFIX\]/);
});

// scripts/action-install.sh, the install step of action.yml, with the runner's variables.
function actionInstall(t, release, { toolCache, os = 'Linux', arch = ARCH === 'aarch64' ? 'ARM64' : 'X64' } = {}) {
  const dir = tempDir(t); // this job's RUNNER_TEMP
  const env = {
    PATH: process.env.PATH,
    HOME: dir,
    TMPDIR: dir,
    RUNNER_OS: os,
    RUNNER_ARCH: arch,
    RUNNER_TOOL_CACHE: toolCache,
    RUNNER_TEMP: dir,
    GITHUB_PATH: path.join(dir, 'github-path'),
    GITHUB_OUTPUT: path.join(dir, 'github-output'),
    VERSION: `v${version}`,
    REPOSITORY: 'owner/kvonce-trace',
    KVONCE_INSTALL_BASE_URL: `${base}/${release}`,
  };
  requests.length = 0;
  return new Promise((resolve) => {
    execFile(path.join(ROOT, 'scripts', 'action-install.sh'), [], { env, timeout: 60_000 }, (error, stdout, stderr) => {
      const read = (f) => (fs.existsSync(env[f]) ? fs.readFileSync(env[f], 'utf8') : '');
      resolve({ code: error ? error.code : 0, stdout, stderr, path: read('GITHUB_PATH'), output: read('GITHUB_OUTPUT'), temp: dir });
    });
  });
}

// The directory the action put on PATH: one of this job's RUNNER_TEMP, never the tool cache.
function assertJobPrivate(r) {
  const bin = r.path.trim();
  assert.ok(bin.startsWith(`${r.temp}/`), `PATH gets ${bin}, outside the job's RUNNER_TEMP ${r.temp}`);
  assert.match(bin, new RegExp(`/kvonce-trace-${version}-linux-${ARCH}/bin$`));
  assert.equal(r.output, `binary=${bin}/kvonce-trace\n`);
  assert.match(r.stdout, new RegExp(`^kvonce-trace ${version}$`, 'm'));
}

test('the action keeps the release tarball in the tool cache, and checks it again in every job', async (t) => {
  const toolCache = tempDir(t);
  const cached = path.join(toolCache, 'kvonce-trace', version, ARCH, `kvonce-trace-${version}-linux-${ARCH}.tar.gz`);
  const first = await actionInstall(t, 'good', { toolCache });
  assert.equal(first.code, 0, first.stderr);
  assertJobPrivate(first);
  assert.ok(requests.includes(`/good/kvonce-trace-${version}-linux-${ARCH}.tar.gz`));
  assert.equal(sha256(fs.readFileSync(cached)), sha256(assets[`/good/kvonce-trace-${version}-linux-${ARCH}.tar.gz`]));

  const second = await actionInstall(t, 'good', { toolCache });
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /from the tool cache .*checked against SHA256SUMS/);
  // SHA256SUMS again, the tarball not.
  assert.ok(requests.includes('/good/SHA256SUMS'), 'the second job trusted the cache without SHA256SUMS');
  assert.ok(!requests.some((u) => u.endsWith('.tar.gz')), 'the second job downloaded the tarball again');
  assertJobPrivate(second);
});

test('the action never runs what the tool cache holds: a planted binary or tarball is replaced by the release', async (t) => {
  const toolCache = tempDir(t);
  const tool = path.join(toolCache, 'kvonce-trace', version, ARCH);
  const canary = path.join(tempDir(t), 'planted-binary-ran');
  const planted = `#!/bin/sh\ntouch ${canary}\necho kvonce-trace ${version}\n`;
  // The layout an earlier version of the action cached: a binary beside a .complete marker.
  fs.mkdirSync(path.join(tool, 'bin'), { recursive: true });
  fs.writeFileSync(path.join(tool, 'bin', 'kvonce-trace'), planted, { mode: 0o755 });
  fs.writeFileSync(`${tool}.complete`, '');
  // A tarball under the release's name holding the planted binary.
  const dir = tempDir(t);
  const top = path.join(dir, `kvonce-trace-${version}-linux-${ARCH}`);
  fs.mkdirSync(path.join(top, 'bin'), { recursive: true });
  fs.writeFileSync(path.join(top, 'bin', 'kvonce-trace'), planted, { mode: 0o755 });
  const cached = path.join(tool, `kvonce-trace-${version}-linux-${ARCH}.tar.gz`);
  execFileSync('tar', ['-czf', cached, '-C', dir, path.basename(top)]);

  const r = await actionInstall(t, 'good', { toolCache });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /::warning::the tool cache's \S+ does not match the release's SHA256SUMS: downloading it again/);
  assert.ok(requests.includes(`/good/kvonce-trace-${version}-linux-${ARCH}.tar.gz`), 'not downloaded afresh');
  assertJobPrivate(r);
  assert.equal(fs.existsSync(canary), false, 'the planted binary ran');
  // The job's binary is the release's, and the cache now holds the release's tarball.
  assert.deepEqual(fs.readFileSync(path.join(r.path.trim(), 'kvonce-trace')), fs.readFileSync(BIN));
  assert.equal(sha256(fs.readFileSync(cached)), sha256(assets[`/good/kvonce-trace-${version}-linux-${ARCH}.tar.gz`]));
});

test('the action refuses a tampered release and caches nothing', async (t) => {
  const toolCache = tempDir(t);
  const r = await actionInstall(t, 'tampered', { toolCache });
  assert.notEqual(r.code, 0);
  assert.match(r.stdout, /::error::checksum mismatch/);
  assert.equal(r.path, '');
  assert.deepEqual(listFiles(toolCache), []);
});

test('the action refuses a release version that does not exist, and runners other than Linux', async (t) => {
  const toolCache = tempDir(t);
  const missing = await actionInstall(t, 'no-such-release', { toolCache });
  assert.equal(missing.code, 1);
  assert.match(missing.stdout, new RegExp(`::error::kvonce-trace has no release ${version} in owner/kvonce-trace`));
  const mac = await actionInstall(t, 'good', { toolCache, os: 'macOS', arch: 'ARM64' });
  assert.equal(mac.code, 1);
  assert.match(mac.stdout, /::error::kvonce-trace runs on Linux X64 and ARM64 runners, not macOS\/ARM64/);
  assert.deepEqual(listFiles(toolCache), []);
  assert.equal(mac.path + missing.path, '');
});
