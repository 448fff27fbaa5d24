// The GitHub workflows in .github/workflows/: each passes action-validator (the workflow schema,
// glob paths), a deliberately broken copy fails it (so the validator really checks), and the
// properties the docs promise hold: least permissions, the inputs of the reusable workflow, the
// trace directory upload, and only kvonce-trace options that the binary really has.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';

import YAML from 'yaml';

import { requireBinary, tempDir } from './cloud_harness.mjs';
import { optionsOf, requireValidator, ROOT, validate } from './docs_harness.mjs';

const WORKFLOWS = path.join(ROOT, '.github', 'workflows');
const ACTION = path.join(ROOT, 'action.yml');

before(() => {
  requireBinary();
  requireValidator();
});

const workflowFiles = () =>
  fs.readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f)).map((f) => path.join(WORKFLOWS, f));
const load = (name) => YAML.parse(fs.readFileSync(path.join(WORKFLOWS, name), 'utf8'));
// The workflows and the composite action at the repository's root.
const checkedFiles = () => [...workflowFiles(), ACTION];

// Every step of every job (of a workflow) or of the action, with its job name.
function steps(workflow) {
  if (workflow.runs) return workflow.runs.steps.map((s) => ({ job: 'action', ...s }));
  return Object.entries(workflow.jobs).flatMap(([job, j]) => (j.steps || []).map((s) => ({ job, ...s })));
}

