// docs/batch.md holds what batch really does: its GitHub Actions workflow passes action-validator
// and its run scripts parse; its Kubernetes manifests are an Indexed Job whose shard count matches
// --shard and a merge Job; every `kvonce-trace batch` option it names exists; and its resume
// example runs as shown on a directory laid out as the Collector writes it.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';

import YAML from 'yaml';

import { BIN, requireBinary, tempDir } from './cloud_harness.mjs';
import { fences, optionsOf, requireValidator, ROOT, validate } from './docs_harness.mjs';

const DOC = fs.readFileSync(path.join(ROOT, 'docs', 'batch.md'), 'utf8');
const blocks = fences(DOC);
const yamlBlocks = blocks.filter((b) => b.info === 'yaml');

before(() => {
  requireBinary();
  requireValidator();
});

// Runs kvonce-trace in `cwd` (the doc's paths are relative) with a bare environment.
function runIn(cwd, args) {
  return new Promise((resolve) => {
    execFile(BIN, args, { cwd, env: { HOME: cwd, PATH: process.env.PATH || '/usr/bin:/bin' }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }));
  });
}

const workflowBlock = () => {
  const found = yamlBlocks.filter((b) => /^jobs:/m.test(b.body));
  assert.equal(found.length, 1, 'docs/batch.md should show one workflow');
  return found[0];
};

test('the GitHub Actions workflow passes action-validator', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'reverify.yml');
  fs.writeFileSync(file, workflowBlock().body);
  const r = await validate(file);
  assert.equal(r.code, 0, r.output);
});

test('the workflow: a matrix of shards 1 to SHARDS, a merge job that always runs', () => {
  const wf = YAML.parse(workflowBlock().body);
  const shards = Number(wf.env.SHARDS);
  assert.deepEqual(wf.jobs.verify.strategy.matrix.shard, [...Array(shards).keys()].map((i) => i + 1));
  assert.equal(wf.jobs.verify.strategy['fail-fast'], false);
  assert.deepEqual(wf.permissions, { contents: 'read', 'id-token': 'write' });
  assert.equal(wf.jobs.merge.if, 'always()');
  assert.deepEqual([wf.jobs.merge.needs].flat(), ['verify']);
  const verify = wf.jobs.verify.steps.map((s) => s.run || '').join('\n');
  assert.match(verify, /--shard \$\{\{ matrix\.shard \}\}\/\$SHARDS/);
  const merge = wf.jobs.merge.steps.map((s) => s.run || '').join('\n');
  assert.match(merge, /kvonce-trace batch merge results\/results-\*\.jsonl/);
  for (const job of Object.values(wf.jobs)) {
    for (const step of job.steps) {
      if (step.run) execFileSync('bash', ['-n', '-c', step.run.replace(/\$\{\{[^}]*\}\}/g, 'X')]);
    }
  }
});

test('the Kubernetes manifests: an Indexed Job of N shards and a merge Job', () => {
  const found = yamlBlocks.filter((b) => /kind: Job/.test(b.body));
  assert.equal(found.length, 1);
  const [indexed, merge] = YAML.parseAllDocuments(found[0].body).map((d) => d.toJS());
  assert.equal(indexed.kind, 'Job');
  assert.equal(indexed.spec.completionMode, 'Indexed');
  const script = indexed.spec.template.spec.containers[0].args.join('\n');
  const m = /--shard "\$\(\(JOB_COMPLETION_INDEX \+ 1\)\)\/(\d+)"/.exec(script);
  assert.ok(m, script);
  assert.equal(Number(m[1]), indexed.spec.completions);
  assert.equal(indexed.spec.template.spec.restartPolicy, 'Never');
  execFileSync('sh', ['-n', '-c', script]);
  assert.equal(merge.kind, 'Job');
  assert.match(merge.spec.template.spec.containers[0].args.join(' '), /kvonce-trace batch merge \/results\/shard-\*\.jsonl/);
});

test('every kvonce-trace batch option named in docs/batch.md exists', async () => {
  let checked = 0;
  const lines = blocks.flatMap((b) => b.body.replace(/\\\n\s*/g, ' ').split('\n'));
  for (const m of DOC.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '').matchAll(/`([^`\n]+)`/g)) lines.push(m[1]);
  for (const line of lines) {
    const m = /kvonce-trace (batch merge|batch)\b(.*)/.exec(line);
    if (!m) continue;
    const known = await optionsOf(m[1]);
    for (const option of m[2].match(/--[a-z][a-z0-9-]*/g) || []) {
      assert.ok(known.has(option), `kvonce-trace ${m[1]} has no ${option} (${line.trim()})`);
      ++checked;
    }
  }
  assert.ok(checked >= 15, `only ${checked} options checked`);
});

test('the resume example runs as shown, twice', async (t) => {
  const block = blocks.find((b) => b.info === 'sh' && /--resume october\.jsonl/.test(b.body));
  assert.ok(block, 'the resume example');
  const command = block.body.split('\n').find((l) => l.startsWith('kvonce-trace batch'));
  const args = command.split(/\s+/).slice(1);
  const dir = tempDir(t);
  const event = (key, i) => JSON.stringify({ timestamp: `2025-10-0${i}T06:00:00.000Z`, type: 'success', key, context: { attempts: 1 }, value: 'v' });
  for (let day = 1; day <= 3; day++) {
    const d = path.join(dir, 'payloads', 'kvonce-trace', '2025', '10', `0${day}`);
    fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(d, 'part-0001.jsonl'), `${event(`k${day}`, day)}\n`);
  }
  const first = await runIn(dir, args);
  assert.equal(first.code, 0, first.stderr);
  const again = await runIn(dir, args);
  assert.equal(again.code, 0, again.stderr);
  assert.equal((again.stderr.match(/RESUMED/g) || []).length, 3);
  const lines = fs.readFileSync(path.join(dir, 'october.jsonl'), 'utf8').trim().split('\n');
  assert.equal(lines.length, 3);
});
