// `kvonce-trace report --post-comment --check-run` against a loopback stand-in of the GitHub API
// that checks the bearer token and API version header and paginates comments: create, update in
// place (the marked comment on page 2), check-run create and update, 5xx then success, a 403 rate
// limit with Retry-After, 401, and 10,000 issues within GitHub's size limits; a marked comment or a
// check run someone else wrote is never taken over; server messages reach the console escaped.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { assertNoSecrets, requireBinary, run, tempDir } from './cloud_harness.mjs';
import { API_VERSION, startGitHubServer } from './servers/github_pr_server.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REFERENCE = path.resolve(HERE, '../data/kvonce-otlp.json');
const TOKEN = 'ghs_kvonceE2eToken0123456789abcdef';
const REPO = 'octo/kvonce';
const PR = 42;
const HEAD_SHA = '4f6c1c2f0d1e2a3b4c5d6e7f8091a2b3c4d5e6f7';
const MARKER = '<!-- kvonce-trace-summary -->';

let github;
let work; // trace directories shared by the tests, built once from real runs
let eventPath;

before(async () => {
  requireBinary();
  github = await startGitHubServer({ token: TOKEN, repository: REPO });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'kvonce-report-'));
  eventPath = path.join(work, 'event.json');
  fs.writeFileSync(eventPath, JSON.stringify({ action: 'synchronize', number: PR, pull_request: { number: PR, head: { sha: HEAD_SHA } } }));
  const valid = await run(['run', '--trace-dir', path.join(work, 'valid')], {}, work);
  assert.equal(valid.code, 0, valid.stderr);
  for (const mode of ['otlp', 'ndjson']) {
    const r = await run(['verify', '-i', REFERENCE, '-d', path.join(work, 'invalid', mode)], {}, work);
    assert.equal(r.code, 1, r.stderr);
  }
});

