// The GitHub workflows in .github/workflows/: each passes action-validator (the workflow schema,
// glob paths), a deliberately broken copy fails it (so the validator really checks), and the
// properties the docs promise hold: least permissions, the inputs of the reusable workflow, the
// trace directory upload, and only kvonce-trace options that the binary really has.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';

import YAML from 'yaml';

import { requireBinary, tempDir } from './cloud_harness.mjs';
import { optionsOf, requireValidator, ROOT, validate } from './docs_harness.mjs';

const WORKFLOWS = path.join(ROOT, '.github', 'workflows');

before(() => {
  requireBinary();
  requireValidator();
});

const workflowFiles = () =>
  fs.readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f)).map((f) => path.join(WORKFLOWS, f));
const load = (name) => YAML.parse(fs.readFileSync(path.join(WORKFLOWS, name), 'utf8'));

// Every step of every job, with its job name.
function steps(workflow) {
  return Object.entries(workflow.jobs).flatMap(([job, j]) => (j.steps || []).map((s) => ({ job, ...s })));
}

describe('action-validator', () => {
  test('accepts every workflow in .github/workflows', async () => {
    const files = workflowFiles();
    assert.ok(files.length >= 2, `expected ci.yml and trace-conformance.yml, found ${files}`);
    for (const file of files) {
      const r = await validate(file);
      assert.equal(r.code, 0, `${path.relative(ROOT, file)}:\n${r.output}`);
    }
  });

  test('rejects broken copies with a JSON error report', async (t) => {
    const dir = tempDir(t);
    const original = fs.readFileSync(path.join(WORKFLOWS, 'trace-conformance.yml'), 'utf8');
    const breakages = {
      // a misspelt job key
      'stepz.yml': [/^    steps:$/m, '    stepz:'],
      // a permission level that does not exist
      'permission.yml': [/^  id-token: write$/m, '  id-token: admin'],
      // an input type GitHub does not know
      'input-type.yml': [/(max-retries:\n\s+description: [^\n]+\n\s+type:) number/, '$1 integer'],
    };
    for (const [name, [pattern, replacement]] of Object.entries(breakages)) {
      const broken = original.replace(pattern, replacement);
      assert.notEqual(broken, original, `${name}: the breakage did not apply`);
      const file = path.join(dir, name);
      fs.writeFileSync(file, broken);
      const r = await validate(file);
      assert.equal(r.code, 1, `${name} should be rejected:\n${r.output}`);
      assert.match(r.output, /"errors"/, name);
    }
  });
});

describe('ci.yml', () => {
  const ci = load('ci.yml');

  test('runs scripts/test.sh on push and pull_request, on Debian 12', () => {
    assert.ok('push' in ci.on && 'pull_request' in ci.on);
    const job = Object.values(ci.jobs)[0];
    const image = typeof job.container === 'string' ? job.container : job.container?.image;
    assert.ok(image === 'debian:12' || /^ubuntu-/.test(job['runs-on']), `runs on ${image || job['runs-on']}`);
    assert.ok(steps(ci).some((s) => /(^|\s)scripts\/test\.sh(\s|$)/.test(s.run || '')), 'no step runs scripts/test.sh');
  });

  test('reads only, cancels superseded runs and has a timeout', () => {
    assert.deepEqual(ci.permissions, { contents: 'read' });
    for (const job of Object.values(ci.jobs)) {
      assert.equal(job.permissions, undefined, 'a job widens the permissions');
      assert.ok(Number.isInteger(job['timeout-minutes']) && job['timeout-minutes'] > 0);
    }
    assert.match(String(ci.concurrency?.group), /github\.(ref|workflow)/);
    assert.equal(ci.concurrency['cancel-in-progress'], true);
  });
});