describe('action-validator', () => {
  test('accepts every workflow in .github/workflows and action.yml', async (t) => {
    const files = checkedFiles();
    assert.ok(files.length >= 4, `expected ci.yml, release.yml, trace-conformance.yml and action.yml, found ${files}`);
    const dir = tempDir(t);
    for (const file of files) {
      // action-validator 0.6.0 (the latest) bundles a workflow schema older than GitHub's
      // `attestations` permission, which actions/attest-build-provenance needs: the validator
      // sees each file without that one permission, and nothing else changed.
      const text = fs.readFileSync(file, 'utf8');
      const seen = text.replace(/^ +attestations: write\n/gm, '');
      const copy = path.join(dir, path.basename(file));
      fs.writeFileSync(copy, seen);
      const r = await validate(seen === text ? file : copy);
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
  const action = YAML.parse(fs.readFileSync(ACTION, 'utf8'));
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

  test('runs the action of the checked-out kvonce-ref on ubuntu-latest, with no container and no compiler', () => {
    const job = wf.jobs.conformance;
    assert.equal(job['runs-on'], 'ubuntu-latest');
    assert.equal(job.container, undefined);
    const checkout = steps(wf).find((s) => s.name === 'Check out kvonce-trace');
    assert.match(checkout.with.ref, /inputs\.kvonce-ref/);
    const run = steps(wf).find((s) => s.id === 'run');
    assert.equal(run.uses, `./${checkout.with.path}`);
    assert.match(run.with.version, /inputs\.kvonce-ref/);
    for (const step of steps(wf)) {
      assert.ok(!/install-deps|apt-get|cmake|ccache|clang|build-essential/.test(step.run || ''), `${step.name} builds`);
      assert.ok(!/actions\/cache@/.test(step.uses || ''), `${step.name}: a compiler cache`);
    }
  });

  test('passes the payload inputs to the action', () => {
    const run = steps(wf).find((s) => s.id === 'run');
    assert.match(run.with['payload-path'], /inputs\.payload-path/);
    assert.match(run.with['payload-url'], /secrets\.KVONCE_OTLP_PAYLOAD_URL/);
    assert.match(run.with['payload-url'], /inputs\.payload-url/);
    assert.match(run.with['s3-uri'], /inputs\.s3-uri/);
    assert.match(run.with['artifact-dir'], /inputs\.artifact-name/);
    for (const name of Object.keys(run.with)) assert.ok(name in action.inputs, `the action has no input ${name}`);
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

test('every kvonce-trace option in a workflow or the action exists in the binary', async () => {
  let checked = 0;
  for (const file of checkedFiles()) {
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

test('every run script of a workflow or the action is valid bash', () => {
  let scripts = 0;
  for (const file of checkedFiles()) {
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

describe('action.yml', () => {
  const action = YAML.parse(fs.readFileSync(ACTION, 'utf8'));
  const called = load('trace-conformance.yml').on.workflow_call;

  test('is a composite action with the reusable workflow\'s inputs and outputs', () => {
    assert.equal(action.runs.using, 'composite');
    for (const name of ['payload-path', 'artifact-dir', 'payload-url', 's3-uri', 'profile', 'max-retries',
      'mask-values', 'post-comment', 'check-run', 'version']) {
      assert.ok(name in action.inputs, `action.yml lacks input ${name}`);
    }
    for (const name of ['payload-path', 'payload-url', 's3-uri', 'profile', 'max-retries', 'mask-values',
      'post-comment', 'check-run']) {
      assert.equal(String(action.inputs[name].default), String(called.inputs[name].default), name);
    }
    for (const name of ['valid', 'valid_otlp', 'valid_ndjson', 'issues_otlp', 'issues_ndjson']) {
      assert.match(action.outputs[name].value, new RegExp(`steps\\.run\\.outputs\\.${name}\\b`));
    }
  });

  test('installs with scripts/action-install.sh, then runs kvonce-trace run with the old job\'s variables', () => {
    const [install, run] = steps(action);
    assert.match(install.run, /\$GITHUB_ACTION_PATH\/scripts\/action-install\.sh/);
    assert.ok(fs.existsSync(path.join(ROOT, 'scripts', 'action-install.sh')));
    assert.match(install.env.VERSION, /inputs\.version/);
    assert.match(install.env.ACTION_REF, /github\.action_ref/);
    assert.equal(run.id, 'run');
    assert.match(run.run, /kvonce-trace run\b/);
    assert.match(run.env.PAYLOAD_PATH, /inputs\.payload-path/);
    assert.match(run.env.PAYLOAD_URL, /inputs\.payload-url/);
    assert.match(run.env.S3_URI, /inputs\.s3-uri/);
    assert.match(run.env.ARTIFACT_DIR, /inputs\.artifact-dir/);
    assert.match(run.env.SAMPLE, /inputs\.sample/);
    assert.match(run.env.APP_SLUG, /inputs\.app-slug/);
    // An input left empty must not become an empty source variable (an error in Actions).
    for (const name of ['KVONCE_OTLP_PAYLOAD', 'KVONCE_OTLP_PAYLOAD_URL', 'KVONCE_OTLP_S3_URI', 'KVONCE_PAYLOAD_ARTIFACT']) {
      assert.equal(run.env[name], undefined, `the step sets ${name} even when its input is empty`);
    }
    for (const step of steps(action)) assert.ok(step.shell, `${step.name} has no shell (composite steps need one)`);
  });
});

describe('release.yml', () => {
  const wf = load('release.yml');

  test('runs on v* tags, builds and tests in Debian 12 on x86_64 and arm64 runners', () => {
    assert.deepEqual(wf.on.push.tags, ['v*']);
    const build = wf.jobs.build;
    assert.equal(build.container.image, 'debian:12');
    assert.deepEqual(build.strategy.matrix.include.map((m) => m.runner).sort(), ['ubuntu-24.04-arm', 'ubuntu-latest']);
    assert.ok(steps({ jobs: { build } }).some((s) => /(^|\s)scripts\/test\.sh --no-asan\b/.test(s.run || '')));
  });

  test('attaches the packages and SHA256SUMS with provenance, and pushes a multi-arch image', () => {
    assert.deepEqual(wf.permissions, { contents: 'read' });
    const publish = steps({ jobs: { publish: wf.jobs.publish } });
    assert.ok(publish.some((s) => /gh release create .*dist\/\*/.test(s.run || '')));
    assert.ok(publish.some((s) => /SHA256SUMS/.test(s.run || '')));
    assert.ok(publish.some((s) => /^actions\/attest-build-provenance@/.test(s.uses || '')));
    assert.equal(wf.jobs.publish.permissions.contents, 'write');
    const platforms = wf.jobs.image.strategy.matrix.include.map((m) => m.platform).sort();
    assert.deepEqual(platforms, ['linux/amd64', 'linux/arm64']);
    const manifest = steps({ jobs: { m: wf.jobs['image-manifest'] } });
    assert.ok(manifest.some((s) => /imagetools create/.test(s.run || '') && /ghcr\.io/.test(s.run)));
    assert.ok(manifest.some((s) => /^actions\/attest-build-provenance@/.test(s.uses || '') && s.with['push-to-registry']));
  });
});

// The action's run step executed as the runner would: its env with the inputs substituted (an
// input not given is its default, as GitHub passes it), GITHUB_ACTIONS=true, and the binary
// under test as `kvonce-trace` on PATH.
describe('action.yml run step, executed', () => {
  const action = YAML.parse(fs.readFileSync(ACTION, 'utf8'));
  const step = steps(action).find((s) => s.id === 'run');

  async function runStep(t, inputs, files = {}) {
    const dir = tempDir(t);
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    fs.symlinkSync(process.env.KVONCE_BIN, path.join(bin, 'kvonce-trace'));
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    const given = { ...Object.fromEntries(Object.entries(action.inputs).map(([k, v]) => [k, String(v.default ?? '')])),
      'post-comment': 'false', 'check-run': 'false', 'github-token': '', ...inputs };
    const env = { PATH: `${bin}:${process.env.PATH}`, HOME: dir, GITHUB_ACTIONS: 'true',
      GITHUB_OUTPUT: path.join(dir, 'outputs'), GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md') };
    for (const [name, value] of Object.entries(step.env)) {
      const m = /^\$\{\{ inputs\.([a-z-]+) \}\}$/.exec(value);
      env[name] = m ? given[m[1]] : ''; // the one other expression (POST_COMMENT) is empty off pull requests
    }
    return new Promise((resolve) => {
      const child = execFile('bash', ['-e', '-c', step.run], { cwd: dir, env, timeout: 60_000 }, (error, stdout, stderr) => {
        const read = (f) => (fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), 'utf8') : '');
        resolve({ code: error ? error.code : 0, stdout, stderr, outputs: read('outputs'), summary: read('summary.md'),
          comment: read('artifacts/hermetic-reports/trace/kvonce-pr-comment.md') });
      });
      child.stdin?.end();
    });
  }

  test('a payload-path alone: that payload is verified (no empty variable for the other inputs)', async (t) => {
    const payload = fs.readFileSync(path.join(ROOT, 'data', 'kvonce-otlp-sample.json')); // a valid payload
    const r = await runStep(t, { 'payload-path': 'payload.json' }, { 'payload.json': payload });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.outputs, /^valid=true$/m);
    assert.match(r.comment, /Payload: env-file `payload\.json`/);
    assert.doesNotMatch(r.summary, /embedded sample/);
  });

  test('no payload input: the job fails (exit 3) instead of verifying the embedded sample', async (t) => {
    const r = await runStep(t, {});
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stderr, /no payload source given/);
    assert.doesNotMatch(r.outputs, /valid=true/);
  });

  test('sample: true verifies the embedded sample, and the report says so', async (t) => {
    const r = await runStep(t, { sample: 'true' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.summary, /\*\*the embedded sample\*\* \(not a payload of this project\)/);
    assert.match(r.comment, /Payload: \*\*the embedded sample\*\*/);
  });

  test('test-command: the command runs under receive, and the traces it exported are judged', async (t) => {
    const program = path.join(ROOT, 'tests', 'e2e', 'receive', 'program.mjs');
    const r = await runStep(t, { 'test-command': `node '${program}' && echo "the tests ran"` });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /the tests ran/);
    assert.match(r.outputs, /^valid=true$/m);
    assert.match(r.comment, /Payload: receive /);
    const failing = await runStep(t, { 'test-command': `node '${program}'; exit 4` });
    assert.equal(failing.code, 11, failing.stdout + failing.stderr);
  });
});

test('the reusable workflow passes its test-command input to the action', () => {
  const wf = load('trace-conformance.yml');
  assert.equal(wf.on.workflow_call.inputs['test-command'].default, '');
  assert.match(steps(wf).find((s) => s.id === 'run').with['test-command'], /inputs\.test-command/);
  assert.match(steps(wf).find((s) => /^actions\/checkout@/.test(s.uses || '')).if, /inputs\.test-command/);
});

test('the reusable workflow passes its sample input to the action', () => {
  const wf = load('trace-conformance.yml');
  const action = YAML.parse(fs.readFileSync(ACTION, 'utf8'));
  assert.equal(wf.on.workflow_call.inputs.sample.type, 'boolean');
  assert.equal(wf.on.workflow_call.inputs.sample.default, false);
  assert.equal(String(action.inputs.sample.default), 'false');
  assert.match(steps(wf).find((s) => s.id === 'run').with.sample, /inputs\.sample/);
});