after(async () => {
  await github?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

beforeEach(() => github.reset());

function actionsEnv(extra = {}) {
  return {
    GITHUB_TOKEN: TOKEN,
    GITHUB_REPOSITORY: REPO,
    GITHUB_API_URL: github.url,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_SHA: 'f'.repeat(40), // the merge commit: the check run belongs on the head instead
    ...extra,
  };
}

async function report(trace, args, env = actionsEnv()) {
  const result = await run(['report', '--trace-dir', path.join(work, trace), ...args], env, work);
  assertNoSecrets(result, [TOKEN]);
  return result;
}

function assertEveryRequestAuthenticated() {
  assert.ok(github.requests.length > 0);
  for (const r of github.requests) {
    assert.ok(r.authorized, `${r.method} ${r.path} without the bearer token`);
    assert.equal(r.apiVersion, API_VERSION);
    assert.match(r.userAgent, /^kvonce-trace\//);
  }
}

describe('report --post-comment', () => {
  test('creates the comment when none carries the marker; writes the step summary and outputs', async (t) => {
    const dir = tempDir(t);
    github.addComment(PR, 'Looks good to me');
    const summary = path.join(dir, 'summary.md');
    const outputs = path.join(dir, 'outputs.txt');
    const r = await report('valid', ['--post-comment'], actionsEnv({ GITHUB_STEP_SUMMARY: summary, GITHUB_OUTPUT: outputs }));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /PR comment created #\d+ .* on pull request #42/);
    const comments = github.comments(PR);
    assert.equal(comments.length, 2);
    assert.ok(comments[1].body.startsWith(`${MARKER}\n### KvOnce Trace Validation\n`), comments[1].body);
    assert.match(comments[1].body, /✅ \*\*otlp\*\*: valid, 0 issues/);
    assert.deepEqual(github.requests.map((q) => q.method), ['GET', 'POST']);
    assert.equal(github.requests[0].path, `/repos/${REPO}/issues/${PR}/comments?per_page=100`);
    assertEveryRequestAuthenticated();
    assert.match(fs.readFileSync(summary, 'utf8'), /^## KvOnce Trace Validation\n/);
    assert.equal(fs.readFileSync(outputs, 'utf8'),
      'valid_otlp=true\nissues_otlp=0\nvalid_ndjson=true\nissues_ndjson=0\nvalid=true\n');
  });

  test('updates in place the marked comment found on page 2', async () => {
    github.setPageSize(2);
    for (const text of ['first', 'second', 'third']) github.addComment(PR, text);
    const ours = github.addComment(PR, `${MARKER}\n### KvOnce Trace Validation\nold result`);
    github.addComment(PR, 'a later comment');
    const r = await report('invalid', ['--post-comment']);
    assert.equal(r.code, 1, r.stderr); // the trace is invalid; publishing worked
    assert.match(r.stdout, new RegExp(`PR comment updated #${ours.id}`));
    const comments = github.comments(PR);
    assert.equal(comments.length, 5);
    assert.match(comments[3].body, /❌ \*\*ndjson\*\*: invalid, 4 issues/);
    assert.match(comments[3].body, /^\| duplicate-before-success \| `beta` \|/m);
    assert.deepEqual(github.requests.map((q) => `${q.method} ${q.path}`), [
      `GET /repos/${REPO}/issues/${PR}/comments?per_page=100`,
      `GET /repos/${REPO}/issues/${PR}/comments?per_page=100&page=2`,
      'POST /graphql',
      `PATCH /repos/${REPO}/issues/comments/${ours.id}`,
    ]);
    assertEveryRequestAuthenticated();
  });

  test('--pr overrides the event', async () => {
    const r = await report('valid', ['--post-comment', '--pr', '7']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(github.comments(7).length, 1);
    assert.equal(github.comments(PR).length, 0);
  });

  test('5xx answers are retried until one succeeds', async () => {
    github.failNext('POST', /\/comments$/, 502);
    github.failNext('POST', /\/comments$/, 503);
    const r = await report('valid', ['--post-comment']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(github.comments(PR).length, 1);
    assert.equal(github.requests.filter((q) => q.method === 'POST').length, 3);
    assert.match(r.stdout, /HTTP 502, retrying in/);
  });

  test('a 403 rate limit waits for Retry-After, then succeeds', async () => {
    github.failNext('GET', /\/comments$/, 403, {
      headers: { 'retry-after': '2', 'x-ratelimit-remaining': '0' },
      body: { message: 'API rate limit exceeded' },
    });
    const r = await report('valid', ['--post-comment']);
    assert.equal(r.code, 0, r.stderr);
    const [limited, retried] = github.requests;
    assert.ok(retried.at - limited.at >= 1900, `retried after ${retried.at - limited.at} ms`);
    assert.equal(github.comments(PR).length, 1);
  });

  test('401: exit 8 with a clear message, no retry, the token never printed', async (t) => {
    const dir = tempDir(t);
    const summary = path.join(dir, 'summary.md');
    const r = await report('valid', ['--post-comment', '--step-summary', summary],
      actionsEnv({ GITHUB_TOKEN: 'ghs_revokedToken987654321' }));
    assert.equal(r.code, 8, r.stderr);
    assert.match(r.stderr, /GitHub API GET .*\/issues\/42\/comments.*: HTTP 401 \(Bad credentials\)/);
    assertNoSecrets(r, ['ghs_revokedToken987654321']);
    assert.equal(github.requests.length, 1);
    assert.ok(fs.existsSync(summary), 'the local summary is written before publishing');
  });

  test('no token: exit 8 before any request', async () => {
    const env = actionsEnv();
    delete env.GITHUB_TOKEN;
    const r = await report('valid', ['--post-comment'], env);
    assert.equal(r.code, 8);
    assert.match(r.stderr, /GITHUB_TOKEN is not set/);
    assert.equal(github.requests.length, 0);
  });
});

describe('report --check-run', () => {
  test('creates the check run on the head commit, then updates it', async () => {
    const first = await report('invalid', ['--check-run']);
    assert.equal(first.code, 1, first.stderr);
    assert.equal(github.checkRuns.length, 1);
    const created = github.checkRuns[0];
    assert.equal(created.name, 'KvOnce Trace Validation');
    assert.equal(created.head_sha, HEAD_SHA);
    assert.equal(created.status, 'completed');
    assert.equal(created.conclusion, 'failure');
    assert.equal(created.output.title, 'Invalid: otlp 4 issues, ndjson 4 issues');
    assert.match(created.output.summary, /❌ \*\*otlp\*\*: invalid, 4 issues/);
    assert.match(created.output.summary, /^❌ \*\*Invalid\*\*: both modes report the same 4 issues$/m);
    assert.match(created.output.text, /^\| rule \| key \| what \| when \| trace \|$/m);

    const second = await report('valid', ['--check-run']);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(github.checkRuns.length, 1);
    assert.equal(github.checkRuns[0].id, created.id);
    assert.equal(github.checkRuns[0].conclusion, 'success');
    assert.match(second.stdout, new RegExp(`check run updated #${created.id} \\(success\\)`));
    const listing = github.requests.find((q) => q.method === 'GET');
    assert.equal(listing.path, `/repos/${REPO}/commits/${HEAD_SHA}/check-runs?check_name=KvOnce%20Trace%20Validation&per_page=100`);
    assertEveryRequestAuthenticated();
  });

  test('neutral when no mode directory exists', async () => {
    const r = await report('nothing-here', ['--check-run']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(github.checkRuns[0].conclusion, 'neutral');
  });

  test('GITHUB_SHA when the event is not a pull request', async (t) => {
    const dir = tempDir(t);
    fs.writeFileSync(path.join(dir, 'push.json'), JSON.stringify({ ref: 'refs/heads/main' }));
    const r = await report('valid', ['--check-run'], actionsEnv({ GITHUB_EVENT_PATH: path.join(dir, 'push.json') }));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(github.checkRuns[0].head_sha, 'f'.repeat(40));
  });
});

describe('size limits', () => {
  test('10,000 issues: comment and check run stay within GitHub\'s limits', async (t) => {
    const dir = tempDir(t);
    const lines = [];
    for (let i = 0; i < 10_000; i++) {
      const key = `key|<script>${i}</script>`;
      for (const second of [0, 1]) {
        lines.push(JSON.stringify({ traceId: `t${i}`, timestamp: new Date(Date.UTC(2025, 9, 9, 8, 0, second, i % 1000)).toISOString(),
          actor: 'kvonce-service', event: 'success', type: 'success', key, value: 'v', context: { attempts: 1 } }));
      }
    }
    fs.writeFileSync(path.join(dir, 'many.ndjson'), lines.join('\n') + '\n');
    const trace = path.join(dir, 'trace');
    for (const mode of ['otlp', 'ndjson']) {
      const v = await run(['verify', '-i', path.join(dir, 'many.ndjson'), '-d', path.join(trace, mode)], {}, dir);
      assert.equal(v.code, 1, v.stderr);
    }
    const summary = path.join(dir, 'summary.md');
    const r = await run(['report', '--trace-dir', trace, '--post-comment', '--check-run', '--pr-comment',
      path.join(dir, 'comment.md'), '--step-summary', summary, '--max-issues', '100000'], actionsEnv(), dir);
    assert.equal(r.code, 1, r.stderr);
    const body = github.comments(PR)[0].body;
    assert.ok(body.length < 65536, `comment of ${body.length} characters`);
    assert.equal(body, fs.readFileSync(path.join(dir, 'comment.md'), 'utf8'));
    // The modes agree: the issues not shown are counted once, for both.
    assert.match(body, /… \d+ more in both modes \(see otlp\/kvonce-validation\.json\)/);
    assert.doesNotMatch(body, /see ndjson\/kvonce-validation\.json/);
    // Keys appear only inside code spans, where HTML is shown as text.
    assert.ok(body.includes('`key\\|<script>0</script>`'));
    assert.ok(!body.replace(/`[^`\n]*`/g, '').includes('<script>'), 'raw HTML outside a code span');
    const output = github.checkRuns[0].output;
    assert.ok(output.summary.length <= 65535 && output.text.length <= 65535);
    assert.ok(fs.statSync(summary).size < 1024 * 1024 / 4, `step summary of ${fs.statSync(summary).size} bytes`);
  });
});

describe('report: only what the token wrote is updated', () => {
  const planted = `${MARKER}\n### KvOnce Trace Validation\n✅ all valid, merge away`;

  test('GITHUB_TOKEN: a marked comment by someone else stays, a new one is posted', async () => {
    const mallory = github.addComment(PR, planted, { login: 'mallory', id: 666, type: 'User' });
    const r = await report('invalid', ['--post-comment']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /PR comment created #\d+/);
    const comments = github.comments(PR);
    assert.equal(comments.length, 2);
    assert.equal(comments[0].id, mallory.id);
    assert.equal(comments[0].body, planted);
    assert.equal(comments[1].user.login, 'github-actions[bot]');
    assert.match(comments[1].body, /❌ \*\*otlp\*\*: invalid/);
    // GraphQL's viewer names the installation token's bot (GET /user would refuse it).
    assert.deepEqual(github.requests.map((q) => `${q.method} ${q.path}`), [
      `GET /repos/${REPO}/issues/${PR}/comments?per_page=100`,
      'POST /graphql',
      `POST /repos/${REPO}/issues/${PR}/comments`,
    ]);
  });

  test('GITHUB_TOKEN: the bot\'s own marked comment is updated even after a planted one', async () => {
    github.addComment(PR, planted, { login: 'mallory', id: 666, type: 'User' });
    const ours = github.addComment(PR, `${MARKER}\nold`);
    const r = await report('valid', ['--post-comment']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`PR comment updated #${ours.id}`));
    assert.equal(github.comments(PR)[0].body, planted);
    assert.equal(github.comments(PR).length, 2);
  });

  test('a user token: GraphQL\'s viewer names the author whose comment is updated', async () => {
    github.setIdentity({ user: 'octocat' });
    const bot = github.addComment(PR, planted, { login: 'github-actions[bot]', id: 41898282, type: 'Bot' });
    const ours = github.addComment(PR, `${MARKER}\nold`);
    const r = await report('valid', ['--post-comment']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`PR comment updated #${ours.id}`));
    assert.equal(github.comments(PR).find((c) => c.id === bot.id).body, planted);
  });

  test('a GitHub App installation token: its own comment and check run are updated, GitHub Actions\' stay', async () => {
    github.setIdentity({ app: 'kvonce-app' });
    const actions = github.addComment(PR, planted, { login: 'github-actions[bot]', id: 41898282, type: 'Bot' });
    const ours = github.addComment(PR, `${MARKER}\nold`);
    const actionsRun = github.addCheckRun(HEAD_SHA, 'KvOnce Trace Validation', 'github-actions');
    const ourRun = github.addCheckRun(HEAD_SHA, 'KvOnce Trace Validation', 'kvonce-app');
    const r = await report('valid', ['--post-comment', '--check-run']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`PR comment updated #${ours.id}`));
    assert.match(r.stdout, new RegExp(`check run updated #${ourRun.id} \\(success\\)`));
    assert.equal(github.comments(PR).find((c) => c.id === actions.id).body, planted);
    assert.equal(github.checkRuns.find((c) => c.id === actionsRun.id).conclusion, 'success');
    assert.ok(!github.requests.some((q) => q.path === '/user' || q.path.startsWith('/app')));
  });

  test('--app-slug names the app without asking GraphQL', async () => {
    github.setIdentity({ app: 'kvonce-app' });
    const ours = github.addComment(PR, `${MARKER}\nold`);
    const r = await report('valid', ['--post-comment', '--app-slug', 'kvonce-app']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`PR comment updated #${ours.id}`));
    assert.ok(!github.requests.some((q) => q.path === '/graphql'));
  });

  test('GraphQL refused: the author is unknown, so a new comment and check run are created', async () => {
    const bots = github.addComment(PR, planted, { login: 'github-actions[bot]', id: 41898282, type: 'Bot' });
    const run = github.addCheckRun(HEAD_SHA, 'KvOnce Trace Validation', 'github-actions');
    github.failNext('POST', /^\/graphql$/, 403, { body: { message: 'Resource not accessible by integration' } });
    const r = await report('invalid', ['--post-comment', '--check-run']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /PR comment created #\d+/);
    assert.match(r.stdout, /check run created #\d+ \(failure\)/);
    assert.equal(github.comments(PR).find((c) => c.id === bots.id).body, planted);
    assert.equal(github.checkRuns.find((c) => c.id === run.id).conclusion, 'success');
  });

  test('a check run of the same name by another app stays; ours is created beside it', async () => {
    const other = github.addCheckRun(HEAD_SHA, 'KvOnce Trace Validation', 'mallory-ci');
    const r = await report('invalid', ['--check-run']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /check run created #\d+ \(failure\)/);
    assert.equal(github.checkRuns.length, 2);
    assert.equal(github.checkRuns[0].id, other.id);
    assert.equal(github.checkRuns[0].conclusion, 'success');
    assert.equal(github.checkRuns[1].app.slug, 'github-actions');

    const again = await report('valid', ['--check-run']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, new RegExp(`check run updated #${github.checkRuns[1].id} \\(success\\)`));
    assert.equal(github.checkRuns.length, 2);
  });

  test('a hostile server message reaches the console escaped', async () => {
    github.failNext('GET', /\/comments$/, 404, { body: { message: 'gone\n::warning::pwned\n::add-mask::x\u001b[2J\u001b]8;;http://e/\u0007' } });
    const r = await report('valid', ['--post-comment']);
    assert.equal(r.code, 7, r.stderr);
    assert.match(r.stderr, /gone\\n::warning::pwned\\n::add-mask::x\\x1b\[2J\\x1b\]8;;http:\/\/e\/\\x07/);
    for (const text of [r.stdout, r.stderr]) {
      assert.ok(!/[\x00-\x09\x0b-\x1f\x7f]/.test(text), `a control character in ${JSON.stringify(text)}`);
      for (const line of text.split('\n')) assert.ok(!line.trimStart().startsWith('::'), line);
    }
  });
});

describe('trace links', () => {
  const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
  const SPAN = '00f067aa0ba902b7';
  const TEMPLATE = 'https://jaeger.example/trace/{traceId}?uiFind={spanId}';
  const LINK = `https://jaeger.example/trace/${TRACE}?uiFind=${SPAN}`;

  // Two successes of one key: a multiple-success issue at the second span.
  function twice(dir) {
    const span = (i) => ({ traceId: TRACE, spanId: i ? SPAN : 'a'.repeat(16), name: 'put',
      startTimeUnixNano: String(1760000000000000000n + BigInt(i) * 1000000000n),
      attributes: [['type', 'success'], ['key', 'k'], ['value', `v${i}`]]
        .map(([k, v]) => ({ key: `kvonce.event.${k}`, value: { stringValue: v } })) });
    const file = path.join(dir, 'twice.json');
    fs.writeFileSync(file, JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [span(0), span(1)] }] }] }));
    return file;
  }

  test('verify --trace-link prints the link under the issue', async (t) => {
    const dir = tempDir(t);
    const r = await run(['verify', '-i', twice(dir), '-d', path.join(dir, 'otlp'), '--profile', 'compat',
      '--trace-link', TEMPLATE], {}, dir);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /\[multiple-success\] k: .*\n {4}link: (.*)\n/);
    assert.equal(r.stdout.match(/\n {4}link: (.*)\n/)[1], LINK);
  });

  test('KVONCE_TRACE_LINK links every issue of the Step Summary and the PR comment', async (t) => {
    const dir = tempDir(t);
    const trace = path.join(dir, 'trace');
    const v = await run(['run', '-i', twice(dir), '--trace-dir', trace, '--profile', 'compat'],
      { KVONCE_TRACE_LINK: TEMPLATE }, dir);
    assert.equal(v.code, 1, v.stderr);
    assert.ok(v.stdout.includes(`    link: ${LINK}\n`), v.stdout);
    const summary = path.join(dir, 'summary.md');
    const comment = path.join(dir, 'comment.md');
    const r = await run(['report', '--trace-dir', trace, '--step-summary', summary, '--pr-comment', comment],
      { KVONCE_TRACE_LINK: TEMPLATE }, dir);
    assert.equal(r.code, 1, r.stderr);
    for (const file of [summary, comment]) {
      const md = fs.readFileSync(file, 'utf8');
      assert.ok(md.includes(`](${LINK})`), md);
      // Both modes agree: the issue is listed once.
      assert.equal(md.match(/multiple-success \|/g).length, 1, md);
    }
    const body = fs.readFileSync(comment, 'utf8');
    assert.ok(body.startsWith(`${MARKER}\n### KvOnce Trace Validation\n`));
    assert.match(body, /^- ❌ \*\*otlp\*\*: invalid, 1 issue /m);
    assert.match(body, /^- ❌ \*\*ndjson\*\*: invalid, 1 issue /m);
    // The events keep the span id through prepare: the ndjson mode's issue links it too.
    const ndjson = JSON.parse(fs.readFileSync(path.join(trace, 'ndjson', 'kvonce-validation.json'), 'utf8'));
    assert.equal(ndjson.issues[0].spanId, SPAN);
  });

  test('a template that is not https:// is a usage error naming its source', async (t) => {
    const dir = tempDir(t);
    const opt = await run(['report', '--trace-dir', path.join(work, 'valid'), '--trace-link',
      'http://jaeger.example/trace/{traceId}'], {}, dir);
    assert.equal(opt.code, 3, opt.stderr);
    assert.match(opt.stderr, /--trace-link: a link must be https:\/\//);
    const env = await run(['report', '--trace-dir', path.join(work, 'valid')],
      { KVONCE_TRACE_LINK: 'https://jaeger.example/{trace}' }, dir);
    assert.equal(env.code, 3, env.stderr);
    assert.match(env.stderr, /KVONCE_TRACE_LINK: unknown placeholder \{trace\}/);
  });
});
