// Links a pull request can commit into the output tree, with the real binary: a link at any path
// the tool names itself (each output, the payload, the metadata, the PR comment, every directory
// of the tree, temporary names) is refused with exit 6 naming it, and nothing outside the
// working tree changes, hashed before and after. A path the user names keeps following its link.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { requireBinary, run, tempDir } from './cloud_harness.mjs';
import { startHttpServer } from './servers/http_server.mjs';

const PAYLOAD_FILE = new URL('../data/kvonce-otlp.json', import.meta.url).pathname;
const PAYLOAD = fs.readFileSync(PAYLOAD_FILE);
const TRACE = 'artifacts/hermetic-reports/trace';
const MODE_FILES = ['kvonce-events.ndjson', 'kvonce-projection.json', 'projected', 'projected/kvonce-state-sequence.json', 'kvonce-validation.json'];

let server;

before(async () => {
  requireBinary();
  server = await startHttpServer({ payload: PAYLOAD, signature: 'unused' });
});

after(async () => {
  await server?.close();
});

// Every entry below `dir`: its type, a link's target, a file's SHA-256.
function snapshot(dir) {
  const out = {};
  const walk = (d, rel) => {
    for (const name of fs.readdirSync(d).sort()) {
      const full = path.join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = fs.lstatSync(full);
      if (st.isSymbolicLink()) out[r] = `link ${fs.readlinkSync(full)}`;
      else if (st.isDirectory()) {
        out[r] = 'dir';
        walk(full, r);
      } else out[r] = `file ${crypto.createHash('sha256').update(fs.readFileSync(full)).digest('hex')}`;
    }
  };
  walk(dir, '');
  return out;
}

// A checkout (`work`, the working directory) and, beside it, files a link could aim at (`decoy`).
function workspace(t) {
  const base = tempDir(t);
  const work = path.join(base, 'work');
  const decoy = path.join(base, 'decoy');
  fs.mkdirSync(work);
  fs.mkdirSync(path.join(decoy, 'dir'), { recursive: true });
  fs.writeFileSync(path.join(decoy, 'victim'), 'authorized_keys the job must not touch\n');
  fs.writeFileSync(path.join(decoy, 'dir', 'kept'), 'kept\n');
  return { base, work, decoy };
}

// Plants a link at `rel` (its parents created as real directories): to an existing file or
// directory of the decoy, or dangling into it.
function plant(ws, rel, { directory, dangling }) {
  const at = path.join(ws.work, rel);
  fs.mkdirSync(path.dirname(at), { recursive: true });
  const target = dangling ? path.join(ws.decoy, directory ? 'new-dir' : 'new-file') : path.join(ws.decoy, directory ? 'dir' : 'victim');
  fs.symlinkSync(target, at);
}

// Runs `args` in a workspace with a link planted at `rel` (after `prepare` set the tree up):
// exit 6, the link named on stderr, the decoy unchanged.
async function assertRefused(t, { args, rel, directory, dangling, prepare, env = {} }) {
  const ws = workspace(t);
  if (prepare) await prepare(ws);
  plant(ws, rel, { directory, dangling });
  const before = snapshot(ws.decoy);
  const r = await run(args(ws), env, ws.base, { cwd: ws.work });
  assert.equal(r.code, 6, `${rel}: exit ${r.code}\n${r.stderr}`);
  assert.ok(r.stderr.includes(`${rel}: is a symbolic link`), `${rel} not named:\n${r.stderr}`);
  assert.deepEqual(snapshot(ws.decoy), before, `${rel}: something outside the tree changed`);
}

function treePaths({ payload }) {
  const dirs = ['artifacts', 'artifacts/hermetic-reports', TRACE];
  const files = [`${TRACE}/kvonce-payload-metadata.json`, `${TRACE}/kvonce-pr-comment.md`];
  for (const mode of ['otlp', 'ndjson']) {
    dirs.push(`${TRACE}/${mode}`);
    for (const f of MODE_FILES) (f === 'projected' ? dirs : files).push(`${TRACE}/${mode}/${f}`);
  }
  if (payload) {
    dirs.push(`${TRACE}/payload`);
    files.push(`${TRACE}/payload/kvonce-otlp-payload`);
  }
  return [...dirs.map((rel) => ({ rel, directory: true })), ...files.map((rel) => ({ rel, directory: false }))];
}

for (const [name, args, payload] of [
  ['run -i', () => ['run', '-i', PAYLOAD_FILE], false],
  ['run --url', () => ['run', '--url', server.url('/payload.json')], true],
]) {
  describe(`${name}: a link at any path of the tree is refused`, () => {
    for (const { rel, directory } of treePaths({ payload })) {
      for (const dangling of [false, true]) {
        test(`${rel} (${dangling ? 'dangling' : 'to an existing'} ${directory ? 'directory' : 'file'})`, (t) =>
          assertRefused(t, { args, rel, directory, dangling }));
      }
    }
  });
}

