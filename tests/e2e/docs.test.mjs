// The user docs hold what the tool and the workflows really do:
//  - docs/examples/otelcol-kvonce.yaml parses, its pipeline is wired to defined components for both
//    stages, and the names it writes are the ones kvonce-trace looks for (checked by running
//    `run --artifact-dir` and `batch --from/--to` on files laid out that way). It is NOT run
//    against a Collector here;
//  - docs/collector.md shows that file unchanged;
//  - the workflow snippets of docs/ci.md pass action-validator and call trace-conformance.yml with
//    inputs, secrets and permissions it declares; its IAM policies keep the least scope;
//  - every `kvonce-trace <command> --option` in docs/ci.md, collector.md, rules.md and receive.md
//    exists;
//  - docs/receive.md's snippets: its workflows pass action-validator and use the action's or the
//    reusable workflow's `test-command`; its Collector exporters point at receive's default
//    listeners.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import zlib from 'node:zlib';

import YAML from 'yaml';

import { requireBinary, run, tempDir } from './cloud_harness.mjs';
import { fences, optionsOf, requireValidator, ROOT, validate } from './docs_harness.mjs';

const DOCS = path.join(ROOT, 'docs');
const CONFIG = path.join(DOCS, 'examples', 'otelcol-kvonce.yaml');
const SAMPLE = path.join(ROOT, 'data', 'kvonce-otlp-sample.json');
const MIB = 1024 * 1024;

before(() => {
  requireBinary();
  requireValidator();
});

const read = (file) => fs.readFileSync(file, 'utf8');

// The Collector's ${env:NAME} and ${env:NAME:-default} substitution, over every string.
function substitute(value, env) {
  if (typeof value === 'string') {
    return value.replace(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g,
      (_, name, fallback) => env[name] ?? fallback ?? '');
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, env));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, env)]));
  }
  return value;
}