describe('trace-conformance.yml', () => {
  const wf = load('trace-conformance.yml');
  const called = wf.on.workflow_call;
  const manual = wf.on.workflow_dispatch;

  test('is reusable and can be started by hand with the payload inputs', () => {
    for (const name of ['payload-path', 'artifact-name', 'payload-url', 's3-uri', 'profile']) {
      assert.ok(name in called.inputs, `workflow_call lacks input ${name}`);
    }
    for (const name of ['payload-path', 'payload-url', 's3-uri', 'profile']) {
      assert.ok(name in manual.inputs, `workflow_dispatch lacks input ${name}`);
    }
    // GitHub caps a manual run's form at 10 inputs (the schema does not check it).
    assert.ok(Object.keys(manual.inputs).length <= 10);
    assert.deepEqual(manual.inputs.profile.options, ['spec', 'compat']);
    assert.equal(called.secrets.KVONCE_OTLP_PAYLOAD_URL.required, false);
  });

  test('asks for exactly the least permissions', () => {
    assert.deepEqual(wf.permissions,
      { contents: 'read', 'id-token': 'write', checks: 'write', 'pull-requests': 'write' });
    for (const job of Object.values(wf.jobs)) assert.equal(job.permissions, undefined);
  });

  test('maps the inputs to the old job\'s variables and runs kvonce-trace run', () => {
    const run = steps(wf).find((s) => /kvonce-trace run\b/.test(s.run || ''));
    assert.ok(run, 'no step runs kvonce-trace run');
    assert.match(run.env.KVONCE_OTLP_PAYLOAD, /inputs\.payload-path/);
    assert.match(run.env.KVONCE_OTLP_PAYLOAD_URL, /secrets\.KVONCE_OTLP_PAYLOAD_URL/);
    assert.match(run.env.KVONCE_OTLP_PAYLOAD_URL, /inputs\.payload-url/);
    assert.match(run.env.KVONCE_OTLP_S3_URI, /inputs\.s3-uri/);
    assert.ok(!/secrets\./.test(run.run), 'a secret is expanded into the script text');
  });

  test('assumes an AWS role only when asked, and uploads the trace directory always', () => {
    const aws = steps(wf).find((s) => /^aws-actions\/configure-aws-credentials@/.test(s.uses || ''));
    assert.ok(aws, 'no configure-aws-credentials step');
    assert.match(aws.if, /inputs\.aws-role-to-assume/);
    assert.match(aws.with['role-to-assume'], /inputs\.aws-role-to-assume/);
    const gcp = steps(wf).find((s) => /^google-github-actions\/auth@/.test(s.uses || ''));
    assert.ok(gcp && /inputs\.gcp-workload-identity-provider/.test(gcp.if));

    const upload = steps(wf).find((s) => /^actions\/upload-artifact@/.test(s.uses || ''));
    assert.ok(upload, 'no upload-artifact step');
    assert.equal(upload.if, 'always()');
    const paths = upload.with.path.split('\n').map((p) => p.trim()).filter(Boolean);
    assert.ok(paths.includes('artifacts/hermetic-reports/trace/'), paths.join(', '));
    assert.ok(paths.includes('!artifacts/hermetic-reports/trace/payload/'), 'the raw payload is uploaded');
  });

  test('exposes the report\'s outputs', () => {
    for (const name of ['valid', 'valid_otlp', 'valid_ndjson', 'issues_otlp', 'issues_ndjson']) {
      assert.match(called.outputs[name].value, new RegExp(`jobs\\.conformance\\.outputs\\.${name}\\b`));
      assert.match(wf.jobs.conformance.outputs[name], new RegExp(`steps\\.run\\.outputs\\.${name}\\b`));
    }
  });
});

test('every kvonce-trace option in a workflow exists in the binary', async () => {
  let checked = 0;
  for (const file of workflowFiles()) {
    const wf = YAML.parse(fs.readFileSync(file, 'utf8'));
    for (const step of steps(wf)) {
      const script = step.run || '';
      const subcommands = [...script.matchAll(/kvonce-trace ([a-z]+)/g)].map((m) => m[1]);
      if (subcommands.length === 0) continue;
      const known = new Set();
      for (const sub of subcommands) for (const o of await optionsOf(sub)) known.add(o);
      for (const option of script.match(/--[a-z][a-z0-9-]*/g) || []) {
        assert.ok(known.has(option),
          `${path.basename(file)} step "${step.name}": kvonce-trace ${subcommands.join('/')} has no ${option}`);
        ++checked;
      }
    }
  }
  assert.ok(checked >= 5, `only ${checked} options checked`);
});

test('every run script of a workflow is valid bash', () => {
  let scripts = 0;
  for (const file of workflowFiles()) {
    for (const step of steps(YAML.parse(fs.readFileSync(file, 'utf8')))) {
      if (!step.run) continue;
      // Expressions are replaced by the runner before bash sees the script.
      const script = step.run.replace(/\$\{\{[^}]*\}\}/g, 'EXPR');
      try {
        execFileSync('bash', ['-n'], { input: script, stdio: ['pipe', 'pipe', 'pipe'] });
      } catch (error) {
        assert.fail(`${path.basename(file)} step "${step.name}": ${error.stderr}`);
      }
      ++scripts;
    }
  }
  assert.ok(scripts >= 4, `only ${scripts} scripts checked`);
});