describe('verify -d: a link at any path of the output directory is refused', () => {
  const dir = 'out/verify';
  const paths = ['out', dir, ...MODE_FILES.map((f) => `${dir}/${f}`)];
  for (const rel of paths) {
    const directory = rel === 'out' || rel === dir || rel.endsWith('projected');
    for (const dangling of [false, true]) {
      test(`${rel} (${dangling ? 'dangling' : 'existing target'})`, (t) =>
        assertRefused(t, { args: () => ['verify', '-i', PAYLOAD_FILE, '-d', dir], rel, directory, dangling }));
    }
  }
});

describe('report and fetch: the files they name themselves', () => {
  const runFirst = async (ws) => {
    const r = await run(['run', '-i', PAYLOAD_FILE], {}, ws.base, { cwd: ws.work });
    assert.equal(r.code, 1, r.stderr); // the sample payload violates the spec profile
  };
  for (const dangling of [false, true]) {
    test(`report --metadata-for: a link at the metadata (${dangling ? 'dangling' : 'existing target'})`, (t) =>
      assertRefused(t, {
        args: () => ['report', '--metadata-for', PAYLOAD_FILE, '--source-type', 'explicit', '--no-fail'],
        rel: `${TRACE}/kvonce-payload-metadata.json`,
        directory: false,
        dangling,
        prepare: async (ws) => {
          await runFirst(ws);
          fs.rmSync(path.join(ws.work, TRACE, 'kvonce-payload-metadata.json'));
        },
      }));
    test(`fetch --target FILE: a link at the metadata it names beside it (${dangling ? 'dangling' : 'existing target'})`, (t) =>
      assertRefused(t, {
        args: () => ['fetch', '--url', server.url('/payload.json'), '--target', 'dl/payload.json'],
        rel: 'dl/kvonce-payload-metadata.json',
        directory: false,
        dangling,
      }));
  }
  test('report --metadata-for: a link at the trace directory', (t) =>
    assertRefused(t, {
      args: () => ['report', '--metadata-for', PAYLOAD_FILE, '--source-type', 'explicit'],
      rel: 'artifacts',
      directory: true,
      dangling: false,
    }));
});

describe('links at temporary names, and paths the user names', () => {
  test('links named like temporary files in every directory: never followed, the run completes', async (t) => {
    const ws = workspace(t);
    for (const { rel, directory } of treePaths({ payload: true })) {
      if (directory) continue;
      for (const suffix of ['.tmp-1-1', '.tmp-2-2']) {
        plant(ws, path.join(path.dirname(rel), `.${path.basename(rel)}${suffix}`), { directory: false, dangling: false });
      }
    }
    const before = snapshot(ws.decoy);
    const r = await run(['run', '--url', server.url('/payload.json')], {}, ws.base, { cwd: ws.work });
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(snapshot(ws.decoy), before);
    assert.ok(fs.lstatSync(path.join(ws.work, TRACE, 'payload', 'kvonce-otlp-payload')).isFile());
  });

  test('prepare -o names its own file: a link there is followed, as documented', async (t) => {
    const ws = workspace(t);
    fs.mkdirSync(path.join(ws.work, 'events'));
    fs.symlinkSync('events/real.ndjson', path.join(ws.work, 'link.ndjson'));
    const r = await run(['prepare', '-i', PAYLOAD_FILE, '-o', 'link.ndjson'], {}, ws.base, { cwd: ws.work });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(fs.lstatSync(path.join(ws.work, 'link.ndjson')).isSymbolicLink());
    assert.equal(fs.readFileSync(path.join(ws.work, 'events', 'real.ndjson'), 'utf8').trim().split('\n').length, 4);
  });

  test('--trace-dir outside the working directory is the user\'s: its link is followed, links below it are not', async (t) => {
    const ws = workspace(t);
    fs.mkdirSync(path.join(ws.base, 'elsewhere'));
    fs.symlinkSync(path.join(ws.base, 'elsewhere'), path.join(ws.base, 'reports'));
    const ok = await run(['run', '-i', PAYLOAD_FILE, '--trace-dir', '../reports/trace'], {}, ws.base, { cwd: ws.work });
    assert.equal(ok.code, 1, ok.stderr);
    assert.ok(fs.existsSync(path.join(ws.base, 'elsewhere', 'trace', 'otlp', 'kvonce-validation.json')));
    fs.rmSync(path.join(ws.base, 'elsewhere', 'trace', 'otlp'), { recursive: true });
    fs.symlinkSync(path.join(ws.decoy, 'dir'), path.join(ws.base, 'elsewhere', 'trace', 'otlp'));
    const before = snapshot(ws.decoy);
    const r = await run(['run', '-i', PAYLOAD_FILE, '--trace-dir', '../reports/trace'], {}, ws.base, { cwd: ws.work });
    assert.equal(r.code, 6, r.stderr);
    assert.ok(r.stderr.includes('../reports/trace/otlp: is a symbolic link'), r.stderr);
    assert.deepEqual(snapshot(ws.decoy), before);
  });
});