describe('docs/examples/otelcol-kvonce.yaml', () => {
  const raw = YAML.parse(read(CONFIG));
  const stage1 = substitute(raw, { KVONCE_EXPORTER: 'file/kvonce', KVONCE_PAYLOAD_DIR: '/payload' });
  const stage2 = substitute(raw, { KVONCE_S3_BUCKET: 'payloads', AWS_REGION: 'eu-central-1' });

  test('wires every pipeline to defined components, in both stages, and uses them all', () => {
    const used = { receivers: new Set(), processors: new Set(), exporters: new Set() };
    for (const [stage, config] of [['stage 1', stage1], ['stage 2', stage2]]) {
      const pipelines = config.service.pipelines;
      assert.ok(Object.keys(pipelines).length > 0, stage);
      for (const [name, pipeline] of Object.entries(pipelines)) {
        assert.match(name, /^traces(\/|$)/, `${stage}: ${name} is not a traces pipeline`);
        for (const kind of ['receivers', 'processors', 'exporters']) {
          assert.ok(Array.isArray(pipeline[kind]) && pipeline[kind].length > 0, `${stage} ${name}: no ${kind}`);
          for (const id of pipeline[kind]) {
            assert.ok(id in (config[kind] || {}), `${stage} ${name}: ${kind} ${id} is not defined`);
            used[kind].add(id);
          }
        }
      }
    }
    assert.deepEqual([...stage1.service.pipelines['traces/kvonce'].exporters], ['file/kvonce']);
    assert.deepEqual([...stage2.service.pipelines['traces/kvonce'].exporters], ['awss3/kvonce']);
    for (const kind of ['receivers', 'processors', 'exporters']) {
      for (const id of Object.keys(raw[kind])) assert.ok(used[kind].has(id), `${kind} ${id} is never used`);
    }
  });

  test('filters, then hashes, then batches', () => {
    const { processors } = stage2;
    assert.deepEqual(stage2.service.pipelines['traces/kvonce'].processors,
      ['filter/kvonce', 'transform/kvonce-hash', 'batch/kvonce']);
    assert.deepEqual(processors['filter/kvonce'].traces.span, ['attributes["kvonce.event.type"] == nil']);
    const statements = processors['transform/kvonce-hash'].trace_statements.flatMap((s) => s.statements);
    assert.ok(statements.some((s) => s.startsWith(
      'set(attributes["kvonce.event.value"], SHA256(attributes["kvonce.event.value"]))')), statements.join('\n'));
    const batch = processors['batch/kvonce'];
    assert.ok(batch.send_batch_size <= batch.send_batch_max_size);
    // The budget docs/collector.md works out: 2 KiB per span, 10 MiB per payload.
    assert.ok(batch.send_batch_max_size * 2048 <= 10 * MIB, `${batch.send_batch_max_size} spans may exceed 10 MiB`);
  });

  test('writes gzipped OTLP JSON under kvonce-trace/YYYY/MM/DD/ and JSON Lines for Stage 1', () => {
    const s3 = stage2.exporters['awss3/kvonce'];
    assert.equal(s3.marshaler, 'otlp_json');
    assert.equal(s3.s3uploader.compression, 'gzip');
    assert.equal(s3.s3uploader.s3_bucket, 'payloads');
    assert.equal(`${s3.s3uploader.s3_prefix}/${s3.s3uploader.s3_partition_format}`, 'kvonce-trace/%Y/%m/%d');
    const file = stage1.exporters['file/kvonce'];
    assert.equal(file.format, 'json');
    assert.equal(file.path, '/payload/kvonce-otlp-payload.json');
  });

  test('its S3 object names are the ones batch --from/--to selects', async (t) => {
    const dir = tempDir(t);
    const s3 = stage2.exporters['awss3/kvonce'].s3uploader;
    // The exporter's key: prefix/partition/<file_prefix>traces_<random>.json.gz
    const partition = s3.s3_partition_format.replace('%Y', '2025').replace('%m', '10').replace('%d', '09');
    const key = `${s3.s3_prefix}/${partition}/${s3.file_prefix}traces_AbCdEfGhI.json.gz`;
    fs.mkdirSync(path.dirname(path.join(dir, 'bucket', key)), { recursive: true });
    fs.writeFileSync(path.join(dir, 'bucket', key), zlib.gzipSync(fs.readFileSync(SAMPLE)));
    const results = path.join(dir, 'results.jsonl');
    const r = await run(['batch', path.join(dir, 'bucket'), '--from', '2025-10-09', '--to', '2025-10-09',
      '--results', results, '--jobs', '1'], {}, dir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const lines = read(results).trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, 1);
    assert.ok(lines[0].source.endsWith(key), lines[0].source);
    assert.equal(lines[0].valid, true);
  });

  test('its Stage 1 file is the payload run --artifact-dir picks', async (t) => {
    const dir = tempDir(t);
    const artifact = path.join(dir, 'artifact');
    fs.mkdirSync(artifact);
    // One export per line, as the file exporter writes them.
    const line = JSON.stringify(JSON.parse(read(SAMPLE)));
    fs.writeFileSync(path.join(artifact, path.basename(stage1.exporters['file/kvonce'].path)), `${line}\n${line}\n`);
    fs.writeFileSync(path.join(artifact, 'notes.txt'), 'not a payload');
    const trace = path.join(dir, 'trace');
    const r = await run(['run', '--artifact-dir', artifact, '--trace-dir', trace], {}, dir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const metadata = JSON.parse(read(path.join(trace, 'kvonce-payload-metadata.json')));
    assert.equal(metadata.sourceType, 'artifact');
  });

  test('is shown unchanged in docs/collector.md', () => {
    const blocks = fences(read(path.join(DOCS, 'collector.md'))).filter((f) => f.info === 'yaml');
    assert.ok(blocks.some((b) => b.body === read(CONFIG)), 'collector.md does not include the file as it is');
  });
});

describe('docs/ci.md', () => {
  const doc = read(path.join(DOCS, 'ci.md'));
  const blocks = fences(doc);
  const reusable = YAML.parse(read(path.join(ROOT, '.github', 'workflows', 'trace-conformance.yml')));
  const callInputs = reusable.on.workflow_call.inputs;

  test('its workflow snippets pass action-validator and call the reusable workflow correctly', async (t) => {
    const dir = tempDir(t);
    const workflows = blocks.filter((b) => b.info === 'yaml').map((b) => ({ ...b, doc: YAML.parse(b.body) }))
      .filter((b) => b.doc && b.doc.jobs);
    assert.ok(workflows.length >= 5, `only ${workflows.length} workflow snippets`);
    let calls = 0;
    for (const block of workflows) {
      // A snippet that shows only `jobs:` gets a trigger to be a whole workflow.
      const whole = block.doc.on ? block.body : `on: workflow_dispatch\n${block.body}`;
      const file = path.join(dir, `ci-md-line-${block.line}.yml`);
      fs.writeFileSync(file, whole);
      const r = await validate(file);
      assert.equal(r.code, 0, `docs/ci.md line ${block.line}:\n${r.output}`);
      for (const [name, job] of Object.entries(block.doc.jobs)) {
        for (const step of job.steps || []) {
          if (!step.run) continue;
          const script = step.run.replace(/\$\{\{[^}]*\}\}/g, 'EXPR');
          try {
            execFileSync('bash', ['-n'], { input: script, stdio: ['pipe', 'pipe', 'pipe'] });
          } catch (error) {
            assert.fail(`docs/ci.md line ${block.line}, job ${name}: ${error.stderr}`);
          }
        }
        if (!/trace-conformance\.yml@/.test(job.uses || '')) continue;
        ++calls;
        const where = `docs/ci.md line ${block.line}, job ${name}`;
        for (const input of Object.keys(job.with || {})) assert.ok(input in callInputs, `${where}: no input ${input}`);
        for (const secret of Object.keys(job.secrets || {})) {
          assert.ok(secret in reusable.on.workflow_call.secrets, `${where}: no secret ${secret}`);
        }
        assert.deepEqual(job.permissions, reusable.permissions, `${where}: grant exactly what the workflow needs`);
      }
    }
    assert.ok(calls >= 4, `only ${calls} calls of trace-conformance.yml`);
  });

  test('its IAM policies keep the least scope', () => {
    const policies = blocks.filter((b) => b.info === 'json').map((b) => JSON.parse(b.body));
    const trust = policies.find((p) => p.Statement.some((s) => s.Action === 'sts:AssumeRoleWithWebIdentity'));
    assert.ok(trust, 'no trust policy');
    const [assume] = trust.Statement;
    assert.match(assume.Principal.Federated, /oidc-provider\/token\.actions\.githubusercontent\.com$/);
    assert.equal(assume.Condition.StringEquals['token.actions.githubusercontent.com:aud'], 'sts.amazonaws.com');
    assert.match(assume.Condition.StringLike['token.actions.githubusercontent.com:sub'], /^repo:[^/*]+\/[^/*:]+:/);

    const access = policies.find((p) => p !== trust);
    assert.ok(access, 'no permissions policy');
    const actions = access.Statement.flatMap((s) => [s.Action].flat()).sort();
    assert.deepEqual(actions, ['s3:GetObject', 's3:ListBucket']);
    for (const s of access.Statement) {
      assert.equal(s.Effect, 'Allow');
      if (s.Action === 's3:GetObject') assert.match(s.Resource, /^arn:aws:s3:::[^/]+\/kvonce-trace\/\*$/);
      if (s.Action === 's3:ListBucket') {
        assert.match(s.Resource, /^arn:aws:s3:::[^/*]+$/);
        for (const prefix of [s.Condition.StringLike['s3:prefix']].flat()) assert.match(prefix, /^kvonce-trace\//);
      }
    }
  });
});

describe('docs/receive.md', () => {
  const blocks = fences(read(path.join(DOCS, 'receive.md'))).filter((b) => b.info === 'yaml').map((b) => ({ ...b, doc: YAML.parse(b.body) }));
  const action = YAML.parse(read(path.join(ROOT, 'action.yml')));
  const reusable = YAML.parse(read(path.join(ROOT, '.github', 'workflows', 'trace-conformance.yml')));

  test('its workflows pass action-validator and run the tests through test-command', async (t) => {
    const dir = tempDir(t);
    const workflows = blocks.filter((b) => b.doc.jobs);
    assert.equal(workflows.length, 2);
    let action_uses = 0, workflow_calls = 0;
    for (const block of workflows) {
      const file = path.join(dir, `receive-md-line-${block.line}.yml`);
      fs.writeFileSync(file, block.doc.on ? block.body : `on: pull_request\n${block.body}`);
      const r = await validate(file);
      assert.equal(r.code, 0, `docs/receive.md line ${block.line}:\n${r.output}`);
      for (const job of Object.values(block.doc.jobs)) {
        if (/trace-conformance\.yml@/.test(job.uses || '')) {
          ++workflow_calls;
          for (const input of Object.keys(job.with)) assert.ok(input in reusable.on.workflow_call.inputs, input);
          assert.ok(job.with['test-command']);
          assert.deepEqual(job.permissions, reusable.permissions);
        }
        for (const step of job.steps || []) {
          if (!/kvonce-trace@/.test(step.uses || '')) continue;
          ++action_uses;
          for (const input of Object.keys(step.with)) assert.ok(input in action.inputs, input);
          assert.ok(step.with['test-command']);
        }
      }
    }
    assert.deepEqual([action_uses, workflow_calls], [1, 1]);
  });

  test('its Collector exporters point at receive\'s default listeners', async () => {
    const collector = blocks.find((b) => b.doc.exporters).doc;
    assert.equal(collector.exporters['otlphttp/kvonce'].endpoint, 'http://127.0.0.1:4318');
    assert.equal(collector.exporters['otlp/kvonce'].endpoint, '127.0.0.1:4317');
    assert.equal(collector.exporters['otlp/kvonce'].tls.insecure, true);
    const help = (await run(['receive', '--help'], {}, ROOT)).stdout;
    assert.match(help, /--listen ADDR=127\.0\.0\.1:4318\s/);
    assert.match(help, /--grpc-listen ADDR=127\.0\.0\.1:4317\s/);
  });
});

// `kvonce-trace <command> ...` in fenced blocks (continuation lines joined) and inline code.
function commandLines(markdown) {
  const out = [];
  for (const f of fences(markdown)) out.push(...f.body.replace(/\\\n\s*/g, ' ').split('\n'));
  const prose = markdown.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');
  for (const m of prose.matchAll(/`([^`\n]+)`/g)) out.push(m[1]);
  return out;
}

test('every kvonce-trace option named in docs/ci.md, collector.md, rules.md and receive.md exists', async () => {
  let checked = 0;
  for (const name of ['ci.md', 'collector.md', 'rules.md', 'receive.md']) {
    for (const line of commandLines(read(path.join(DOCS, name)))) {
      const m = /kvonce-trace (prepare|verify|fetch|run|report|receive|explain|batch merge|batch)\b(.*)/.exec(line);
      if (!m) continue;
      const known = await optionsOf(m[1]);
      for (const option of m[2].match(/--[a-z][a-z0-9-]*/g) || []) {
        assert.ok(known.has(option), `docs/${name}: kvonce-trace ${m[1]} has no ${option} (${line.trim()})`);
        ++checked;
      }
    }
  }
  assert.ok(checked >= 10, `only ${checked} options checked`);
});
